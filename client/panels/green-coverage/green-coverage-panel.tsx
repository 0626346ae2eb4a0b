/**
 * 绿地覆盖 panel (park service-radius coverage, issue 5): mode switch and rule parameters, city coverage
 * with a bar chart by district / 街道, uncovered (盲区) and detour map layers, estates by walking
 * distance, pocket-park sites with marginal gains, a what-if drawing tool and exports. Self-contained:
 * the host passes map clicks in and receives deck.gl layers out (README.md in this folder).
 */
import type { Layer } from '@deck.gl/core';
import { useEffect, useMemo, useState } from 'react';
import { fetchCityParameters, type City } from '../../api/cities-api.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { CoverageSummaryView } from './coverage-summary.tsx';
import { createDraftLayer, createNewlyCoveredLayer, createPocketParkLayer, createShortfallLayer } from './create-green-coverage-layers.ts';
import { EstateList } from './estate-list.tsx';
import {
  drawnPark, fetchShortfall, postPocketParks, postWhatIf, ringOf, runCoverage, shortfallLayersOf,
  type CoverageEdits, type CoverageRun, type EffectiveParams, type PocketParkPick, type ShortfallLayerName, type WhatIfResult,
} from './green-coverage-api.ts';
import { PocketParkList } from './pocket-park-list.tsx';
import { RuleForm } from './rule-form.tsx';
import { WhatIfTool } from './what-if-tool.tsx';

export type GreenClickMode = 'none' | 'draw';

/** A map click (lon/lat, WGS-84); `at` makes repeats distinct, `double` marks a double-click. */
export interface MapClick { lon: number; lat: number; at: number; double?: boolean }

export interface GreenCoveragePanelProps {
  /** The city analysed (every request names it; the panel remounts when it changes). */
  city: City;
  /** The latest map click while the click mode is not 'none'. */
  lastClick: MapClick | null;
  onClickModeChange: (mode: GreenClickMode) => void;
  /** The panel's deck.gl layers, to append to the host's MapLibreOverlay. */
  onLayers: (layers: Layer[]) => void;
}

const ALL_LAYERS: ShortfallLayerName[] = ['uncovered_official', 'uncovered_walking', 'detour'];
type Shortfalls = Partial<Record<ShortfallLayerName, GeoJSON.FeatureCollection>>;
type Visible = Record<ShortfallLayerName | 'newly' | 'pocket', boolean>;
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function GreenCoveragePanel({ city, lastClick, onClickModeChange, onLayers }: GreenCoveragePanelProps) {
  const { t } = useI18n();
  const [edits, setEdits] = useState<CoverageEdits>({ rules: {} });
  const [defaults, setDefaults] = useState<EffectiveParams | null>(null);
  const [run, setRun] = useState<CoverageRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shortfalls, setShortfalls] = useState<Shortfalls>({});
  const [visible, setVisible] = useState<Visible>({ uncovered_official: true, uncovered_walking: true, detour: true, newly: true, pocket: true });
  const [drawing, setDrawing] = useState(false);
  const [vertices, setVertices] = useState<[number, number][]>([]);
  const [parks, setParks] = useState<GeoJSON.Feature[]>([]);
  const [whatIf, setWhatIf] = useState<WhatIfResult | null>(null);
  const [whatIfBusy, setWhatIfBusy] = useState(false);
  const [picks, setPicks] = useState<PocketParkPick[] | null>(null);
  const [pocketBusy, setPocketBusy] = useState(false);
  const [highlight, setHighlight] = useState<number | null>(null);

  // What the server will use for this city when the planner changes nothing (shown in the form).
  useEffect(() => {
    const ac = new AbortController();
    fetchCityParameters(city.id, ac.signal).then((p) => setDefaults(p.greenCoverage), (e: Error) => e.name !== 'AbortError' && setError(errText(e)));
    return () => ac.abort();
  }, [city.id]);

  const compute = () => {
    setBusy(true);
    setError(null);
    runCoverage(city.id, edits)
      .then((r) => {
        setRun(r);
        setWhatIf(null);
        setPicks(null);
      }, (e) => setError(errText(e)))
      .finally(() => setBusy(false));
  };

  // The run's shortfall layers (small GeoJSON: one dissolved multipolygon per layer).
  useEffect(() => {
    setShortfalls({});
    if (!run) return;
    const ac = new AbortController();
    for (const layer of shortfallLayersOf(run.mode)) {
      fetchShortfall(run.runId, layer, ac.signal).then((fc) => setShortfalls((s) => ({ ...s, [layer]: fc })), (e) => !ac.signal.aborted && setError(errText(e)));
    }
    return () => ac.abort();
  }, [run]);

  const applyWhatIf = (list: GeoJSON.Feature[]) => {
    if (!run || list.length === 0) return;
    setWhatIfBusy(true);
    postWhatIf(run.runId, { type: 'FeatureCollection', features: list })
      .then(setWhatIf, (e) => setError(errText(e)))
      .finally(() => setWhatIfBusy(false));
  };
  const finish = (vs: [number, number][]) => {
    const ring = ringOf(vs);
    setDrawing(false);
    setVertices([]);
    if (!ring) return;
    const next = [...parks, drawnPark(ring, parks.length + 1)];
    setParks(next);
    applyWhatIf(next);
  };

  // Map clicks while drawing: a vertex each; a double-click closes the polygon.
  useEffect(() => {
    if (!lastClick || !drawing) return;
    if (lastClick.double) finish(vertices);
    else setVertices((v) => [...v, [lastClick.lon, lastClick.lat]]);
  }, [lastClick]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => onClickModeChange(drawing ? 'draw' : 'none'), [drawing, onClickModeChange]);

  const newly = whatIf ? (run?.mode === 'walking' ? whatIf.newlyCoveredWalking : whatIf.newlyCoveredOfficial) : null;
  const layers = useMemo(() => [
    ...ALL_LAYERS.map((l) => createShortfallLayer(l, shortfalls[l] ?? null, { visible: visible[l] })),
    createPocketParkLayer(picks ?? [], { visible: visible.pocket, highlight }),
    createNewlyCoveredLayer(newly, { visible: visible.newly }),
    createDraftLayer(parks, vertices, { visible: true }),
  ], [shortfalls, visible, picks, highlight, newly, parks, vertices]);
  useEffect(() => onLayers(layers), [layers, onLayers]);

  const runPocket = (o: { k: number; minAreaM2: number; drawn: boolean }) => {
    if (!run) return;
    setPocketBusy(true);
    postPocketParks(run.runId, {
      k: o.k, minAreaM2: o.minAreaM2, mode: run.mode === 'walking' ? 'walking' : 'official',
      ...(o.drawn ? { candidates: { type: 'FeatureCollection', features: parks } } : {}),
    })
      .then((r) => setPicks(r.picks), (e) => setError(errText(e)))
      .finally(() => setPocketBusy(false));
  };
  const build = (p: PocketParkPick) => {
    const next: GeoJSON.Feature[] = [...parks, { type: 'Feature', properties: { pick: p.pick }, geometry: p.geom }];
    setParks(next);
    applyWhatIf(next);
  };

  return (
    <section className="green-coverage-panel" aria-label={t('tabs.green')} data-testid="green-coverage-panel">
      <h2>{t('gc.title')}</h2>
      <p className="muted small" data-testid="gc-city">{city.name}</p>
      <RuleForm defaults={defaults} edits={edits} onEdits={setEdits} />
      <button type="button" className="primary" onClick={compute} disabled={busy} data-testid="gc-run">{busy ? t('gc.running') : t('gc.run')}</button>
      {error && <p role="alert" className="gc-error">{t('gc.error')}{error}</p>}
      {!run && !busy && <p className="muted small">{t('gc.hint')}</p>}
      {run && (
        <>
          <CoverageSummaryView run={run} visible={visible} available={ALL_LAYERS.filter((l) => shortfalls[l])}
            onVisible={(k, v) => setVisible((s) => ({ ...s, [k]: v }))} />
          <EstateList estates={run.estates} walking={run.mode !== 'official'} />
          <WhatIfTool drawing={drawing} vertices={vertices.length} polygons={parks.length} busy={whatIfBusy} result={whatIf}
            onStart={() => { setDrawing(true); setVertices([]); }}
            onFinish={() => finish(vertices)}
            onCancel={() => { setDrawing(false); setVertices([]); }}
            onClear={() => { setParks([]); setWhatIf(null); }}
            onApply={() => applyWhatIf(parks)} />
          <PocketParkList picks={picks} busy={pocketBusy} hasDrawn={parks.length > 0} highlight={highlight} onRun={runPocket} onHighlight={setHighlight} onBuild={build} />
        </>
      )}
    </section>
  );
}
