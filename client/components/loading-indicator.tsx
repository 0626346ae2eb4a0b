import { useI18n } from '../i18n/i18n-context.tsx';

/** A thin progress bar with a text for screen readers while the map or its data loads. */
export function LoadingIndicator() {
  const { t } = useI18n();
  return (
    <div className="loading-indicator" role="status" aria-live="polite" data-testid="loading">
      <span className="loading-bar" />
      <span className="loading-text">{t('loading.data')}</span>
    </div>
  );
}
