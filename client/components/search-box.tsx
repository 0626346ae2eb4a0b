/** Search by name (estates, parks, facilities, admin units); picking a result zooms the map to it. */
import { useEffect, useId, useState } from 'react';
import { searchByName, type SearchHit } from '../api/map-api.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import { isMessageKey } from '../i18n/dictionaries.ts';

/** `city`: the current city; results are limited to it. */
export function SearchBox({ city, onPick }: { city: string | undefined; onPick: (hit: SearchHit) => void }) {
  const { t } = useI18n();
  const inputId = useId();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setBusy(false);
      setHits(null);
      return;
    }
    const ac = new AbortController();
    const timer = setTimeout(() => {
      setBusy(true);
      searchByName(text, city, ac.signal)
        .then(setHits, (err: Error) => err.name !== 'AbortError' && setHits([]))
        .finally(() => !ac.signal.aborted && setBusy(false));
    }, 200);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [q, city]);
  const layerName = (layer: string) => {
    const key = `layer.${layer}`;
    return isMessageKey(key) ? t(key) : layer;
  };
  return (
    <form className="search-box" role="search" onSubmit={(e) => { e.preventDefault(); if (hits?.[0]) onPick(hits[0]); }}>
      <label htmlFor={inputId}>{t('search.label')}</label>
      <div className="search-row">
        <input id={inputId} type="search" value={q} placeholder={t('search.placeholder')} onChange={(e) => setQ(e.target.value)} data-testid="search-input" />
        <button type="submit">{t('search.button')}</button>
      </div>
      {busy && <div className="muted" role="status">{t('loading.data')}</div>}
      {hits && !busy && (
        <ul className="search-results" data-testid="search-results">
          {hits.length === 0 && <li className="muted">{t('search.none')}</li>}
          {hits.map((h) => (
            <li key={`${h.layer}-${h.id}`}>
              <button type="button" onClick={() => onPick(h)}>
                {h.name} <span className="muted">· {layerName(h.layer)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
