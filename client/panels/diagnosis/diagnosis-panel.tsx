/**
 * 诊断 panel: where the city is sick and why. Units (hexagon/square grid over the built-up area, or
 * 社区/街道), spatial weights, a run; the map shows the disease score, the Gi* hot/cold spots or the
 * LISA clusters with the standard diverging legend (FDR toggle); a click on a unit explains it
 * (indicators, obstacle degrees, the neighbours used); a weight editor recomputes over the stored
 * run; exports GeoJSON / CSV. Built like the other panels: typed API module, pure layer factories,
 * strings in the i18n dictionaries, test ids. The host passes the city and map clicks in and
 * receives deck.gl layers out.
 */
import type { Layer } from '@deck.gl/core';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { useEffect, useMemo, useState } from 'react';
import type { City } from '../../api/cities-api.ts';
import { isMessageKey } from '../../i18n/dictionaries.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { EffectiveParamsView } from '../effective-params.tsx';
import { createUnitLayer, type DiagnosisView } from './create-diagnosis-layers.ts';
import {
  defaultCycle, fetchCycles, fetchExplain, fetchUnits, recompute, runDiagnosis, unitsCsvUrl, unitsGeoJsonUrl, usableCycles,
  type Cycle, type DiagnosisExplain, type DiagnosisRecompute, type DiagnosisRun, type DiagnosisRunBody, type UnitFeatureCollection,
} from './diagnosis-api.ts';
import { DiagnosisLegend } from './diagnosis-legend.tsx';
import { WaterloggingSection } from './waterlogging-section.tsx';
import { WeightEditor, type WeightDraft } from './weight-editor.tsx';

export type DiagnosisClickMode = 'none' | 'explain';

export interface DiagnosisPanelProps {
  city: City;
  /** The latest map click (lon/lat, WGS-84) while the click mode is 'explain'. */
  lastClick: { lon: number; lat: number; at: number } | null;
  onClickModeChange: (mode: DiagnosisClickMode) => void;
  onLayers: (layers: Layer[]) => void;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const fmt = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** The run's unit features with a recomputation's scores and classes merged in (by unit number). */
export function mergeRecompute(fc: UnitFeatureCollection, r: DiagnosisRecompute | null): UnitFeatureCollection {
  if (!r) return fc;
  const byNo = new Map(r.units.map((u) => [u.unitNo, u]));
  return { ...fc, features: fc.features.map((f) => ({ ...f, properties: { ...f.properties, ...byNo.get(f.properties.unitNo) } })) };
}

/** The unit whose polygon holds a point, or null. */
export function unitAt(fc: UnitFeatureCollection, lon: number, lat: number): number | null {
  const f = fc.features.find((x) => booleanPointInPolygon([lon, lat], x.geometry));
  return f ? f.properties.unitNo : null;
}

export function DiagnosisPanel({ city, lastClick, onClickModeChange, onLayers }: DiagnosisPanelProps) {
  const { t } = useI18n();
  const [body, setBody] = useState<Pick<DiagnosisRunBody, 'unitKind' | 'cellSizeM' | 'weightsScheme'>>({});
  const [run, setRun] = useState<DiagnosisRun | null>(null);
  const [units, setUnits] = useState<UnitFeatureCollection | null>(null);
  const [re, setRe] = useState<DiagnosisRecompute | null>(null);
  const [view, setView] = useState<DiagnosisView>('gi');
  const [fdr, setFdr] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [explain, setExplain] = useState<DiagnosisExplain | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [cycles, setCycles] = useState<Cycle[]>([]);
  // null: no cycle; a number: that cycle (default: the latest published, else the latest computed, of the city)
  const [cycleId, setCycleId] = useState<number | null>(null);

  useEffect(() => {
    const ac = new AbortController();
    setCycles([]);
    setCycleId(null);
    fetchCycles(city.id, ac.signal).then((l) => {
      setCycles(usableCycles(l.cycles));
      setCycleId(defaultCycle(l.cycles)?.id ?? null);
    }, (e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ac.abort();
  }, [city.id]);

  const diagnose = () => {
    setBusy(true);
    setError(null);
    setRe(null);
    setSelected(null);
    setExplain(null);
    runDiagnosis({ dataset: city.id, ...body, ...(cycleId === null ? {} : { cycleId }) })
      .then(async (r) => { setUnits(await fetchUnits(r.runId)); setRun(r); })
      .catch((e) => setError(errText(e)))
      .finally(() => setBusy(false));
  };

  const onRecompute = (draft: WeightDraft) => {
    if (!run) return;
    setBusy(true);
    setError(null);
    recompute(run.runId, { criteria: draft.criteria, weightMethod: draft.weightMethod, norm: draft.norm })
      .then(setRe, (e) => setError(errText(e)))
      .finally(() => setBusy(false));
  };

  useEffect(() => {
    onClickModeChange(run ? 'explain' : 'none');
    return () => onClickModeChange('none');
  }, [run, onClickModeChange]);

  useEffect(() => {
    if (!lastClick || !units || !run) return;
    const no = unitAt(units, lastClick.lon, lastClick.lat);
    setSelected(no);
    if (no === null) return setExplain(null);
    const ac = new AbortController();
    fetchExplain(run.runId, no, ac.signal).then(setExplain, (e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ac.abort();
  }, [lastClick, units, run]);

  const shown = useMemo(() => (units ? mergeRecompute(units, re) : null), [units, re]);
  useEffect(() => {
    onLayers([createUnitLayer(shown, { visible: true, view, fdr, selected })]);
  }, [shown, view, fdr, selected, onLayers]);
  useEffect(() => () => onLayers([]), [onLayers]);

  const summary = re?.summary ?? run?.summary;
  const indName = (code: string) => (isMessageKey(`dg.ind.${code}`) ? t(`dg.ind.${code}` as 'dg.ind.heritage_share') : code);
  const grid = (body.unitKind ?? 'hexagon') === 'hexagon' || body.unitKind === 'square';

  return (
    <section className="diagnosis-panel" aria-label={t('tabs.diagnosis')} data-testid="diagnosis-panel">
      <h2>{t('dg.title')}</h2>
      <p className="muted small" data-testid="dg-city">{city.name}</p>
      <p className="muted small">{t('dg.note')}</p>
      <div className="dg-form" style={{ display: 'grid', gap: 6, margin: '6px 0' }}>
        <label className="gc-num">{t('dg.cycle')}{' '}
          <select value={cycleId ?? ''} onChange={(e) => setCycleId(e.target.value ? Number(e.target.value) : null)} data-testid="dg-cycle-select">
            <option value="">{t('dg.cycle.none')}</option>
            {cycles.map((c) => <option key={c.id} value={c.id}>{t('dg.cycle.option', { year: c.year, status: t(c.status === 'published' ? 'dg.cycle.published' : 'dg.cycle.draft') })}</option>)}
          </select>
        </label>
        <label className="gc-num">{t('dg.unitKind')}{' '}
          <select value={body.unitKind ?? 'hexagon'} onChange={(e) => setBody({ ...body, unitKind: e.target.value as DiagnosisRunBody['unitKind'] })} data-testid="dg-unit-kind">
            {(['hexagon', 'square', 'community', 'subdistrict'] as const).map((k) => <option key={k} value={k}>{t(`dg.unit.${k}`)}</option>)}
          </select>
        </label>
        {grid && (
          <label className="gc-num">{t('dg.cellSize')}{' '}
            <select value={body.cellSizeM ?? ''} onChange={(e) => setBody({ ...body, cellSizeM: e.target.value ? Number(e.target.value) : undefined })} data-testid="dg-cell-size">
              <option value="">{t('param.origin.default')}</option>
              {[100, 250, 500].map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
        )}
        <label className="gc-num">{t('dg.weights')}{' '}
          <select value={body.weightsScheme ?? 'queen'} onChange={(e) => setBody({ ...body, weightsScheme: e.target.value as DiagnosisRunBody['weightsScheme'] })} data-testid="dg-weights">
            {(['queen', 'rook', 'knn', 'distance'] as const).map((k) => <option key={k} value={k}>{t(`dg.weights.${k}`)}</option>)}
          </select>
        </label>
      </div>
      <button type="button" className="primary" onClick={diagnose} disabled={busy} data-testid="dg-run">{busy ? t('dg.running') : t('dg.run')}</button>
      {error && <p role="alert" className="gc-error">{t('dg.error')}{error}</p>}

      {run && summary && (
        <>
          <CycleInputs run={run} indName={indName} />
          <p className="small" data-testid="dg-summary">
            {t('dg.summary', { units: summary.units, scored: summary.scored, hot: summary.hot, cold: summary.cold, fdr: summary.giFdrSignificant })}
          </p>
          <p className="small muted" data-testid="dg-moran">
            {t('dg.moran', { I: fmt(summary.globalMoran.I, 3), z: fmt(summary.globalMoran.z), p: fmt(summary.globalMoran.p, 4) })}
            {' · '}{t('dg.islands', { n: summary.islands.length })}
            {' · '}{t('dg.builtUp', { km2: fmt(summary.builtUpM2 / 1e6), source: t(summary.builtUpSource === 'ledger' ? 'dg.builtUp.ledger' : 'dg.builtUp.derived') })}
          </p>
          <fieldset className="dg-view">
            <legend>{t('dg.view')}</legend>
            {(['disease', 'gi', 'lisa'] as const).map((v) => (
              <label key={v}><input type="radio" name="dg-view" checked={view === v} onChange={() => setView(v)} data-testid={`dg-view-${v}`} /> {t(`dg.view.${v}`)}</label>
            ))}
            {view !== 'disease' && <label><input type="checkbox" checked={fdr} onChange={(e) => setFdr(e.target.checked)} data-testid="dg-fdr" /> {t('dg.fdr')}</label>}
          </fieldset>
          <DiagnosisLegend view={view} />
          <p className="muted small">{t('dg.clickHint')}</p>
          {explain && <ExplainCard e={explain} indName={indName} onClose={() => { setExplain(null); setSelected(null); }} />}
          <WeightEditor key={run.runId} run={run} used={summary.weights} busy={busy} indName={indName} onRecompute={onRecompute} />
          <p className="small">{t('dg.export')}{': '}
            <a href={unitsGeoJsonUrl(run.runId)} download data-testid="dg-export-geojson">{t('dg.export.geojson')}</a>{' · '}
            <a href={unitsCsvUrl(run.runId)} download data-testid="dg-export-csv">{t('dg.export.csv')}</a>
          </p>
          <EffectiveParamsView params={re?.effective ?? run.effective} testId="dg-params" />
        </>
      )}
      <WaterloggingSection city={city.id} runId={run?.runId ?? null} canHotspots={!!run && !busy}
        onHotspots={() => { onRecompute({ criteria: [{ code: 'waterlogging_density' as const }], weightMethod: 'equal', norm: 'minmax' }); setView('gi'); }} />
    </section>
  );
}

function ExplainCard({ e, indName, onClose }: { e: DiagnosisExplain; indName: (c: string) => string; onClose: () => void }) {
  const { t } = useI18n();
  const u = e.unit;
  return (
    <div className="dg-explain" data-testid="dg-explain" data-unit={u.unitNo}>
      <h3>{u.name ?? t('dg.explain', { n: u.unitNo })} <button type="button" className="link" onClick={onClose}>{t('dg.explain.close')}</button></h3>
      <p className="small">
        {t('dg.view.disease')} {fmt(u.disease)} · {t('dg.explain.gi', { z: fmt(u.giZ), p: fmt(u.giPSim ?? u.giP, 3) })}
        {' · '}<span data-testid="dg-explain-bin">{t(`dg.bin.${u.giBin ?? 0}` as 'dg.bin.0')}</span>
        {' · '}{t('dg.explain.lisa', { I: fmt(u.lisaI), q: t(`dg.lisa.${u.lisaQuadrant ?? 'ns'}` as 'dg.lisa.ns') })}
      </p>
      <table className="gc-table">
        <thead><tr><th>{t('dg.explain.indicator')}</th><th>{t('dg.explain.value')}</th><th>{t('dg.explain.origin')}</th><th>{t('dg.explain.mean')}</th><th>{t('dg.explain.obstacle')}</th></tr></thead>
        <tbody>
          {e.factors.map((f) => (
            <tr key={f.code} data-code={f.code}>
              <td>{indName(f.code)}</td>
              <td className="num">{fmt(f.value)}</td>
              <td data-testid="dg-explain-origin">{t(`dg.origin.${f.origin}`)}</td>
              <td className="num">{fmt(f.cityMean)}</td>
              <td className="num">{f.obstacle === null ? '—' : (
                <span className="dg-bar" title={fmt(f.obstacle, 3)}>
                  <span aria-hidden="true" style={{ display: 'inline-block', height: 8, marginRight: 4, background: '#d62f27', width: `${Math.round(f.obstacle * 40)}px` }} />
                  {Math.round(f.obstacle * 100)}%
                </span>
              )}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small muted" data-testid="dg-explain-neighbours">
        {t('dg.explain.neighbours', { n: e.neighbours.length, mean: fmt(e.neighbourMeanDisease), city: fmt(e.cityMeanDisease) })}
      </p>
    </div>
  );
}

/** The check cycle a run stands on, and where each indicator's values came from. */
function CycleInputs({ run, indName }: { run: DiagnosisRun; indName: (c: string) => string }) {
  const { t } = useI18n();
  const c = run.cycle;
  const grid = run.unitKind === 'hexagon' || run.unitKind === 'square';
  return (
    <div className="small" data-testid="dg-cycle" data-cycle-id={c?.cycleId ?? ''}>
      <p>{c ? t('dg.cycle.used', { year: c.year, id: c.cycleId, status: t(c.status === 'published' ? 'dg.cycle.published' : 'dg.cycle.draft') }) : t('dg.cycle.unused')}
        {c && grid && <span className="muted">{' '}{t('dg.cycle.gridNote')}</span>}</p>
      <details data-testid="dg-inputs">
        <summary>{t('dg.inputs')}</summary>
        <ul>
          {run.inputs.map((i) => (
            <li key={i.code} data-code={i.code} data-origin={i.origin} title={i.transform ?? undefined}>
              {t('dg.inputs.row', { name: indName(i.code), origin: t(`dg.origin.${i.origin}`), fromCycle: i.unitsFromCycle, computed: i.unitsComputed })}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
