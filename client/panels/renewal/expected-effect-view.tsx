/**
 * A project's expected indicator effect (预期效果) in the project detail view: the "预测效果" control
 * (the site as a new park on the city's latest green-coverage run, and/or a new facility of a chosen
 * type at the site; the server runs the what-ifs and stores them with the project) and the stored
 * effects as a table — indicator, before, after, change — with the parameters that produced each.
 * Every figure is the server's; the client only formats (percent points, counts).
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { EffectiveParamsView } from '../effective-params.tsx';
import { listFacilityTypes, predictEffect, type FacilityCatalog, type GreenCoverageEffect, type LifeCircleEffect, type Project } from './renewal-api.ts';

export interface EffectRow { key: string; label: string; before: string; after: string; change: string }

const num = (v: number | null | undefined, d: number) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));
const signed = (v: number, d: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(d)}`;
const delta = (b: number | null | undefined, a: number | null | undefined, d: number, unit = '') =>
  b === null || b === undefined || a === null || a === undefined ? '—' : `${signed(a - b, d)}${unit}`;

/** Table rows of a stored park effect (percentages 0–100 → change in percentage points). */
export function parkRows(e: GreenCoverageEffect, t: ReturnType<typeof useI18n>['t']): EffectRow[] {
  const c = e.city;
  const rows: EffectRow[] = [
    { key: 'officialPct', label: t('rn.effect.officialPct'), before: `${num(c.officialPctBefore, 1)} %`, after: `${num(c.officialPctAfter, 1)} %`, change: delta(c.officialPctBefore, c.officialPctAfter, 1, ' pp') },
  ];
  if (c.walkingPctBefore !== null && c.walkingPctAfter !== null) {
    rows.push({ key: 'walkingPct', label: t('rn.effect.walkingPct'), before: `${num(c.walkingPctBefore, 1)} %`, after: `${num(c.walkingPctAfter, 1)} %`, change: delta(c.walkingPctBefore, c.walkingPctAfter, 1, ' pp') });
  }
  rows.push({ key: 'officialM2', label: t('rn.effect.officialM2'), before: num(c.officialM2Before, 0), after: num(c.officialM2After, 0), change: delta(c.officialM2Before, c.officialM2After, 0) });
  if (e.estatesNewlyCoveredOfficial) {
    rows.push({ key: 'estatesOfficial', label: t('rn.effect.estatesOfficial'), before: '—', after: '—', change: signed(e.estatesNewlyCoveredOfficial.length, 0) });
  }
  if (e.estatesNewlyCoveredWalking && e.mode !== 'official') {
    rows.push({ key: 'estatesWalking', label: t('rn.effect.estatesWalking'), before: '—', after: '—', change: signed(e.estatesNewlyCoveredWalking.length, 0) });
  }
  return rows;
}

/** Table rows of a stored facility effect (shares 0–1 shown as %). */
export function facilityRows(e: LifeCircleEffect, typeName: string, t: ReturnType<typeof useI18n>['t']): EffectRow[] {
  const pct = (v: number | null) => (v === null ? null : v * 100);
  return [
    { key: 'lcShare', label: t('rn.effect.lcShare', { type: typeName, m: e.standardM }), before: `${num(pct(e.shareBefore), 1)} %`, after: `${num(pct(e.shareAfter), 1)} %`, change: delta(pct(e.shareBefore), pct(e.shareAfter), 1, ' pp') },
    { key: 'lcMet', label: t('rn.effect.lcMet', { type: typeName }), before: `${e.metBefore} / ${e.estates}`, after: `${e.metAfter} / ${e.estates}`, change: signed(e.metAfter - e.metBefore, 0) },
    { key: 'lcResidents', label: t('rn.effect.lcResidents', { type: typeName }), before: num(e.residentsBefore, 0), after: num(e.residentsAfter, 0), change: delta(e.residentsBefore, e.residentsAfter, 0) },
  ];
}

function EffectTable({ rows, testId }: { rows: EffectRow[]; testId: string }) {
  const { t } = useI18n();
  return (
    <table className="gc-table small" data-testid={testId}>
      <thead><tr><th>{t('rn.effect.col.indicator')}</th><th>{t('rn.effect.col.before')}</th><th>{t('rn.effect.col.after')}</th><th>{t('rn.effect.col.change')}</th></tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-row={r.key}><td>{r.label}</td><td className="num">{r.before}</td><td className="num">{r.after}</td><td className="num" data-change>{r.change}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

export interface ExpectedEffectViewProps {
  project: Project;
  /** Called with the project as the server returned it after a prediction. */
  onPredicted: (p: Project) => void;
  /** The new facility's location clicked on the map; null: the project site. */
  facilityPoint: { lon: number; lat: number } | null;
  /** Whether the next map click places the facility, and the switch for it. */
  picking: boolean;
  onPick: (on: boolean) => void;
  onClearPoint: () => void;
}

export function ExpectedEffectView({ project: p, onPredicted, facilityPoint, picking, onPick, onClearPoint }: ExpectedEffectViewProps) {
  const { t, lang } = useI18n();
  const [catalog, setCatalog] = useState<FacilityCatalog['types']>([]);
  const [park, setPark] = useState(p.geometry !== null);
  const [withFacility, setWithFacility] = useState(false);
  const [type, setType] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!p.dataset) return;
    const ac = new AbortController();
    listFacilityTypes(p.dataset, ac.signal).then((c) => {
      const usable = c.types.filter((x) => x.standardDistanceM !== null);
      setCatalog(usable);
      setType((cur) => cur || usable[0]?.code || '');
    }, () => setCatalog([]));
    return () => ac.abort();
  }, [p.dataset]);

  const nameOf = (code: string) => {
    const x = catalog.find((c) => c.code === code);
    return x ? (lang === 'en' ? x.nameEn : x.nameZh) : code;
  };
  const hasSite = p.geometry !== null;
  const canPredict = !busy && ((park && hasSite) || (withFacility && type !== '' && (hasSite || facilityPoint !== null)));
  const predict = () => {
    setBusy(true);
    setError(null);
    predictEffect(p.id, { actor: t('rn.actor'), ...(park ? { park: true } : {}), ...(withFacility && type ? { facility: { type, ...(facilityPoint ?? {}) } } : {}) })
      .then(onPredicted, (e) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  const gc = p.expectedEffect.greenCoverage;
  const lc = p.expectedEffect.lifeCircle;
  const when = (iso: string) => new Date(iso).toLocaleString(lang === 'en' ? 'en' : 'zh-CN');

  return (
    <div className="rn-effect" data-testid="rn-effect">
      <div className="gc-form small" data-testid="rn-effect-form">
        <label>
          <input type="checkbox" checked={park && hasSite} disabled={!hasSite} onChange={(e) => setPark(e.target.checked)} data-testid="rn-effect-park" />{' '}
          {t('rn.effect.park')}{!hasSite && <span className="muted"> ({t('rn.effect.park.noSite')})</span>}
        </label>
        <label>
          <input type="checkbox" checked={withFacility} onChange={(e) => setWithFacility(e.target.checked)} data-testid="rn-effect-facility" />{' '}
          {t('rn.effect.facility')}{' '}
          <select value={type} onChange={(e) => setType(e.target.value)} disabled={!withFacility} data-testid="rn-effect-type">
            {catalog.map((c) => <option key={c.code} value={c.code}>{lang === 'en' ? c.nameEn : c.nameZh} ({c.standardDistanceM} m)</option>)}
          </select>
        </label>
        <div data-testid="rn-effect-where">
          {facilityPoint
            ? <>{t('rn.effect.facility.at', { lon: facilityPoint.lon.toFixed(5), lat: facilityPoint.lat.toFixed(5) })}{' '}
              <button type="button" className="link" onClick={onClearPoint} data-testid="rn-effect-clear-point">{t('rn.effect.facility.useSite')}</button></>
            : <span className="muted">{hasSite ? t('rn.effect.facility.atSite') : t('rn.effect.park.noSite')}</span>}{' '}
          <button type="button" className={picking ? 'primary' : 'link'} disabled={!withFacility} onClick={() => onPick(!picking)} data-testid="rn-effect-pick">
            {picking ? t('rn.effect.facility.picking') : t('rn.effect.facility.pick')}
          </button>
        </div>
        <button type="button" className="primary" disabled={!canPredict} onClick={predict} data-testid="rn-effect-predict">
          {busy ? t('rn.effect.busy') : t('rn.effect.predict')}
        </button>
      </div>
      {error && <p role="alert" className="gc-error" data-testid="rn-effect-error">{t('rn.effect.failed')}{error}</p>}
      {!gc && !lc && <p className="muted small">{t('rn.detail.effect.none')}</p>}
      {gc && (
        <div data-testid="rn-effect-park-result" data-run={gc.runId}>
          <p className="muted small">{t('rn.effect.gcSource', { run: gc.runId, created: gc.runCreated ? t('rn.effect.gcCreated') : '', when: when(gc.computedAt) })}</p>
          <EffectTable rows={parkRows(gc, t)} testId="rn-effect-park-table" />
          {gc.effective && <EffectiveParamsView params={gc.effective} testId="rn-effect-park-params" />}
        </div>
      )}
      {lc && (
        <div data-testid="rn-effect-facility-result" data-type={lc.type}>
          <p className="muted small">{t('rn.effect.lcSource', {
            where: lc.facility.atSite ? t('rn.effect.facility.atSite') : `${lc.facility.lon.toFixed(5)}, ${lc.facility.lat.toFixed(5)}`, when: when(lc.computedAt),
          })}</p>
          <EffectTable rows={facilityRows(lc, nameOf(lc.type), t)} testId="rn-effect-facility-table" />
          <EffectiveParamsView params={lc.effective} testId="rn-effect-facility-params" />
        </div>
      )}
    </div>
  );
}
