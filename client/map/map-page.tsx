/**
 * The one-map page (lazy chunk): loads style, catalog and labels, holds the view state (layers, 3D,
 * selection) and mirrors it into the URL hash, and lays out map, panels and banners. The side panel
 * has tabs: 图层 (layers) and the analysis panels 绿地覆盖 and 生活圈 (use-analysis-panels.ts).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { City } from '../api/cities-api.ts';
import type { Bbox } from '../api/map-api.ts';
import { AdminUnitList } from '../components/admin-unit-list.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { FeaturePanel } from '../components/feature-panel.tsx';
import { LayerPanel } from '../components/layer-panel.tsx';
import { LoadingIndicator } from '../components/loading-indicator.tsx';
import { SearchBox } from '../components/search-box.tsx';
import { SideTabs, tabId, tabPanelId } from '../components/side-tabs.tsx';
import { ThreeDToggle } from '../components/three-d-toggle.tsx';
import { useI18n } from '../i18n/i18n-context.tsx';
import { defaultSettings, LAYER_DEFS, type LayerSettings } from '../layers/layer-defs.ts';
import { GreenCoveragePanel } from '../panels/green-coverage/green-coverage-panel.tsx';
import { LifeCirclePanel } from '../panels/life-circle/life-circle-panel.tsx';
import { HealthCheckPanel } from '../panels/health-check/health-check-panel.tsx';
import { RenewalPanel } from '../panels/renewal/renewal-panel.tsx';
import { DiagnosisPanel } from '../panels/diagnosis/diagnosis-panel.tsx';
import { readHashState, writeHashState } from '../state/url-state.ts';
import { MapView, type SelectedFeature, type ViewState } from './map-view.tsx';
import { useAnalysisPanels, type SideTabId } from './use-analysis-panels.ts';
import { useMapData } from './use-map-data.ts';

/** Admin units whose extent meets the city's (the zoom-to list shows the current city only). */

/** `city`: the current city (top-bar switcher, URL `#city=`); null when none is loaded. */
export default function MapPage({ city }: { city: City | null }) {
  const { t } = useI18n();
  const initial = useMemo(() => readHashState(), []);
  const initialCity = useRef(city?.id);
  const { data, error, loading, retry } = useMapData();
  const [settings, setSettings] = useState<Record<string, LayerSettings>>(() => defaultSettings(initial.layers));
  const [threeD, setThreeD] = useState(initial.threeD ?? false);
  const [selected, setSelected] = useState<SelectedFeature | null>(null);
  // Bumped per tile layer after an edit in the feature panel: the map loads that layer's tiles again.
  const [tileRevisions, setTileRevisions] = useState<Record<string, number>>({});
  const onTilesChanged = useCallback((source: string) => setTileRevisions((r) => ({ ...r, [source]: (r[source] ?? 0) + 1 })), []);
  const [fitTo, setFitTo] = useState<Bbox | null>(null);
  const [mapLoading, setMapLoading] = useState(true);
  const [tileError, setTileError] = useState<string | null>(null);
  const panels = useAnalysisPanels();
  const tabs: { id: SideTabId; label: string }[] = [
    { id: 'layers', label: t('tabs.layers') },
    { id: 'green', label: t('tabs.green') },
    { id: 'life', label: t('tabs.lifeCircle') },
    { id: 'check', label: t('tabs.check') },
    { id: 'renewal', label: t('tabs.renewal') },
    { id: 'diagnosis', label: t('tabs.diagnosis') },
  ];
  const tabPanel = (id: SideTabId) => ({
    role: 'tabpanel', id: tabPanelId(id), 'aria-labelledby': tabId(id), hidden: panels.tab !== id, className: `side-tabpanel tabpanel-${id}`,
  });

  useEffect(() => {
    writeHashState({ layers: LAYER_DEFS.filter((d) => settings[d.id].visible).map((d) => d.id), threeD });
  }, [settings, threeD]);
  const onViewChange = useCallback((v: ViewState) => writeHashState(v), []);
  const onSetting = useCallback((id: string, patch: Partial<LayerSettings>) => setSettings((s) => ({ ...s, [id]: { ...s[id], ...patch } })), []);
  const onTileError = useCallback((m: string) => setTileError(m), []);
  const zoomTo = useCallback((bbox: Bbox) => setFitTo([...bbox] as Bbox), []);
  // A switched city: the map fits its extent (the first city opens there, or on the URL's view).
  useEffect(() => {
    if (city && city.id !== initialCity.current) {
      initialCity.current = city.id;
      zoomTo(city.bbox);
    }
  }, [city, zoomTo]);
  const units = useMemo(() => (data && city ? data.adminUnits.filter((u) => u.city === city.id) : data?.adminUnits ?? []), [data, city]);

  return (
    <main className="map-page">
      <aside className={`side-panel${panels.tab === 'layers' ? '' : ' wide'}`} aria-label={t('tabs.label')}>
        <SearchBox city={city?.id} onPick={(hit) => zoomTo(hit.bbox)} />
        {data && <AdminUnitList units={units} onPick={(u) => zoomTo(u.bbox)} />}
        <SideTabs tabs={tabs} active={panels.tab} label={t('tabs.label')} onChange={panels.setTab} />
        <div {...tabPanel('layers')}>
          <ThreeDToggle on={threeD} onChange={setThreeD} />
          <LayerPanel settings={settings} labels={data?.labels ?? null} catalog={data?.catalog ?? null} onChange={onSetting} />
        </div>
        {/* keyed by city: a switch starts each panel afresh on the new city alone */}
        <div {...tabPanel('green')}>{panels.opened.has('green') && city && <GreenCoveragePanel key={city.id} city={city} {...panels.green} />}</div>
        <div {...tabPanel('life')}>{panels.opened.has('life') && city && <LifeCirclePanel key={city.id} city={city} {...panels.life} />}</div>
        <div {...tabPanel('check')}>{panels.opened.has('check') && city && <HealthCheckPanel key={city.id} city={city} {...panels.check} onZoomTo={zoomTo} />}</div>
        <div {...tabPanel('renewal')}>{panels.opened.has('renewal') && city && <RenewalPanel key={city.id} city={city} {...panels.renewal} />}</div>
        <div {...tabPanel('diagnosis')}>{panels.opened.has('diagnosis') && city && <DiagnosisPanel key={city.id} city={city} {...panels.diagnosis} />}</div>
      </aside>
      <section className={`map-area${panels.clickMode ? ' click-mode' : ''}`}>
        {data && (
          <MapView
            style={data.style}
            catalog={data.catalog}
            settings={settings}
            threeD={threeD}
            initialView={initial}
            initialBounds={city?.bbox ?? null}
            selected={selected}
            fitTo={fitTo}
            onSelect={setSelected}
            tileRevisions={tileRevisions}
            onViewChange={onViewChange}
            onLoadingChange={setMapLoading}
            onTileError={onTileError}
            extraDeckLayers={panels.extraDeckLayers}
            onMapClick={panels.onMapClick}
            onMapDoubleClick={panels.onMapDoubleClick}
            draw={panels.draw}
            onDrawn={panels.onDrawn}
          />
        )}
        {(loading || (data && mapLoading)) && !error && <LoadingIndicator />}
        {error && <ErrorBanner message={t('error.server')} detail={error.message} onRetry={retry} />}
        {!error && tileError && <ErrorBanner message={t('error.tiles')} detail={tileError} onDismiss={() => setTileError(null)} />}
        {selected && data && <FeaturePanel feature={selected} labels={data.labels} onClose={() => setSelected(null)} city={city?.id ?? null} onTilesChanged={onTilesChanged} />}
      </section>
    </main>
  );
}
