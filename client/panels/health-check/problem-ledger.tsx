/**
 * The problem ledger (问题台账): every failing value of the city with its unit, indicator, warning,
 * years and status (opened, closed or reopened by the cycles), filterable by indicator, warning and
 * status, with "zoom to" the unit on the map and CSV / GeoJSON exports.
 */
import { useEffect, useState } from 'react';
import type { Bbox } from '../../api/map-api.ts';
import { isMessageKey } from '../../i18n/dictionaries.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { fetchProblems, problemsCsvUrl, problemsGeoJsonUrl, type Problem } from './check-api.ts';
import { fmtValue } from './check-format.ts';

const STATUSES = ['open', 'in_treatment', 'reopened', 'closed', 'dismissed', 'merged'] as const;

export function ProblemLedger({ city, names, refresh, onZoomTo }: { city: string; names: Record<string, string>; refresh: number; onZoomTo: (b: Bbox) => void }) {
  const { t } = useI18n();
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
  }, [city, indicator, severity, status, refresh]);
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
                <td className="small">{label(`ck.status.${p.status}`, p.status)} · {t('ck.problems.years', { from: p.firstYear, to: p.closedYear ?? p.lastYear })}</td>
                <td>{p.bbox && <button type="button" className="link" onClick={() => onZoomTo(p.bbox as Bbox)}>{t('ck.zoom')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="small">{t('ck.export')}: <a href={problemsCsvUrl(city)}>CSV</a> · <a href={problemsGeoJsonUrl(city)}>GeoJSON</a></p>
    </div>
  );
}
