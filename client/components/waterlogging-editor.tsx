/**
 * A waterlogging point's treatment status (内涝点治理: 未治理 → 治理中 → 已销号, or reopened) in the
 * feature panel: the status history (time, who, from → to, note) for everyone, and for a planner of
 * the point's city a control offering only the allowed next statuses, with an optional note and
 * remediation project (the city's project library). The server decides (PATCH
 * /api/waterlogging-points/:pointId); its refusal (409 illegal move, 403 another city, 400) is shown
 * here, never swallowed. Types come from server/contract (type-only imports).
 */
import { useEffect, useState } from 'react';
import type { Labels } from '../api/map-api.ts';
import type { WaterloggingHistory, WaterloggingPoint, WaterloggingPointPatch } from '../../server/contract/diagnosis.ts';
import { getJson, sendJson } from '../api/http.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import { listProjects, type Project } from '../panels/renewal/renewal-api.ts';
import { useSession } from './sign-in-context.tsx';

export type WaterloggingStatus = WaterloggingPointPatch['status'];

/**
 * Allowed next statuses of each status: the same table as the server's WATERLOGGING_MOVES
 * (server/diagnosis/waterlogging-status.ts, which stays the authority: anything else is a 409). The
 * e2e test compares the two, so a change on the server cannot leave this copy behind unnoticed.
 */
export const WATERLOGGING_NEXT: Readonly<Record<WaterloggingStatus, readonly WaterloggingStatus[]>> = {
  untreated: ['in_progress'],
  in_progress: ['closed', 'untreated'],
  closed: ['untreated'],
};

export const fetchWaterloggingHistory = (pointId: number, signal?: AbortSignal) =>
  getJson<WaterloggingHistory>(`/api/waterlogging-points/${pointId}/history`, signal);
export const patchWaterloggingPoint = (pointId: number, body: WaterloggingPointPatch, signal?: AbortSignal) =>
  sendJson<WaterloggingPoint>(`/api/waterlogging-points/${pointId}`, 'PATCH', body, signal);

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** The panel is narrow: one control per line. */
const STACK = { display: 'grid', gap: 6, minWidth: 0, width: '100%', boxSizing: 'border-box', border: '1px solid var(--border)', borderRadius: 4, margin: '4px 0', padding: '6px 8px' } as const;
const FIELD = { display: 'grid', gap: 2, fontSize: 12 } as const;
const isStatus = (s: string): s is WaterloggingStatus => s in WATERLOGGING_NEXT;

export interface WaterloggingEditorProps {
  pointId: number;
  /** The current city (a city-scoped planner may change only its points; projects are listed from it). */
  city: string | null;
  labels: Labels;
  /**
   * Called with the point's status each time the server reports it: on opening, after an accepted
   * change, and after a refusal (someone else may have moved it). The panel compares it with the
   * tile's and, when they differ, has the map re-request the layer's tiles.
   */
  onStatus: (status: string) => void;
}

export function WaterloggingEditor({ pointId, city, labels, onStatus }: WaterloggingEditorProps) {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const mayEdit = can('planner', city);
  const [history, setHistory] = useState<WaterloggingHistory | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [projects, setProjects] = useState<Project[]>([]);
  const [picked, setNext] = useState<string>('');
  const [note, setNote] = useState('');
  const [project, setProject] = useState<string>('keep');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  // The project the point is linked to, as the last accepted change reported it (the history does not carry it).
  const [linked, setLinked] = useState<number | null | undefined>(undefined);
  const statusLabel = (code: string | null) => (code === null ? t('wl.history.first') : labels.codes.waterlogging_status?.[code]?.[lang] ?? code);

  useEffect(() => {
    const ac = new AbortController();
    setHistory(null);
    setLoadError(null);
    fetchWaterloggingHistory(pointId, ac.signal).then(setHistory, (e) => { if ((e as Error).name !== 'AbortError') setLoadError(errText(e)); });
    return () => ac.abort();
  }, [pointId]);

  useEffect(() => {
    if (!mayEdit || !city) return;
    const ac = new AbortController();
    listProjects(city, ac.signal).then((r) => setProjects(r.projects), () => { /* no project list: the link stays optional */ });
    return () => ac.abort();
  }, [mayEdit, city]);

  const status = history?.status ?? null;
  useEffect(() => {
    if (status !== null) onStatus(status);
  }, [status, onStatus]);
  const moves = status !== null && isStatus(status) ? WATERLOGGING_NEXT[status] : [];
  // The picked move while it is still allowed (the status may have moved since), else the first allowed.
  const next = moves.find((m) => m === picked) ?? moves[0] ?? '';

  const save = () => {
    if (!next || !isStatus(next)) return;
    const body: WaterloggingPointPatch = { status: next, ...(note.trim() ? { note: note.trim() } : {}) };
    if (project === 'none') body.remediationProjectId = null;
    else if (project !== 'keep') body.remediationProjectId = Number(project);
    setSaving(true);
    setRefused(null);
    setSaved(false);
    patchWaterloggingPoint(pointId, body)
      .then((p) => {
        setHistory(p);
        setLinked(p.remediationProjectId);
        setNote('');
        setProject('keep');
        setSaved(true);
      }, (e) => {
        setRefused(errText(e));
        // The point may have moved meanwhile (409): show its status now and the moves it allows.
        fetchWaterloggingHistory(pointId).then(setHistory, () => { /* the refusal is already shown */ });
      })
      .finally(() => setSaving(false));
  };

  return (
    <section className="wl-editor" data-testid="wl-editor" data-status={status ?? ''}>
      <h3>{t('wl.edit.title')}</h3>
      {loadError && <p className="gc-error small" role="alert" data-testid="wl-load-error">{loadError}</p>}
      {history && (
        <p className="small">
          {t('wl.edit.current')}：<strong data-testid="wl-status">{statusLabel(history.status)}</strong>
        </p>
      )}
      {history && mayEdit && (
        moves.length === 0 ? <p className="muted small">{t('wl.edit.noMove')}</p> : (
          <fieldset className="wl-edit" style={STACK} data-testid="wl-edit" disabled={saving}>
            <label style={FIELD}>{t('wl.edit.next')}
              <select value={next} onChange={(e) => setNext(e.target.value)} data-testid="wl-next">
                {moves.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
              </select>
            </label>
            <label style={FIELD}>{t('wl.edit.note')}
              <textarea value={note} maxLength={500} rows={2} placeholder={t('wl.edit.notePlaceholder')}
                onChange={(e) => setNote(e.target.value)} data-testid="wl-note" />
            </label>
            <label style={FIELD}>{t('wl.edit.project')}
              <select value={project} onChange={(e) => setProject(e.target.value)} data-testid="wl-project">
                <option value="keep">{t('wl.edit.projectKeep')}</option>
                <option value="none">{t('wl.edit.projectNone')}</option>
                {projects.map((p) => <option key={p.id} value={String(p.id)}>{p.name}（{p.stageZh}）</option>)}
              </select>
            </label>
            <button type="button" style={{ justifySelf: 'start' }} onClick={save} disabled={saving || !next} data-testid="wl-save">
              {saving ? t('wl.edit.saving') : t('wl.edit.save')}
            </button>
          </fieldset>
        )
      )}
      {history && !mayEdit && <p className="muted small" data-testid="wl-viewer-note">{t('wl.edit.viewerOnly')}</p>}
      {refused && <p className="gc-error small" role="alert" data-testid="wl-refused">{t('wl.edit.refused', { message: refused })}</p>}
      {saved && <p className="small" role="status" data-testid="wl-saved">{t('wl.edit.saved')}</p>}
      {linked !== undefined && (
        <p className="small" data-testid="wl-linked">
          {t('wl.edit.linked')}：{linked === null ? t('wl.edit.projectNone') : projects.find((x) => x.id === linked)?.name ?? `#${linked}`}
        </p>
      )}
      {!history && !loadError && <p className="muted small">{t('wl.history.loading')}</p>}
      {history && <WaterloggingHistoryList history={history} statusLabel={statusLabel} />}
    </section>
  );
}

function WaterloggingHistoryList({ history, statusLabel }: { history: WaterloggingHistory; statusLabel: (code: string | null) => string }) {
  const { t, lang } = useI18n();
  const rows = [...history.changes].reverse(); // newest first
  const when = (iso: string) => new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
  return (
    <details className="wl-history" open data-testid="wl-history">
      <summary className="small">{t('wl.history.title')} ({history.changes.length})</summary>
      {rows.length === 0 ? <p className="muted small">{t('wl.history.empty')}</p> : (
        <ol className="small" style={{ listStyle: 'none', margin: '4px 0', padding: 0 }}>
          {rows.map((c, i) => (
            <li key={`${c.changedAt}-${i}`} data-testid="wl-history-row" data-from={c.fromStatus ?? ''} data-to={c.toStatus}
              style={{ borderTop: '1px solid var(--border)', padding: '3px 0' }}>
              <div>
                <strong>{statusLabel(c.fromStatus)} → {statusLabel(c.toStatus)}</strong>
                {c.note && <span> · {c.note}</span>}
              </div>
              <div className="muted">
                <span title={t('wl.history.time')}>{when(c.changedAt)}</span> · <span title={t('wl.history.actor')}>{c.importRunId !== null ? `${t('wl.history.import')} #${c.importRunId}` : c.actor}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
