/**
 * The application shell: language state, header and the lazily loaded map page. The map chunk
 * (maplibre + deck.gl, ~2 MB) is a dynamic import so the shell paints at once.
 */
import { Suspense, lazy, useEffect, useState } from 'react';
import { I18nProvider, type Lang } from './i18n/i18n-context.tsx';
import { readHashState, writeHashState } from './state/url-state.ts';
import { TopBar } from './components/top-bar.tsx';
import { prefetchMapData } from './map/use-map-data.ts';

const MapPage = lazy(() => import('./map/map-page.tsx'));
// Style, catalog and labels load while the map chunk downloads, not after it.
prefetchMapData();

export function App() {
  const [lang, setLang] = useState<Lang>(() => readHashState().lang ?? 'zh');
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    writeHashState({ lang });
  }, [lang]);
  return (
    <I18nProvider lang={lang}>
      <div className="app">
        <TopBar lang={lang} onLangChange={setLang} />
        <Suspense fallback={<MapFallback />}>
          <MapPage />
        </Suspense>
      </div>
    </I18nProvider>
  );
}

function MapFallback() {
  return <main className="map-fallback" aria-busy="true">…</main>;
}
