import { useI18n, type Lang } from '../i18n/i18n-context.tsx';

/** Title and the language switch (zh-CN ⇄ English). */
export function TopBar({ lang, onLangChange }: { lang: Lang; onLangChange: (l: Lang) => void }) {
  const { t } = useI18n();
  return (
    <header className="top-bar">
      <h1>
        {t('app.title')} <small>{t('app.subtitle')}</small>
      </h1>
      <button type="button" className="lang-switch" aria-label={t('lang.switchLabel')} data-testid="lang-switch" onClick={() => onLangChange(lang === 'zh' ? 'en' : 'zh')}>
        {t('lang.switch')}
      </button>
    </header>
  );
}
