/**
 * The audit trail (审计记录) as a dialog: who changed what and when, filtered by person, table,
 * feature and time, newest first, with "older entries" paging. Each change shows only the fields
 * that differ between before and after. {@link FeatureHistory} is the same list for one feature,
 * for a feature's panel.
 */
import { useCallback, useEffect, useState } from 'react';
import { fetchAudit, type AuditEntry, type AuditFilter } from '../../api/auth-api.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';

const dialogStyle = {
  position: 'fixed', inset: '60px 5% auto 5%', maxHeight: '80vh', overflow: 'auto', zIndex: 30, background: '#fff',
  color: '#1b2733', borderRadius: 8, boxShadow: '0 4px 24px rgba(0,0,0,0.35)', padding: 16,
} as const;
const cell = { borderBottom: '1px solid #e3e8ee', padding: '4px 6px', textAlign: 'left', verticalAlign: 'top', fontSize: 12 } as const;

/** "field: old → new" for the fields an entry changed (all fields of an insert or delete). */
export function changedFields(e: AuditEntry): string[] {
  const before = e.before ?? {};
  const after = e.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !['updated_at', 'geom'].includes(k));
  const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => (e.action === 'UPDATE' ? `${k}: ${show(before[k])} → ${show(after[k])}` : `${k}: ${show(e.action === 'DELETE' ? before[k] : after[k])}`));
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const { t, lang } = useI18n();
  const fmt = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' });
  if (!entries.length) return <p data-testid="audit-empty">{t('audit.empty')}</p>;
  return (
    <table style={{ borderCollapse: 'collapse', width: '100%' }} data-testid="audit-table">
      <thead>
        <tr>
          {(['at', 'actor', 'action', 'table', 'row', 'change'] as const).map((c) => <th key={c} style={cell}>{t(`audit.col.${c}`)}</th>)}
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} data-testid="audit-row">
            <td style={cell}>{fmt.format(new Date(e.at))}</td>
            <td style={cell}>{e.actor}</td>
            <td style={cell}>{t(`audit.action.${e.action}`)}</td>
            <td style={cell}>{e.table}</td>
            <td style={cell}>{e.rowId ?? '—'}</td>
            <td style={cell}>{changedFields(e).slice(0, 8).map((l) => <div key={l}>{l}</div>)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Loads pages of the trail for a filter; `more` appends the next older page. */
function useAudit(filter: AuditFilter) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [tables, setTables] = useState<string[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(filter);
  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    fetchAudit(filter, ac.signal).then((r) => { setEntries(r.entries); setTables(r.tables); setNext(r.nextBefore); }, (err: Error) => {
      if (err.name !== 'AbortError') setError(err.message);
    });
    return () => ac.abort();
    // eslint-style: the filter is compared by value through `key`.
  }, [key]);
  const more = useCallback(() => {
    if (next === null) return;
    fetchAudit({ ...filter, before: next }).then((r) => { setEntries((e) => [...e, ...r.entries]); setNext(r.nextBefore); }, (err: Error) => setError(err.message));
  }, [key, next]);
  return { entries, tables, next, error, more };
}

export function AuditPanel({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState({ userId: '', table: '', rowId: '', from: '', to: '' });
  const [filter, setFilter] = useState<AuditFilter>({ limit: 50 });
  const { entries, tables, next, error, more } = useAudit(filter);
  const apply = () => setFilter({
    limit: 50,
    userId: draft.userId ? Number(draft.userId) : undefined,
    table: draft.table || undefined,
    rowId: draft.rowId ? Number(draft.rowId) : undefined,
    from: draft.from ? new Date(draft.from).toISOString() : undefined,
    to: draft.to ? new Date(draft.to).toISOString() : undefined,
  });
  const field = (k: keyof typeof draft, type: string, label: string) => (
    <label style={{ display: 'grid', fontSize: 12 }}>
      {label}
      <input type={type} value={draft[k]} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} data-testid={`audit-filter-${k}`} />
    </label>
  );
  return (
    <div role="dialog" aria-modal="true" aria-label={t('audit.title')} style={dialogStyle} data-testid="audit-panel">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <h2 style={{ fontSize: 16, margin: 0 }}>{t('audit.title')}</h2>
        <button type="button" onClick={onClose} data-testid="audit-close">{t('audit.close')}</button>
      </div>
      <form style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'end', margin: '12px 0' }} onSubmit={(e) => { e.preventDefault(); apply(); }}>
        {field('userId', 'number', t('audit.filter.user'))}
        <label style={{ display: 'grid', fontSize: 12 }}>
          {t('audit.filter.table')}
          <select value={draft.table} onChange={(e) => setDraft({ ...draft, table: e.target.value })} data-testid="audit-filter-table">
            <option value="">{t('audit.filter.allTables')}</option>
            {tables.map((x) => <option key={x} value={x}>{x}</option>)}
          </select>
        </label>
        {field('rowId', 'number', t('audit.filter.rowId'))}
        {field('from', 'datetime-local', t('audit.filter.from'))}
        {field('to', 'datetime-local', t('audit.filter.to'))}
        <button type="submit" data-testid="audit-apply">{t('audit.apply')}</button>
      </form>
      {error && <div role="alert" data-testid="audit-error">{t('audit.error', { message: error })}</div>}
      <AuditTable entries={entries} />
      {next !== null && <button type="button" onClick={more} data-testid="audit-more">{t('audit.more')}</button>}
    </div>
  );
}

function HistoryList({ layer, rowId }: { layer: string; rowId: number }) {
  const { t } = useI18n();
  const { entries, error } = useAudit({ layer, rowId, limit: 20 });
  return error ? <div role="alert">{t('audit.error', { message: error })}</div> : <AuditTable entries={entries} />;
}

/**
 * One feature's history (修改历史), folded: loaded only when opened. `layer` is the map layer id
 * (e.g. green_spaces), `rowId` the feature id.
 */
export function FeatureHistory({ layer, rowId }: { layer: string; rowId: number }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details data-testid="feature-history" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary style={{ fontSize: 12, cursor: 'pointer' }}>{t('audit.history')}</summary>
      {open && <HistoryList layer={layer} rowId={rowId} />}
    </details>
  );
}
