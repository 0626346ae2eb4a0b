/**
 * 体检 dashboard: the city's check cycles (一年一体检) with a cycle picker (create, compute and
 * publish a year), indicator cards by dimension or level with value, target, grade, warning colour
 * and a sparkline, a choropleth of any indicator over 区/街道/社区 on the one map with a legend in
 * its unit, a sortable table, the comparison of two years (values side by side, a bar chart, a
 * map of the change on the one map and a split map of the two years), the city health index with
 * its radar and obstacle degrees, and the problem ledger with zoom-to. Built like the other panels: typed API module, a pure layer factory, strings
 * in the i18n dictionary (client/i18n/check-messages.ts), test ids. The host passes the city in and
 * receives deck.gl layers and zoom requests out.
 */
import type { Layer } from '@deck.gl/core';
import { useEffect, useMemo, useState } from 'react';
import type { City } from '../../api/cities-api.ts';
import type { Bbox } from '../../api/map-api.ts';
import { isMessageKey } from '../../i18n/dictionaries.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useSession } from '../../components/sign-in-context.tsx';
import {
  computeCycle, createCycle, fetchCatalogue, fetchCycle, fetchCycles, fetchIndex, fetchValueFeatures, fetchValues, publishCycle, valuesCsvUrl,
  type CheckValue, type Cycle, type HealthIndex, type Indicator, type UnitLevel, type ValueFeatureCollection,
} from './check-api.ts';
import { CheckLegend } from './check-legend.tsx';
import { isBetter } from './check-format.ts';
import { changeClassesOf, classesOf, createChoroplethLayer, drawable } from './create-check-layers.ts';
import { IndexChart } from './index-chart.tsx';
import { IndicatorCards } from './indicator-cards.tsx';
import { ManualEntry } from './manual-entry.tsx';
import { ProblemLedger } from './problem-ledger.tsx';
import { ReportButton } from './report-button.tsx';
import { compareRows, ValueTable } from './value-table.tsx';
import { YearSplitMap } from './year-split-map.tsx';

export interface HealthCheckPanelProps {
  city: City;
  onLayers: (layers: Layer[]) => void;
  onZoomTo: (bbox: Bbox) => void;
}

const LEVELS: UnitLevel[] = ['district', 'subdistrict', 'community'];
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isAbort = (e: unknown) => (e as Error)?.name === 'AbortError';

export function HealthCheckPanel({ city, onLayers, onZoomTo }: HealthCheckPanelProps) {
  const { t, lang } = useI18n();
  // Creating, computing and publishing a cycle are writes: planners of this city (the server checks again).
  const mayEdit = useSession().can('planner', city.id);
  const [cycles, setCycles] = useState<Cycle[] | null>(null);
  const [cycleId, setCycleId] = useState<number | null>(null);
  const [otherId, setOtherId] = useState<number | null>(null);
  const [catalogue, setCatalogue] = useState<Indicator[]>([]);
  const [cityValues, setCityValues] = useState<CheckValue[]>([]);
  const [trends, setTrends] = useState<Record<string, [number, number | null][]>>({});
  const [level, setLevel] = useState<UnitLevel>('subdistrict');
  const [indicator, setIndicator] = useState<string | null>(null);
  const [levelValues, setLevelValues] = useState<CheckValue[]>([]);
  const [otherValues, setOtherValues] = useState<CheckValue[] | null>(null);
  const [features, setFeatures] = useState<ValueFeatureCollection | null>(null);
  const [index, setIndex] = useState<HealthIndex | null>(null);
  const [otherIndex, setOtherIndex] = useState<HealthIndex | null>(null);
  const [newYear, setNewYear] = useState(() => new Date().getFullYear());
  const [scheme, setScheme] = useState<'three' | 'four'>('three');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);

  const cycle = cycles?.find((c) => c.id === cycleId) ?? null;
  const other = cycles?.find((c) => c.id === otherId) ?? null;
  const names = useMemo(() => Object.fromEntries(catalogue.map((d) => [d.code, lang === 'zh' ? d.nameZh : d.nameEn])), [catalogue, lang]);
  const def = catalogue.find((d) => d.code === indicator) ?? null;

  // cycles of the city; the newest is shown, the one before it offered for comparison
  useEffect(() => {
    const ac = new AbortController();
    fetchCycles(city.id, ac.signal).then((r) => {
      setCycles(r.cycles);
      setCycleId((id) => (id !== null && r.cycles.some((c) => c.id === id) ? id : r.cycles[0]?.id ?? null));
    }).catch((e) => { if (!isAbort(e)) setError(errText(e)); });
    return () => ac.abort();
  }, [city.id, refresh]);

  // the catalogue of the cycle's framework, city values (cards) and the last five cycles (sparklines)
  useEffect(() => {
    if (!cycle || !cycles) return;
    const ac = new AbortController();
    const last = cycles.filter((c) => c.year <= cycle.year).slice(0, 5);
    Promise.all([
      fetchCatalogue(city.id, cycle.framework, ac.signal),
      ...last.map((c) => fetchValues(c.id, { unitKind: 'city' }, ac.signal)),
    ]).then(([cat, ...lists]) => {
      setCatalogue(cat.indicators);
      setCityValues(lists[0].values);
      const tr: Record<string, [number, number | null][]> = {};
      for (const l of [...lists].reverse()) for (const v of l.values) (tr[v.indicator] ??= []).push([l.year, v.value]);
      setTrends(tr);
      setIndicator((cur) => cur ?? (lists[0].values.find((v) => v.indicator === 'park_coverage') ?? lists[0].values[0])?.indicator ?? null);
    }).catch((e) => { if (!isAbort(e)) setError(errText(e)); });
    return () => ac.abort();
  }, [city.id, cycle, cycles]);

  // the city's finest level with values, once per cycle
  useEffect(() => {
    if (!cycle) return;
    const ac = new AbortController();
    Promise.all(LEVELS.map((l) => fetchValues(cycle.id, { unitKind: l, indicator: indicator ?? undefined }, ac.signal)))
      .then((lists) => {
        const have = LEVELS.filter((_l, i) => lists[i].values.length > 0);
        setLevel((cur) => (have.includes(cur) ? cur : have[have.length - 1] ?? cur));
      }).catch(() => undefined);
    return () => ac.abort();
  }, [cycle, indicator]);

  // values of the level (table, map), the comparison year's, and the health index
  useEffect(() => {
    if (!cycle || !indicator) return;
    const ac = new AbortController();
    Promise.all([
      fetchValues(cycle.id, { unitKind: level, indicator }, ac.signal),
      other ? fetchValues(other.id, { unitKind: level, indicator }, ac.signal) : Promise.resolve(null),
      fetchValueFeatures(cycle.id, { unitKind: level, indicator }, ac.signal),
      fetchIndex(cycle.id, { level: 'city' }, ac.signal),
      other ? fetchIndex(other.id, { level: 'city' }, ac.signal) : Promise.resolve(null),
    ]).then(([vs, os, fc, ix, ox]) => {
      setLevelValues(vs.values);
      setOtherValues(os?.values ?? null);
      setIndex(ix);
      setOtherIndex(ox);
      const before = new Map((os?.values ?? []).map((v) => [v.unitId, v.value]));
      setFeatures({
        ...fc,
        features: fc.features.map((f) => {
          const b = before.get(f.properties.unitId);
          return { ...f, properties: { ...f.properties, change: b === undefined || b === null || f.properties.value === null ? null : f.properties.value - b } };
        }),
      });
      setError(null);
    }).catch((e) => { if (!isAbort(e)) setError(errText(e)); });
    return () => ac.abort();
  }, [cycle, other, level, indicator]);

  const comparing = other !== null && otherValues !== null;
  const classes = useMemo(() => {
    if (!def || !features) return null;
    const field = comparing ? 'change' : 'value';
    const xs = features.features.map((f) => (f.properties as Record<string, unknown>)[field] as number | null);
    // a change is "better" upwards for benefit indicators; values likewise
    return comparing ? changeClassesOf(xs, isBetter(def, 1)) : classesOf(xs, def.direction === 'benefit');
  }, [def, features, comparing]);
  const layers = useMemo(() => [createChoroplethLayer(features && drawable(features), { visible: true, field: comparing ? 'change' : 'value', classes, selectedUnit: null })], [features, comparing, classes]);
  useEffect(() => onLayers(layers), [layers, onLayers]);
  useEffect(() => () => onLayers([]), [onLayers]);

  // While a computation runs, its progress is read from the cycle (the engines commit only at the end).
  const [progress, setProgress] = useState<Cycle['progress']>(null);
  const watch = (id: number) => {
    const timer = setInterval(() => { fetchCycle(id).then((c) => setProgress(c.progress)).catch(() => undefined); }, 700);
    return () => { clearInterval(timer); setProgress(null); };
  };
  const act = (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    f().then(() => setRefresh((n) => n + 1)).catch((e) => setError(errText(e))).finally(() => setBusy(false));
  };
  const compute = (id: number) => {
    const stop = watch(id);
    return computeCycle(id).finally(stop);
  };
  const createYear = () => act(async () => {
    const c = await createCycle(city.id, newYear, scheme);
    await compute(c.id);
    setCycleId(c.id);
  });
  const rows = useMemo(() => compareRows(levelValues, comparing ? otherValues : null), [levelValues, otherValues, comparing]);
  const label = (key: string) => (isMessageKey(key) ? t(key) : key);

  return (
    <section className="health-check-panel" aria-label={t('tabs.check')} data-testid="check-panel" data-cycle={cycle?.year ?? ''} data-compare={other?.year ?? ''}>
      <h2>{t('ck.title')}</h2>
      <p className="muted small" data-testid="ck-city">{city.name}</p>
      {cycles && cycles.length === 0 && <p className="small" data-testid="ck-no-cycle">{t('ck.noCycle')}</p>}
      <div className="gc-form" style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'end' }}>
        {cycles && cycles.length > 0 && (
          <label className="small">{t('ck.cycle')}{' '}
            <select data-testid="ck-cycle" value={cycleId ?? ''} onChange={(e) => setCycleId(Number(e.target.value))}>
              {cycles.map((c) => <option key={c.id} value={c.id}>{c.year} · {label(`ck.status.${c.status}`)}</option>)}
            </select>
          </label>
        )}
        {cycles && cycles.length > 1 && (
          <label className="small">{t('ck.compare')}{' '}
            <select data-testid="ck-compare" value={otherId ?? ''} onChange={(e) => setOtherId(e.target.value ? Number(e.target.value) : null)}>
              <option value="">{t('ck.compareNone')}</option>
              {cycles.filter((c) => c.id !== cycleId).map((c) => <option key={c.id} value={c.id}>{c.year}</option>)}
            </select>
          </label>
        )}
        {mayEdit && (
          <label className="small">{t('ck.newYear')}{' '}
            <input type="number" min={1990} max={2200} value={newYear} onChange={(e) => setNewYear(Number(e.target.value))} style={{ width: 70 }} />
          </label>
        )}
        {mayEdit && (
          <label className="small">{t('ck.scheme')}{' '}
            <select value={scheme} onChange={(e) => setScheme(e.target.value as 'three' | 'four')} data-testid="ck-scheme">
              <option value="three">{t('ck.scheme.three')}</option>
              <option value="four">{t('ck.scheme.four')}</option>
            </select>
          </label>
        )}
        {mayEdit && <button type="button" onClick={createYear} disabled={busy} data-testid="ck-create">{busy ? t('ck.busy') : t('ck.create')}</button>}
        {mayEdit && cycle && cycle.status === 'draft' && <button type="button" onClick={() => act(() => compute(cycle.id))} disabled={busy}>{t('ck.compute')}</button>}
        {mayEdit && cycle && cycle.status === 'draft' && cycle.computedAt && <button type="button" onClick={() => act(() => publishCycle(cycle.id))} disabled={busy}>{t('ck.publish')}</button>}
      </div>
      {progress && <p className="small" role="status" data-testid="ck-progress">{t('ck.progress', { done: progress.done + 1, total: progress.total, step: progress.step })}</p>}
      {error && <p role="alert" className="gc-error">{t('ck.error')}{error}</p>}
      {cycle && cycle.steps.filter((st) => st.error).map((st) => (
        <p key={`${st.engine}-${st.indicators.join()}`} className="small muted" data-testid="ck-skipped">{t('ck.skipped', { engine: st.engine, error: st.error! })}</p>
      ))}
      {cycle && (
        <p className="small muted" data-testid="ck-cycle-info">
          {cycle.title} · {label(`ck.status.${cycle.status}`)}
          {cycle.sampleData && <> · <span className="badge unconfirmed">{t('ck.sample')}</span></>}
          {cycle.durationMs !== null && <> · {t('ck.computedIn', { ms: Math.round(cycle.durationMs), n: cycle.valueCount })}</>}
          {' · '}<a href={valuesCsvUrl(cycle.id)}>CSV</a>
        </p>
      )}
      {cycle && <ReportButton cycle={cycle} mayEdit={mayEdit} />}

      {cycle && (
        <>
          <h3>{t('ck.cards')}</h3>
          <IndicatorCards indicators={catalogue} values={cityValues} framework={cycle.framework} trends={trends} selected={indicator} onSelect={setIndicator} />

          <h3>{t('ck.map')}</h3>
          <div className="gc-form" style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
            <label className="small">{t('ck.indicator')}{' '}
              <select data-testid="ck-map-indicator" value={indicator ?? ''} onChange={(e) => setIndicator(e.target.value)}>
                {catalogue.filter((d) => d.levels.some((l) => (LEVELS as string[]).includes(l))).map((d) => <option key={d.code} value={d.code}>{names[d.code]}</option>)}
              </select>
            </label>
            <label className="small">{t('ck.level')}{' '}
              <select data-testid="ck-level" value={level} onChange={(e) => setLevel(e.target.value as UnitLevel)}>
                {LEVELS.map((l) => <option key={l} value={l}>{t(`ck.level.${l}`)}</option>)}
              </select>
            </label>
          </div>
          {def && (
            <CheckLegend
              title={comparing ? `${names[def.code]} · ${t('ck.legend.change', { year: other!.year })}` : `${names[def.code]} · ${cycle.year}`}
              unit={def.unit}
              classes={classes}
            />
          )}
          {def && <ValueTable key={`${def.code}-${level}`} indicator={def} rows={rows} year={cycle.year} otherYear={comparing ? other!.year : null} />}
          {def && comparing && (
            <>
              <h4 data-testid="ck-split-title">{t('ck.split.title', { a: Math.min(cycle.year, other!.year), b: Math.max(cycle.year, other!.year) })}</h4>
              <YearSplitMap indicator={def} name={names[def.code]} level={level} a={{ cycleId: other!.id, year: other!.year }} b={{ cycleId: cycle.id, year: cycle.year }} />
            </>
          )}

          <h3>{t('ck.index')}</h3>
          {index && <IndexChart index={index} other={comparing ? otherIndex : null} names={names} />}

          <h3>{t('ck.problems')}</h3>
          <ProblemLedger city={city.id} names={names} refresh={refresh} mayEdit={mayEdit} onZoomTo={onZoomTo} />

          <details>
            <summary><strong>{t('ck.manualTitle')}</strong></summary>
            <ManualEntry city={city.id} indicators={catalogue} year={cycle.year} names={names} onStored={() => undefined} />
          </details>
        </>
      )}
    </section>
  );
}
