/**
 * Project detail of the 更新 panel: a project's stage and loop step, content class, budget and
 * funding, department, plan year, estates, site geometry (drawn or modified on the map through the
 * panel's drawing request), the problems it addresses as the problem ledger holds them (复查), the
 * expected indicator effects (predicted from here, shown as before / after / change with their
 * parameters: expected-effect-view.tsx), and its state history (who / when / why).
 * Every move the workflow allows is a button; any other stage can be tried, and the server's refusal
 * (409 with its message) is shown as it comes.
 */
import { useEffect, useMemo, useState } from 'react';
import { fetchLabels, type Labels } from '../../api/map-api.ts';
import { isMessageKey } from '../../i18n/dictionaries.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { fetchCatalogue } from '../health-check/check-api.ts';
import { ExpectedEffectView } from './expected-effect-view.tsx';
import { fetchRecheck, listEstateProblems, type Project, type Recheck } from './renewal-api.ts';

const STAGES = ['reserve', 'approved', 'implementing', 'completed', 'rechecked', 'closed'] as const;
type Stage = (typeof STAGES)[number];

export interface ProjectDetailProps {
  project: Project;
  /** Asks the panel to move the project; resolves with the server's refusal message, or null when done. */
  onMove: (to: string, reason: string) => Promise<string | null>;
  /** Starts drawing the site on the map (modifying the current one when it has one). */
  onDraw: () => void;
  /** A polygon drawn for this project and not saved yet: its corner count. */
  pendingCorners: number | null;
  onSaveGeometry: () => void;
  /** Links a problem of the ledger to the project (its problemRefs); resolves with an error message or null. */
  onLinkProblem: (problemId: number) => Promise<string | null>;
  /** A prediction of the expected effect was stored: the project as the server returned it. */
  onPredicted: (p: Project) => void;
  /** A new facility's location picked on the map (null: the project site), and the picking switch. */
  facilityPoint: { lon: number; lat: number } | null;
  picking: boolean;
  onPick: (on: boolean) => void;
  onClearPoint: () => void;
  onClose: () => void;
}

const corners = (g: Project['geometry']): number => {
  if (!g) return 0;
  const c = (g as { coordinates?: unknown }).coordinates;
  const rings = (g.type === 'MultiPolygon' ? (c as number[][][][]).flat() : g.type === 'Polygon' ? (c as number[][][]) : []);
  return rings.reduce((n, r) => n + Math.max(0, r.length - 1), 0);
};

export function ProjectDetail({ project: p, onMove, onDraw, pendingCorners, onSaveGeometry, onLinkProblem, onPredicted, facilityPoint, picking, onPick, onClearPoint, onClose }: ProjectDetailProps) {
  const { t, lang } = useI18n();
  const [recheck, setRecheck] = useState<Recheck | null>(null);
  // Names, not codes: indicator names from the city's catalogue (both frameworks), content classes and
  // problem statuses from the shared labels.
  const [labels, setLabels] = useState<Labels | null>(null);
  const [catalogue, setCatalogue] = useState<{ code: string; nameZh: string; nameEn: string }[]>([]);
  useEffect(() => {
    const ac = new AbortController();
    fetchLabels(ac.signal).then(setLabels, () => {});
    if (p.dataset) {
      Promise.all((['2024', '2021'] as const).map((f) => fetchCatalogue(p.dataset!, f, ac.signal).then((c) => c.indicators, () => [])))
        .then((lists) => setCatalogue(lists.flat()), () => {});
    }
    return () => ac.abort();
  }, [p.dataset]);
  const indicatorName = useMemo(() => {
    const m = new Map(catalogue.map((d) => [d.code, lang === 'zh' ? d.nameZh : d.nameEn]));
    return (code: string) => m.get(code) ?? code;
  }, [catalogue, lang]);
  const contentLabel = (c: string) => labels?.codes.renovation_class?.[c]?.[lang] ?? c;
  const problemStatus = (s: string) => (isMessageKey(`ck.status.${s}`) ? t(`ck.status.${s}` as 'ck.status.open') : s);
  const [reason, setReason] = useState('');
  const [other, setOther] = useState<Stage>('closed');
  const [refused, setRefused] = useState<string | null>(null);
  // Open problems of the project's estates in the ledger, not linked yet.
  const [linkable, setLinkable] = useState<{ id: number; label: string }[]>([]);
  useEffect(() => {
    if (!p.dataset || !p.estateIds.length) return setLinkable([]);
    const ac = new AbortController();
    const linked = new Set(p.problemRefs.filter((r): r is number => typeof r === 'number'));
    listEstateProblems(p.dataset, ac.signal).then((r) => setLinkable(r.problems
      .filter((x) => x.unitId !== null && p.estateIds.includes(x.unitId) && !linked.has(x.id) && !['closed', 'dismissed', 'merged'].includes(x.status))
      .map((x) => ({ id: x.id, label: `#${x.id} ${indicatorName(x.indicator)} · ${x.unitName ?? x.unitId} · ${problemStatus(x.status)}` }))), () => setLinkable([]));
    return () => ac.abort();
  }, [p.dataset, p.estateIds, p.problemRefs, indicatorName]);
  const stage = (s: string) => (STAGES.includes(s as Stage) ? t(`rn.stage.${s as Stage}`) : s);

  useEffect(() => {
    const ac = new AbortController();
    fetchRecheck(p.id, ac.signal).then(setRecheck, () => setRecheck(null));
    return () => ac.abort();
  }, [p.id, p.stage, p.updatedAt]);

  const move = (to: string) => {
    setRefused(null);
    void onMove(to, reason.trim() || t('rn.reason.default')).then((msg) => { setRefused(msg); if (!msg) setReason(''); });
  };

  return (
    <section className="rn-detail" data-testid="rn-detail" data-project={p.id} data-stage={p.stage}>
      <h3>{t('rn.detail.title')}: {p.name} <button type="button" className="link small" onClick={onClose}>{t('rn.detail.close')}</button></h3>
      <table className="gc-table small"><tbody>
        <tr><th>{t('rn.detail.stage')}</th><td data-testid="rn-detail-stage">{stage(p.stage)}</td></tr>
        <tr><th>{t('rn.detail.loop')}</th><td>{isMessageKey(`rn.loop.${p.loopStep}`) ? t(`rn.loop.${p.loopStep}` as 'rn.loop.governance') : p.loopStep}</td></tr>
        <tr><th>{t('rn.detail.content')}</th><td>{p.contentClass.map(contentLabel).join('、') || '—'}</td></tr>
        <tr><th>{t('rn.detail.budget')}</th><td>{p.budgetWan ?? '—'}</td></tr>
        <tr><th>{t('rn.detail.funding')}</th><td>{p.fundingSource ?? '—'}</td></tr>
        <tr><th>{t('rn.detail.department')}</th><td>{p.department ?? '—'}</td></tr>
        <tr><th>{t('rn.detail.planYear')}</th><td>{p.planYear ?? '—'}</td></tr>
        <tr><th>{t('rn.detail.sites')}</th><td>{p.estateIds.map((id) => `#${id}`).join('、') || '—'}</td></tr>
        <tr>
          <th>{t('rn.detail.geometry')}</th>
          <td data-testid="rn-detail-geometry">
            {p.geometry ? t('rn.detail.geometry.drawn', { n: corners(p.geometry) }) : t('rn.detail.geometry.none')}{' '}
            <button type="button" className="link" onClick={onDraw} data-testid="rn-detail-draw">{p.geometry ? t('rn.detail.modify') : t('rn.detail.draw')}</button>
            {pendingCorners !== null && (
              <> {t('rn.draw.ready', { n: pendingCorners })}{' '}
                <button type="button" className="primary" onClick={onSaveGeometry} data-testid="rn-detail-save-geometry">{t('rn.detail.saveGeometry')}</button></>
            )}
          </td>
        </tr>
      </tbody></table>

      <h4>{t('rn.detail.problems')}</h4>
      {recheck && recheck.problems.length > 0 ? (
        <ul className="small" data-testid="rn-detail-problems">
          {recheck.problems.map((x) => <li key={x.id} data-problem={x.id} data-status={x.status}>#{x.id} {indicatorName(x.indicator)} · {x.unitName ?? x.unitKind} · {problemStatus(x.status)} ({x.value ?? '—'} / {x.threshold ?? '—'})</li>)}
        </ul>
      ) : <p className="muted small">{t('rn.detail.problems.none')}{p.problemRefs.filter((r) => typeof r === 'string').map((r) => ` · ${r}`).join('')}</p>}
      {linkable.length > 0 && (
        <ul className="small" data-testid="rn-detail-linkable">
          {linkable.map((x) => (
            <li key={x.id}>{x.label}{' '}
              <button type="button" className="link" onClick={() => void onLinkProblem(x.id).then(setRefused)} data-testid={`rn-detail-link-${x.id}`}>{t('rn.detail.link')}</button>
            </li>
          ))}
        </ul>
      )}

      <h4>{t('rn.detail.effect')}</h4>
      <ExpectedEffectView project={p} onPredicted={onPredicted} facilityPoint={facilityPoint} picking={picking} onPick={onPick} onClearPoint={onClearPoint} />

      <h4>{t('rn.detail.history')}</h4>
      <table className="gc-table small" data-testid="rn-detail-history">
        <thead><tr><th>{t('rn.detail.col.move')}</th><th>{t('rn.detail.col.who')}</th><th>{t('rn.detail.col.when')}</th><th>{t('rn.detail.col.why')}</th></tr></thead>
        <tbody>
          {p.transitions.map((x, i) => (
            <tr key={i}><td>{x.fromStage ? `${stage(x.fromStage)} → ` : ''}{stage(x.toStage)}</td><td>{x.actor}</td><td>{new Date(x.at).toLocaleString()}</td><td>{x.reason}</td></tr>
          ))}
        </tbody>
      </table>

      <div className="gc-form small">
        <label>{t('rn.detail.reason')} <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="rn-detail-reason" /></label>
        <div>
          {t('rn.detail.next')}:{' '}
          {p.nextStages.map((n) => (
            <button key={n} type="button" onClick={() => move(n)} data-testid={`rn-detail-move-${n}`}>{t('rn.moveTo', { stage: stage(n) })}</button>
          ))}
        </div>
        <label>{t('rn.detail.other')}{' '}
          <select value={other} onChange={(e) => setOther(e.target.value as Stage)} data-testid="rn-detail-other">
            {STAGES.map((s) => <option key={s} value={s}>{stage(s)}</option>)}
          </select>
        </label>{' '}
        <button type="button" onClick={() => move(other)} data-testid="rn-detail-try">{t('rn.detail.try')}</button>
      </div>
      {refused && <p role="alert" className="gc-error" data-testid="rn-detail-refused">{t('rn.detail.refused')}{refused}</p>}
    </section>
  );
}
