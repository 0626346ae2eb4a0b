/** The city switcher of the top bar: one option per loaded city, by its name (app.dataset.name). */
import { useId } from 'react';
import type { City } from '../api/cities-api.ts';
import { useI18n } from '../i18n/i18n-context.tsx';

export function CitySwitcher({ cities, city, onChange }: { cities: City[]; city: City | null; onChange: (c: City) => void }) {
  const { t } = useI18n();
  const id = useId();
  if (cities.length === 0) return <span className="city-switch muted" data-testid="city-none">{t('city.none')}</span>;
  return (
    <span className="city-switch">
      <label htmlFor={id}>{t('city.label')}</label>
      <select id={id} data-testid="city-switch" value={city?.id ?? ''} onChange={(e) => {
        const next = cities.find((c) => c.id === e.target.value);
        if (next) onChange(next);
      }}>
        {cities.map((c) => <option key={c.id} value={c.id}>{c.name}{c.isSample ? ` · ${t('feature.sample')}` : ''}</option>)}
      </select>
    </span>
  );
}
