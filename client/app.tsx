/**
 * The application shell: language and city state, header and the lazily loaded map page. The map
 * chunk (maplibre + deck.gl, ~2 MB) is a dynamic import so the shell paints at once. The city comes
 * from the URL (`#city=…`, followed when only the hash changes), else the server's default; switching
 * it rewrites the URL.
 */
import { Suspense, lazy, useEffect, useState } from 'react';
import { fetchCities, pickCity, type City } from './api/cities-api.ts';
import { I18nProvider, type Lang } from './i18n/i18n-context.tsx';
import { readHashState, writeHashState } from './state/url-state.ts';
import { TopBar } from './components/top-bar.tsx';
import { SessionProvider } from './components/sign-in-context.tsx';
import { prefetchMapData } from './map/use-map-data.ts';

const MapPage = lazy(() => import('./map/map-page.tsx'));
// Style, catalog and labels load while the map chunk downloads, not after it.
prefetchMapData();
const citiesPromise = fetchCities();
citiesPromise.catch(() => {}); // the map page's error banner reports a server that cannot answer

export function App() {
  const [lang, setLang] = useState<Lang>(() => readHashState().lang ?? 'zh');
  const [cities, setCities] = useState<City[] | null>(null);
  const [city, setCity] = useState<City | null>(null);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    writeHashState({ lang });
  }, [lang]);
  useEffect(() => {
    citiesPromise.then((list) => {
      setCities(list.cities);
      setCity(pickCity(list, readHashState().city));
    }, () => setCities([]));
  }, []);
  useEffect(() => {
    if (city) writeHashState({ city: city.id });
  }, [city]);
  // A link to another city opened in this tab (or the address bar edited) changes only the hash: follow it.
  useEffect(() => {
    const onHash = () => {
      const h = readHashState();
      if (h.lang && h.lang !== lang) setLang(h.lang);
      if (cities && h.city && h.city !== city?.id) {
        const next = cities.find((c) => c.id === h.city);
        if (next) setCity(next);
      }
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [cities, city, lang]);
  return (
    <I18nProvider lang={lang}>
      <SessionProvider>
        <div className="app">
          <TopBar lang={lang} onLangChange={setLang} cities={cities ?? []} city={city} onCityChange={setCity} />
          <Suspense fallback={<MapFallback />}>
            {cities !== null && <MapPage city={city} />}
          </Suspense>
        </div>
      </SessionProvider>
    </I18nProvider>
  );
}

function MapFallback() {
  return <main className="map-fallback" aria-busy="true">…</main>;
}
