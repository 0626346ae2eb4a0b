import type { City } from '../api/cities-api.ts';
import { useI18n, type Lang } from '../i18n/i18n-context.tsx';
import { CitySwitcher } from './city-switcher.tsx';
import { SignIn } from './sign-in.tsx';
import { UploadButton } from '../panels/upload/upload-panel.tsx';

/** Title, the city switcher, sign-in and the language switch (zh-CN ⇄ English). */
export function TopBar({ lang, onLangChange, cities, city, onCityChange }: {
  lang: Lang;
  onLangChange: (l: Lang) => void;
  cities: City[];
  city: City | null;
  onCityChange: (c: City) => void;
}) {
  const { t } = useI18n();
  return (
    <header className="top-bar">
      <h1>
        {t('app.title')} <small>{t('app.subtitle')}</small>
      </h1>
      <div className="top-bar-tools">
        <CitySwitcher cities={cities} city={city} onChange={onCityChange} />
        {city && <UploadButton city={city.id} />}
        <SignIn cities={cities} />
        <button type="button" className="lang-switch" aria-label={t('lang.switchLabel')} data-testid="lang-switch" onClick={() => onLangChange(lang === 'zh' ? 'en' : 'zh')}>
          {t('lang.switch')}
        </button>
      </div>
    </header>
  );
}
