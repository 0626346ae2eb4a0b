import { useI18n } from '../i18n/i18n-context.tsx';

/** A visible error over the map (never a blank map): message, technical detail, retry or dismiss. */
export function ErrorBanner({ message, detail, onRetry, onDismiss }: { message: string; detail?: string; onRetry?: () => void; onDismiss?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <strong>{message}</strong>
      {detail && <span className="error-detail">{detail}</span>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('error.retry')}
        </button>
      )}
      {onDismiss && (
        <button type="button" onClick={onDismiss}>
          {t('error.dismiss')}
        </button>
      )}
    </div>
  );
}
