/**
 * Ledger upload (台账上传) as a dialog for planners: choose a file, the layer, the CRS, the year and
 * a field for each column; "preview" runs the server's dry run (the CLI's --check: the first rows
 * as they would land and every row issue, nothing written); "import" starts the import on the
 * server and polls it. The job lives on the server: the last upload is remembered in
 * localStorage, so reopening the page shows how it ended. Row issues are a table and a CSV.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from '../../components/sign-in-context.tsx';
import { useI18n } from '../../i18n/i18n-context.tsx';
import {
  COLUMN_ROLES, INPUT_CRS, LEDGER_LAYERS, checkUpload, errorsCsvUrl, fetchJob, startImport, startOsmImport, uploadFile,
  type Upload, type UploadCheck, type UploadIssue, type UploadJob, type UploadOptions,
} from './upload-api.ts';

const dialogStyle = {
  position: 'fixed', inset: '60px 4% auto 4%', maxHeight: '84vh', overflow: 'auto', zIndex: 30, background: '#fff',
  color: '#1b2733', borderRadius: 8, boxShadow: '0 4px 24px rgba(0,0,0,0.35)', padding: 16, fontSize: 13,
} as const;
const cell = { borderBottom: '1px solid #e3e8ee', padding: '3px 6px', textAlign: 'left', verticalAlign: 'top' } as const;
const LAST_KEY = 'citycheck.lastUpload';
const POLL_MS = 500;

/** The top-bar button and the dialog; shown only to a planner of the city. */
export function UploadButton({ city }: { city: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const [open, setOpen] = useState(false);
  if (!can('planner', city)) return null;
  return (
    <>
      <button type="button" className="lang-switch" data-testid="upload-open" onClick={() => setOpen(true)}>{t('upload.open')}</button>
      {open && <UploadPanel city={city} onClose={() => setOpen(false)} />}
    </>
  );
}

function IssueTable({ issues }: { issues: UploadIssue[] }) {
  const { t } = useI18n();
  if (!issues.length) return <p data-testid="upload-no-issues">{t('upload.noIssues')}</p>;
  return (
    <table style={{ borderCollapse: 'collapse', width: '100%' }} data-testid="upload-issues">
      <thead><tr>{(['row', 'field', 'severity', 'message'] as const).map((c) => <th key={c} style={cell}>{t(`upload.col.${c}`)}</th>)}</tr></thead>
      <tbody>
        {issues.slice(0, 200).map((i, n) => (
          <tr key={n} data-testid={`upload-issue-${i.severity}`} style={{ color: i.severity === 'error' ? '#a01818' : undefined }}>
            <td style={cell}>{i.row ?? '—'}</td><td style={cell}>{i.field ?? '—'}</td>
            <td style={cell}>{t(`upload.severity.${i.severity}`)}</td><td style={cell}>{i.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PreviewRows({ check }: { check: UploadCheck }) {
  const { t } = useI18n();
  const keys = [...new Set(check.rows.flatMap((r) => Object.keys(r.attrs)))];
  return (
    <table style={{ borderCollapse: 'collapse', width: '100%' }} data-testid="upload-preview-rows">
      <thead><tr><th style={cell}>{t('upload.col.row')}</th><th style={cell}>{t('upload.col.key')}</th>{keys.map((k) => <th key={k} style={cell}>{k}</th>)}<th style={cell}>{t('upload.col.where')}</th></tr></thead>
      <tbody>
        {check.rows.map((r) => (
          <tr key={r.row} data-testid="upload-preview-row">
            <td style={cell}>{r.row}</td><td style={cell}>{r.sourceId}</td>
            {keys.map((k) => <td key={k} style={cell}>{r.attrs[k] === null || r.attrs[k] === undefined ? '' : String(r.attrs[k])}</td>)}
            <td style={cell}>{r.where}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One select per file column: automatic, a field of the layer, or a role. */
function MappingForm({ check, columns, onChange }: { check: UploadCheck; columns: Record<string, string>; onChange: (c: Record<string, string>) => void }) {
  const { t } = useI18n();
  return (
    <fieldset data-testid="upload-mapping">
      <legend>{t('upload.mapping')}</legend>
      <p style={{ margin: '0 0 6px' }}>{t('upload.mapping.hint')}</p>
      <div style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr max-content', gap: '4px 10px', alignItems: 'center' }}>
        {check.columns.map((c) => (
          <div key={c.header} style={{ display: 'contents' }}>
            <span>{c.header}</span>
            <select data-testid={`upload-map-${c.header}`} value={columns[c.header] ?? ''} onChange={(e) => {
              const next = { ...columns };
              if (e.target.value) next[c.header] = e.target.value; else delete next[c.header];
              onChange(next);
            }}>
              <option value="">{t('upload.mapping.auto')}</option>
              {check.fields.map((f) => <option key={f.field} value={f.field}>{f.label}{f.required ? ' *' : ''}</option>)}
              {COLUMN_ROLES.map((r) => <option key={r} value={r}>{t(`upload.role.${r}`)}</option>)}
            </select>
            <small style={{ color: '#5b6b7b' }}>→ {c.field ?? c.role} ({c.how})</small>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

function JobStatus({ job }: { job: UploadJob }) {
  const { t } = useI18n();
  const text = job.status === 'succeeded' ? t('upload.status.succeeded', { n: String(job.rowsLoaded), dataset: job.targetDataset })
    : t(`upload.status.${job.status}`, { message: job.message ?? '' });
  const done = job.status !== 'queued' && job.status !== 'running';
  return (
    <div data-testid="upload-job" data-status={job.status}>
      {!done && <progress style={{ width: '100%' }} aria-label={text} />}
      {!done && job.progress.length > 0 && <p style={{ margin: 0, color: '#5b6b7b' }} data-testid="upload-progress">{job.progress[job.progress.length - 1]}</p>}
      <p role="status" style={{ color: job.status === 'succeeded' ? '#1a7f37' : done ? '#a01818' : undefined }}>{text}</p>
      {done && job.issues.length > 0 && (
        <>
          <a href={errorsCsvUrl(job.uploadId)} download data-testid="upload-errors-csv">{t('upload.downloadErrors')}</a>
          <IssueTable issues={job.issues} />
        </>
      )}
    </div>
  );
}

export function UploadPanel({ city, onClose }: { city: string; onClose: () => void }) {
  const { t } = useI18n();
  const [upload, setUpload] = useState<Upload | null>(null);
  const [layer, setLayer] = useState<UploadOptions['layer']>('waterlogging_point');
  const [crs, setCrs] = useState<(typeof INPUT_CRS)[number]>('wgs84');
  const [year, setYear] = useState(new Date().getFullYear());
  const [sheet, setSheet] = useState('');
  const [columns, setColumns] = useState<Record<string, string>>({});
  const [check, setCheck] = useState<UploadCheck | null>(null);
  const [job, setJob] = useState<UploadJob | null>(null);
  const [busy, setBusy] = useState<'upload' | 'check' | 'import' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const poll = useRef<number | null>(null);
  const { can } = useSession();
  const [osmCity, setOsmCity] = useState(city);
  const [osmName, setOsmName] = useState('');

  const options = useCallback((): UploadOptions => ({
    dataset: city, layer, crs, checkYear: year, ...(sheet.trim() ? { sheet: sheet.trim() } : {}), mapping: { columns },
  }), [city, layer, crs, year, sheet, columns]);

  const follow = useCallback((uploadId: string) => {
    if (poll.current !== null) window.clearTimeout(poll.current);
    const tick = () => {
      fetchJob(uploadId).then((j) => {
        setJob(j);
        if (j.status === 'queued' || j.status === 'running') poll.current = window.setTimeout(tick, POLL_MS);
      }, (err: Error) => setError(err.message));
    };
    tick();
  }, []);

  // The last import of this browser, which may have finished while the page was closed.
  useEffect(() => {
    try {
      const last = JSON.parse(localStorage.getItem(LAST_KEY) ?? 'null') as { id: string; city: string } | null;
      if (last?.city === city) follow(last.id);
    } catch { /* nothing remembered */ }
    return () => { if (poll.current !== null) window.clearTimeout(poll.current); };
  }, [city, follow]);

  const run = async <T,>(what: 'upload' | 'check' | 'import', fn: () => Promise<T>): Promise<T | null> => {
    setBusy(what);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(t('upload.error', { message: (err as Error).message }));
      return null;
    } finally {
      setBusy(null);
    }
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setCheck(null);
    setJob(null);
    const u = await run('upload', () => uploadFile(file));
    setUpload(u);
    if (u && u.format !== 'osm') setCheck(await run('check', () => checkUpload(u.id, options())));
  };
  const preview = async () => { if (upload) setCheck(await run('check', () => checkUpload(upload.id, options()))); };
  const doImport = async () => {
    if (!upload) return;
    const j = await run('import', () => (upload.format === 'osm'
      ? startOsmImport(upload.id, { dataset: osmCity.trim(), ...(osmName.trim() ? { name: osmName.trim() } : {}), checkYear: year })
      : startImport(upload.id, options())));
    if (!j) return;
    localStorage.setItem(LAST_KEY, JSON.stringify({ id: upload.id, city }));
    setJob(j);
    follow(upload.id);
  };

  return (
    <section style={dialogStyle} role="dialog" aria-label={t('upload.title')} data-testid="upload-panel">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <h2 style={{ margin: 0, fontSize: 16 }}>{t('upload.title')}</h2>
        <button type="button" onClick={onClose} data-testid="upload-close">{t('upload.close')}</button>
      </div>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, margin: '10px 0' }}>
        <label>{t('upload.file')}<br />
          <input type="file" accept={`.csv,.txt,.xlsx,.geojson,.json,.gpkg,.zip${can('admin') ? ',.osm,.pbf' : ''}`} data-testid="upload-file" onChange={(e) => { void onFile(e.target.files?.[0]); e.target.value = ''; }} />
        </label>
        <label>{t('upload.layer')}<br />
          <select value={layer} data-testid="upload-layer" onChange={(e) => { setLayer(e.target.value as UploadOptions['layer']); setColumns({}); }}>
            {LEDGER_LAYERS.map((l) => <option key={l} value={l}>{t(`upload.layer.${l}`)}</option>)}
          </select>
        </label>
        <label>{t('upload.crs')}<br />
          <select value={crs} data-testid="upload-crs" onChange={(e) => setCrs(e.target.value as (typeof INPUT_CRS)[number])}>
            {INPUT_CRS.map((c) => <option key={c} value={c}>{t(`upload.crs.${c}`)}</option>)}
          </select>
        </label>
        <label>{t('upload.year')}<br />
          <input type="number" min={1900} max={2200} value={year} style={{ width: 80 }} data-testid="upload-year" onChange={(e) => setYear(Number(e.target.value))} />
        </label>
        <label>{t('upload.sheet')}<br />
          <input value={sheet} style={{ width: 120 }} data-testid="upload-sheet" onChange={(e) => setSheet(e.target.value)} />
        </label>
      </div>
      {busy === 'upload' && <p>{t('upload.uploading')}</p>}
      {upload && <p data-testid="upload-file-name">{t('upload.uploaded', { name: upload.fileName, size: `${(upload.bytes / 1024).toFixed(1)} KiB` })}</p>}
      {error && <p role="alert" style={{ color: '#a01818' }} data-testid="upload-error">{error}</p>}
      {check && <MappingForm check={check} columns={columns} onChange={setColumns} />}
      {upload?.format === 'osm' && (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'end', margin: '10px 0' }} data-testid="upload-osm">
          <p style={{ flexBasis: '100%', margin: 0 }}>{t('upload.osm.hint')}</p>
          <label>{t('upload.osm.city')}<br /><input value={osmCity} pattern="[a-z0-9][a-z0-9_.\-]*" data-testid="upload-osm-city" onChange={(e) => setOsmCity(e.target.value)} /></label>
          <label>{t('upload.osm.name')}<br /><input value={osmName} data-testid="upload-osm-name" onChange={(e) => setOsmName(e.target.value)} /></label>
          <button type="button" disabled={busy !== null || !can('admin')} onClick={() => void doImport()} data-testid="upload-osm-import">
            {busy === 'import' ? t('upload.importing') : t('upload.osm.import')}
          </button>
        </div>
      )}
      {upload && upload.format !== 'osm' && (
        <div style={{ display: 'flex', gap: 8, margin: '10px 0' }}>
          <button type="button" disabled={busy !== null} onClick={() => void preview()} data-testid="upload-preview">
            {busy === 'check' ? t('upload.previewing') : t('upload.preview')}
          </button>
          <button type="button" disabled={busy !== null} onClick={() => void doImport()} data-testid="upload-import">
            {busy === 'import' ? t('upload.importing') : t('upload.import')}
          </button>
        </div>
      )}
      {job && <JobStatus job={job} />}
      {check && (
        <div data-testid="upload-check">
          <p data-testid="upload-summary">{t('upload.rowsIn', { n: String(check.rowsIn), ok: String(check.wouldLoad) })}</p>
          {check.fileError && <p style={{ color: '#a01818' }}>{t('upload.fileError', { message: check.fileError })}</p>}
          <h3 style={{ fontSize: 14 }}>{t('upload.firstRows')}</h3>
          <PreviewRows check={check} />
          <h3 style={{ fontSize: 14 }}>{t('upload.issues', { n: String(check.issues.length) })}</h3>
          <IssueTable issues={check.issues} />
        </div>
      )}
    </section>
  );
}
