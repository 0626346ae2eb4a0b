/**
 * The one-map page (lazy chunk): loads style, catalog and labels, holds the view state (layers, 3D,
 * selection) and mirrors it into the URL hash, and lays out map, panels and banners.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Bbox } from '../api/map-api.ts';
import { AdminUnitList } from '../components/admin-unit-list.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { FeaturePanel } from '../components/feature-panel.tsx';
import { LayerPanel } from '../components/layer-panel.tsx';
import { LoadingIndicator } from '../components/loading-indicator.tsx';
import { SearchBox } from '../components/search-box.tsx';
import { ThreeDToggle } from '../components/three-d-toggle.tsx';
import { useI18n } from '../i18n/i18n-context.tsx';
import { defaultSettings, LAYER_DEFS, type LayerSettings } from '../layers/layer-defs.ts';
import { readHashState, writeHashState } from '../state/url-state.ts';
import { MapView, type SelectedFeature, type ViewState } from './map-view.tsx';
import { useMapData } from './use-map-data.ts';

export default function MapPage() {
  const { t } = useI18n();
  const initial = useMemo(() => readHashState(), []);
  const { data, error, loading, retry } = useMapData();
  const [settings, setSettings] = useState<Record<string, LayerSettings>>(() => defaultSettings(initial.layers));
  const [threeD, setThreeD] = useState(initial.threeD ?? false);
  const [selected, setSelected] = useState<SelectedFeature | null>(null);
  const [fitTo, setFitTo] = useState<Bbox | null>(null);
  const [mapLoading, setMapLoading] = useState(true);
  const [tileError, setTileError] = useState<string | null>(null);

  useEffect(() => {
    writeHashState({ layers: LAYER_DEFS.filter((d) => settings[d.id].visible).map((d) => d.id), threeD });
  }, [settings, threeD]);
  const onViewChange = useCallback((v: ViewState) => writeHashState(v), []);
  const onSetting = useCallback((id: string, patch: Partial<LayerSettings>) => setSettings((s) => ({ ...s, [id]: { ...s[id], ...patch } })), []);
  const onTileError = useCallback((m: string) => setTileError(m), []);
  const zoomTo = useCallback((bbox: Bbox) => setFitTo([...bbox] as Bbox), []);

  return (
    <main className="map-page">
      <aside className="side-panel" aria-label={t('panel.layers')}>
        <SearchBox onPick={(hit) => zoomTo(hit.bbox)} />
        {data && <AdminUnitList units={data.adminUnits} onPick={(u) => zoomTo(u.bbox)} />}
        <ThreeDToggle on={threeD} onChange={setThreeD} />
        <LayerPanel settings={settings} labels={data?.labels ?? null} catalog={data?.catalog ?? null} onChange={onSetting} />
      </aside>
      <section className="map-area">
        {data && (
          <MapView
            style={data.style}
            catalog={data.catalog}
            settings={settings}
            threeD={threeD}
            initialView={initial}
            selected={selected}
            fitTo={fitTo}
            onSelect={setSelected}
            onViewChange={onViewChange}
            onLoadingChange={setMapLoading}
            onTileError={onTileError}
          />
        )}
        {(loading || (data && mapLoading)) && !error && <LoadingIndicator />}
        {error && <ErrorBanner message={t('error.server')} detail={error.message} onRetry={retry} />}
        {!error && tileError && <ErrorBanner message={t('error.tiles')} detail={tileError} onDismiss={() => setTileError(null)} />}
        {selected && data && <FeaturePanel feature={selected} labels={data.labels} onClose={() => setSelected(null)} />}
      </section>
    </main>
  );
}
