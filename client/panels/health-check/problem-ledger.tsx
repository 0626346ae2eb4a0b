/**
 * The problem ledger (问题台账): every failing value of the city with its unit, indicator, warning,
 * years and status (opened, closed or reopened by the cycles), filterable by indicator, warning and
 * status, with "zoom to" the unit on the map and CSV / GeoJSON exports. Planners mark a problem in
 * treatment, annotate, dismiss or merge it, with a note or reason (audited by the server).
 */
import { useEffect, useState } from 'react';
import type { Bbox } from '../../api/map-api.ts';
import { isMessageKey } from '../../i18n/dictionaries.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { actOnProblem, fetchProblems, problemsCsvUrl, problemsGeoJsonUrl, type Problem, type ProblemAction } from './check-api.ts';
import { fmtValue } from './check-format.ts';

const STATUSES = ['open', 'in_treatment', 'reopened', 'closed', 'dismissed', 'merged'] as const;

type Kind = 'treat' | 'annotate' | 'dismiss' | 'merge';

/** The inline form of one problem's action. */
function ActionForm({ problem, onDone, onCancel }: { problem: Problem; onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<Kind>('treat');
  const [text, setText] = useState('');
  const [into, setInto] = useState('');
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    const body: ProblemAction = kind === 'dismiss' ? { action: 'dismiss', reason: text }
      : kind === 'merge' ? { action: 'merge', into: Number(into), reason: text }
      : { action: 'annotate', note: text, inTreatment: kind === 'treat' };
    actOnProblem(problem.id, body).then(onDone).catch((e) => setError((e as Error).message));
  };
  return (
    <div className="gc-form small" data-testid="ck-problem-action" style={{ display: 'flex', gap: 4, flexWrap: 'wrap', alignItems: 'center' }}>
      <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="ck-problem-action-kind">
        <option value="treat">{t('ck.act.treat')}</option>
        <option value="annotate">{t('ck.act.annotate')}</option>
        <option value="dismiss">{t('ck.act.dismiss')}</option>
        <option value="merge">{t('ck.act.merge')}</option>
      </select>
      {kind === 'merge' && <input type="number" min={1} value={into} onChange={(e) => setInto(e.target.value)} placeholder="#" style={{ width: 60 }} />}
      <input type="text" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('ck.act.text')} data-testid="ck-problem-action-text" />
      <button type="button" onClick={apply} disabled={!text || (kind === 'merge' && !into)} data-testid="ck-problem-action-apply">{t('ck.act.apply')}</button>
      <button type="button" className="link" onClick={onCancel}>{t('ck.act.cancel')}</button>
      {error && <span role="alert" className="gc-error">{error}</span>}
    </div>
  );
}

export function ProblemLedger({ city, names, refresh, mayEdit, onZoomTo }: { city: string; names: Record<string, string>; refresh: number; mayEdit: boolean; onZoomTo: (b: Bbox) => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<number | null>(null);
  const [changed, setChanged] = useState(0);
  const [indicator, setIndicator] = useState('');
  const [severity, setSeverity] = useState('');
  const [status, setStatus] = useState('');
  const [rows, setRows] = useState<Problem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    fetchProblems(city, { indicator: indicator || undefined, severity: severity || undefined, status: status || undefined }, ac.signal)
      .then((r) => { setRows(r.problems); setError(null); })
      .catch((e) => { if ((e as Error).name !== 'AbortError') setError((e as Error).message); });
    return () => ac.abort();
  }, [city, indicator, severity, status, refresh, changed]);
  const label = (key: string, fallback: string) => (isMessageKey(key) ? t(key) : fallback);
  return (
    <div data-testid="ck-problems">
      <div className="gc-form" style={{ display: 'flex', gap: 6, flexWrap: 'wrap' }}>
        <label className="small">{t('ck.indicator')}{' '}
          <select value={indicator} onChange={(e) => setIndicator(e.target.value)} data-testid="ck-problems-indicator">
            <option value="">{t('ck.problems.all')}</option>
            {Object.entries(names).map(([code, name]) => <option key={code} value={code}>{name}</option>)}
          </select>
        </label>
        <label className="small">{t('ck.problems.severity')}{' '}
          <select value={severity} onChange={(e) => setSeverity(e.target.value)} data-testid="ck-problems-severity">
            <option value="">{t('ck.problems.all')}</option>
            <option value="red">{t('ck.warning.red')}</option>
            <option value="yellow">{t('ck.warning.yellow')}</option>
          </select>
        </label>
        <label className="small">{t('ck.problems.status')}{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="ck-problems-status">
            <option value="">{t('ck.problems.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{label(`ck.status.${s}`, s)}</option>)}
          </select>
        </label>
      </div>
      {error && <p role="alert" className="gc-error">{t('ck.error')}{error}</p>}
      {rows && rows.length === 0 && <p className="small muted">{t('ck.problems.none')}</p>}
      {rows && rows.length > 0 && (
        <table className="gc-table" data-testid="ck-problems-table">
          <thead><tr><th>{t('ck.col.unit')}</th><th>{t('ck.indicator')}</th><th>{t('ck.col.value')}</th><th>{t('ck.problems.status')}</th><th /></tr></thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.id} data-severity={p.severity} data-status={p.status}>
                <td>{label(`ck.level.${p.unitKind}`, p.unitKind)} {p.unitName ?? ''}</td>
                <td>
                  <span style={{ color: p.severity === 'red' ? '#d73027' : '#b8860b' }}>●</span> {names[p.indicator] ?? p.indicator}
                </td>
                <td className="num" title={p.ruleFired ?? ''}>{fmtValue(p.value)}</td>
                <td className="small" data-testid="ck-problem-status">#{p.id} {label(`ck.status.${p.status}`, p.status)} · {t('ck.problems.years', { from: p.firstYear, to: p.closedYear ?? p.lastYear })}{p.note ? ` · ${p.note}` : ''}{p.reason ? ` · ${p.reason}` : ''}</td>
                <td>
                  {p.bbox && <button type="button" className="link" onClick={() => onZoomTo(p.bbox as Bbox)}>{t('ck.zoom')}</button>}
                  {mayEdit && <> <button type="button" className="link" onClick={() => setEditing(editing === p.id ? null : p.id)} data-testid="ck-problem-act">{t('ck.act')}</button></>}
                  {editing === p.id && <ActionForm problem={p} onCancel={() => setEditing(null)} onDone={() => { setEditing(null); setChanged((n) => n + 1); }} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="small">{t('ck.export')}: <a href={problemsCsvUrl(city)}>CSV</a> · <a href={problemsGeoJsonUrl(city)}>GeoJSON</a></p>
    </div>
  );
}
