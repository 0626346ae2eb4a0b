/**
 * Ledger uploads: the check (the CLI's `--check`, geodata/ledger/check-ledger.ts) and the import
 * (the CLI's importLedger) on an uploaded file, with the same options the CLI takes; an uploaded OSM
 * extract goes through the CLI's importOsm. No second
 * implementation: this module only resolves the city, names the ledger dataset and tracks jobs.
 *
 * A job runs in the server process, not in the request: the page may close. Its state is the
 * import's own row in app.import_run (found by the upload's file path, its `source`) and the report
 * in app.import_error; only the moment before the run row exists, or a failure before it, is held
 * in memory. No Fastify here; server/routes/uploads.ts composes it.
 */
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { layerSpec } from '../../geodata/ledger/layers.ts';
import { checkLedger } from '../../geodata/ledger/check-ledger.ts';
import { importLedger, resolveDataset, resolveLedgerInputs, type ImportLedgerOptions } from '../../geodata/ledger/import-ledger.ts';
import { parseInputCrs } from '../../geodata/crs/to-wgs84.ts';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import type { ImportIssue } from '../../geodata/import-run.ts';
import type { CityScope, EffectiveParams } from '../contract/common.ts';
import type { OsmImportBody, UploadCheck, UploadIssue, UploadJob, UploadOptions } from '../contract/uploads.ts';
import type { StoredUpload } from './upload-store.ts';

/** The ledger dataset a city's uploads land in (attached to the city, so its analyses read it). */
export const ledgerDatasetOf = (city: string) => `${city}-ledger`;

const issueOut = (i: ImportIssue): UploadIssue => ({ row: i.row ?? null, field: i.field ?? null, message: i.message, severity: i.severity });

/** The options as the CLI takes them, and what the result states about them. */
function cliOptions(upload: StoredUpload, city: CityScope, o: UploadOptions): { options: ImportLedgerOptions; effective: EffectiveParams } {
  const crs = parseInputCrs(o.crs ?? 'wgs84');
  const checkYear = o.checkYear ?? new Date().getFullYear();
  const options: ImportLedgerOptions = {
    layer: o.layer, file: upload.file, crs, dataset: ledgerDatasetOf(city.dataset), cityId: city.dataset, checkYear, sheet: o.sheet,
    mapping: o.mapping ? { columns: o.mapping.columns ?? {}, values: o.mapping.values ?? {} } : undefined,
  };
  const origin = (given: unknown) => (given === undefined ? 'default' as const : 'request' as const);
  const effective: EffectiveParams = {
    layer: { value: o.layer, origin: 'request' },
    crs: { value: crs, origin: origin(o.crs) },
    checkYear: { value: checkYear, origin: origin(o.checkYear) },
    sheet: { value: o.sheet ?? null, origin: origin(o.sheet) },
    mappedColumns: { value: Object.keys(o.mapping?.columns ?? {}), origin: origin(o.mapping?.columns) },
  };
  return { options, effective };
}

interface MemoryJob { status: 'queued' | 'failed'; message: string | null; layer: string; target: string; effective: EffectiveParams; progress: string[] }

/**
 * @param pool the import pool (the CLI's functions take a pg.Pool)
 * @param db the same database through kysely, for reading job state
 */
export function uploadService(pool: pg.Pool, db: Kysely<unknown>, log: (err: unknown, msg: string) => void) {
  const pending = new Map<string, MemoryJob>();
  const running = new Set<Promise<unknown>>();

  /** Runs `work` in the background; until its run row exists (or when it fails before), the job is held here. */
  function track(upload: StoredUpload, job: Omit<MemoryJob, 'status' | 'message' | 'progress'>, work: (log: (line: string) => void) => Promise<unknown>): UploadJob {
    const mem: MemoryJob = { ...job, status: 'queued', message: null, progress: [] };
    pending.set(upload.id, mem);
    const p = work((line) => { mem.progress.push(line.slice(0, 300)); if (mem.progress.length > 20) mem.progress.shift(); }).then(
      () => { pending.delete(upload.id); },
      (err: Error & { runId?: number }) => {
        if (err.runId !== undefined) { pending.delete(upload.id); return; } // rejected or failed: its run row says so
        log(err, 'upload import failed before its run started');
        pending.set(upload.id, { ...mem, status: 'failed', message: err.message });
      },
    ).finally(() => running.delete(p));
    running.add(p);
    return { uploadId: upload.id, status: 'queued', runId: null, layer: job.layer, targetDataset: job.target, rowsIn: 0, rowsLoaded: 0, rowsRejected: 0, message: null, issues: [], progress: [], effective: job.effective };
  }

  return {
    /** The dry run: what the import would do, writing nothing. */
    async check(upload: StoredUpload, city: CityScope, o: UploadOptions): Promise<UploadCheck> {
      const { options, effective } = cliOptions(upload, city, o);
      const c = await checkLedger(pool, { ...options, previewRows: 10 });
      return {
        city, effective, ledgerDataset: ledgerDatasetOf(city.dataset),
        fields: layerSpec(o.layer).fields.map((f) => ({ field: f.field, label: f.label, required: f.required ?? false })), rowsIn: c.rowsIn, encoding: c.encoding ?? null,
        columns: c.columns.map((x) => ({ header: x.header, role: x.role, field: x.field?.field ?? null, how: x.how })),
        idColumn: c.idColumn ?? null,
        rows: c.rows.map((r) => ({ row: r.row, sourceId: r.sourceId, attrs: r.attrs, props: r.props, geometryType: r.geometryType, where: r.where })),
        issues: c.issues.map(issueOut), fileError: c.fileError ?? null, wouldLoad: c.wouldLoad,
      };
    },

    /**
     * Starts the import in the background and returns at once. The layer, CRS and mapping are
     * checked first (a bad one is the caller's 400, not a failed job).
     */
    async start(upload: StoredUpload, city: CityScope, o: UploadOptions): Promise<UploadJob> {
      const { options, effective } = cliOptions(upload, city, o);
      await resolveLedgerInputs(pool, options);
      await resolveDataset(pool, options.dataset, undefined, options.cityId);
      return track(upload, { target: ledgerDatasetOf(city.dataset), layer: o.layer, effective }, (log) => importLedger(pool, { ...options, log }));
    },

    /**
     * Starts an OSM import of the upload as the city `o.dataset` (new, or replacing that city's OSM
     * data) in the background: the CLI's `npm run import -- osm`.
     */
    async startOsm(upload: StoredUpload, o: OsmImportBody): Promise<UploadJob> {
      const dataset = await resolveDataset(pool, o.dataset, o.name);
      const checkYear = o.checkYear ?? new Date().getFullYear();
      const effective: EffectiveParams = {
        dataset: { value: o.dataset, origin: 'request' },
        bbox: { value: o.bbox ? o.bbox.join(',') : null, origin: o.bbox ? 'request' : 'default' },
        checkYear: { value: checkYear, origin: o.checkYear === undefined ? 'default' : 'request' },
      };
      return track(upload, { target: o.dataset, layer: 'osm', effective },
        (log) => importOsm(pool, { source: upload.file, dataset, checkYear, bbox: o.bbox as [number, number, number, number] | undefined, log }));
    },

    /** The upload's latest import: its run row and report, else the job held in memory, else null. */
    async job(upload: StoredUpload): Promise<UploadJob | null> {
      const { rows } = await sql<{ id: string; status: string; layer: string | null; datasetId: string; rowsIn: number; rowsLoaded: number; rowsRejected: number; message: string | null; params: Record<string, unknown>; checkYear: number }>`
        SELECT id, status, layer, dataset_id AS "datasetId", rows_in AS "rowsIn", rows_loaded AS "rowsLoaded", rows_rejected AS "rowsRejected", message, params, check_year AS "checkYear"
        FROM app.import_run WHERE source = ${upload.file} ORDER BY id DESC LIMIT 1`.execute(db);
      const mem = pending.get(upload.id);
      const r = rows[0];
      if (mem && (mem.status === 'failed' || !r)) {
        return { uploadId: upload.id, status: mem.status, runId: null, layer: mem.layer, targetDataset: mem.target, rowsIn: 0, rowsLoaded: 0, rowsRejected: 0, message: mem.message, issues: [], progress: mem.progress, effective: mem.effective };
      }
      if (!r) return null;
      const issues = await sql<{ row: number | null; field: string | null; message: string; severity: 'error' | 'warning' }>`
        SELECT row_number AS row, field, message, severity FROM app.import_error WHERE run_id = ${r.id}
        ORDER BY severity, row_number NULLS FIRST, id LIMIT 1000`.execute(db);
      const effective: EffectiveParams = mem?.effective ?? {
        layer: { value: r.layer ?? 'osm', origin: 'request' },
        checkYear: { value: r.checkYear, origin: 'request' },
      };
      return {
        uploadId: upload.id, status: r.status as UploadJob['status'], runId: Number(r.id), layer: r.layer ?? 'osm', targetDataset: r.datasetId,
        rowsIn: r.rowsIn ?? 0, rowsLoaded: r.rowsLoaded ?? 0, rowsRejected: r.rowsRejected ?? 0, message: r.message, issues: issues.rows,
        progress: r.status === 'running' ? mem?.progress ?? [] : [], effective,
      };
    },

    /** The row report of the upload's latest import as CSV (UTF-8 with BOM, so Excel shows Chinese). */
    async errorsCsv(upload: StoredUpload): Promise<string | null> {
      const { rows } = await sql<{ row: number | null; field: string | null; message: string; severity: string }>`
        SELECT e.row_number AS row, e.field, e.message, e.severity FROM app.import_error e
        WHERE e.run_id = (SELECT max(id) FROM app.import_run WHERE source = ${upload.file})
        ORDER BY e.row_number NULLS FIRST, e.id`.execute(db);
      const runs = await sql<{ n: number }>`SELECT count(*)::int AS n FROM app.import_run WHERE source = ${upload.file}`.execute(db);
      if (runs.rows[0].n === 0) return null;
      const cell = (v: unknown) => {
        const s = v === null || v === undefined ? '' : String(v);
        const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s; // no formulas when opened in a spreadsheet
        return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
      };
      const lines = ['row,field,severity,message', ...rows.map((r) => [r.row, r.field, r.severity, r.message].map(cell).join(','))];
      return `\uFEFF${lines.join('\r\n')}\r\n`;
    },

    /** Waits for the imports started by this service (server close, tests). */
    async settle(): Promise<void> {
      await Promise.allSettled([...running]);
    },
  };
}
export type UploadService = ReturnType<typeof uploadService>;
