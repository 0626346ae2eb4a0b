/**
 * Import runs: every import is recorded in app.import_run, its data lands in one transaction
 * (all rows or none), and its row-level report goes to app.import_error after the data
 * transaction has committed or rolled back, so a rejected run still leaves its report.
 *
 * The dataset row is upserted inside the data transaction, so a rejected or interrupted first import
 * leaves no empty dataset. A running import refreshes `heartbeat_at` every IMPORT_HEARTBEAT_MS; an
 * import whose process died (kill -9) is marked failed, and its staging tables dropped, by
 * {@link cleanInterruptedImports} at the next import or server start.
 *
 * Environment (read when used): CITYCHECK_IMPORT_HEARTBEAT_MS (default 10000) and
 * CITYCHECK_IMPORT_STALE_MS (default 60000, how long without a heartbeat means dead).
 *
 * Shared by the OSM and ledger importers. No HTTP here: the server and CLI compose it.
 */
import type pg from 'pg';

export interface ImportIssue {
  /** 1-based data row (header excluded); undefined for file-level problems. */
  row?: number;
  field?: string;
  message: string;
  severity: 'error' | 'warning';
  raw?: unknown;
}

/** A rejected import: nothing was written; `issues` is the row-level report. */
export class ImportRejectedError extends Error {
  readonly code = 'IMPORT_REJECTED';
  constructor(
    message: string,
    readonly issues: ImportIssue[] = [],
    readonly runId?: number,
  ) {
    super(message);
  }
}

export interface DatasetRef {
  id: string;
  name: string;
  source?: string;
  licence?: string;
  attribution?: string;
  isSample?: boolean;
  /** The city (dataset id) this dataset belongs to, e.g. a city's ledgers or sample data; absent (or not loaded yet) = a city itself. */
  cityId?: string;
}

export interface RunStart {
  dataset: DatasetRef;
  kind: 'osm' | 'ledger' | 'sample' | 'synthetic';
  layer?: string;
  source: string;
  fileSha256?: string;
  params?: Record<string, unknown>;
  checkYear: number;
}

export interface RunResult {
  runId: number;
  rowsIn: number;
  rowsLoaded: number;
  rowsRejected: number;
  counts: Record<string, number>;
  issues: ImportIssue[];
  seconds: number;
}

/** A bad CITYCHECK_IMPORT_* environment value. */
export class ImportConfigError extends Error {
  readonly code = 'IMPORT_CONFIG_ERROR';
}

function envMs(name: string, def: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 10 || n > 86_400_000) throw new ImportConfigError(`${name} must be an integer number of ms in 10–86400000, got "${raw}"`);
  return n;
}

/** Heartbeat period of a running import in ms (env CITYCHECK_IMPORT_HEARTBEAT_MS, default 10 s). */
export const importHeartbeatMs = () => envMs('CITYCHECK_IMPORT_HEARTBEAT_MS', 10_000);
/** A running import without a heartbeat for this long (ms) died (env CITYCHECK_IMPORT_STALE_MS, default 60 s). */
export const importStaleMs = () => envMs('CITYCHECK_IMPORT_STALE_MS', 60_000);

/** What {@link cleanInterruptedImports} did. */
export interface CleanupResult {
  runsFailed: number;
  tablesDropped: number;
  datasetsRemoved: number;
}

/**
 * Marks imports that died (running, heartbeat older than `staleAfterMs`) failed, drops staging tables
 * of runs that are not running, and deletes datasets that failed or rejected runs left without rows
 * (internal.clean_interrupted_imports). Called at every import start and at server start.
 */
export async function cleanInterruptedImports(pool: pg.Pool, staleAfterMs: number = importStaleMs()): Promise<CleanupResult> {
  const { rows } = await pool.query<{ runs_failed: number; tables_dropped: number; datasets_removed: number }>(
    `SELECT * FROM internal.clean_interrupted_imports(make_interval(secs => $1::double precision / 1000))`, [staleAfterMs]);
  const r = rows[0];
  return { runsFailed: r.runs_failed, tablesDropped: r.tables_dropped, datasetsRemoved: r.datasets_removed };
}

/**
 * Opens a run (committed at once so failures can be reported) after cleaning what interrupted runs
 * left. The dataset itself is registered (or refreshed) only when the run's data commits
 * ({@link inImportTransaction}); until then the run keeps its definition.
 */
export async function startRun(pool: pg.Pool, run: RunStart): Promise<number> {
  await cleanInterruptedImports(pool);
  const d = run.dataset;
  const dataset = {
    name: d.name, source: d.source ?? run.source, licence: d.licence ?? null, attribution: d.attribution ?? null,
    is_sample: d.isSample ?? false, city_id: d.cityId ?? null,
  };
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO app.import_run (dataset_id, dataset, kind, layer, source, file_sha256, params, check_year)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [d.id, JSON.stringify(dataset), run.kind, run.layer ?? null, run.source, run.fileSha256 ?? null, JSON.stringify(run.params ?? {}), run.checkYear],
  );
  const runId = Number(rows[0].id);
  startHeartbeat(pool, runId, importHeartbeatMs());
  return runId;
}

/**
 * Refreshes the run's heartbeat every `everyMs` while it is running. The timer stops itself once the
 * run is no longer running (finishRun) or the pool fails (closed), and never keeps the process alive.
 */
function startHeartbeat(pool: pg.Pool, runId: number, everyMs: number): void {
  const timer = setInterval(() => {
    pool.query(`UPDATE app.import_run SET heartbeat_at = clock_timestamp() WHERE id = $1 AND status = 'running'`, [runId]).then(
      (r) => {
        if (r.rowCount === 0) clearInterval(timer);
      },
      () => clearInterval(timer),
    );
  }, everyMs);
  timer.unref();
}

/** Closes a run with its outcome and writes its row-level report. */
export async function finishRun(
  pool: pg.Pool,
  runId: number,
  outcome: { status: 'succeeded' | 'failed' | 'rejected'; rowsIn?: number; rowsLoaded?: number; rowsRejected?: number; counts?: Record<string, number>; message?: string; issues?: ImportIssue[] },
): Promise<void> {
  const issues = outcome.issues ?? [];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `UPDATE app.import_run SET status = $2, rows_in = $3, rows_loaded = $4, rows_rejected = $5, counts = $6,
         message = $7, finished_at = clock_timestamp(), heartbeat_at = clock_timestamp() WHERE id = $1`,
      [runId, outcome.status, outcome.rowsIn ?? 0, outcome.rowsLoaded ?? 0, outcome.rowsRejected ?? 0,
        JSON.stringify(outcome.counts ?? {}), outcome.message ?? null],
    );
    // Batched insert of the report (at most 10,000 issues are kept per run).
    const kept = issues.slice(0, 10_000);
    for (let i = 0; i < kept.length; i += 1000) {
      const batch = kept.slice(i, i + 1000);
      await client.query(
        `INSERT INTO app.import_error (run_id, row_number, field, message, severity, raw)
         SELECT $1, r.row_number, r.field, r.message, r.severity, r.raw
         FROM jsonb_to_recordset($2::jsonb) AS r(row_number integer, field text, message text, severity text, raw jsonb)`,
        [runId, JSON.stringify(batch.map((x) => ({ row_number: x.row ?? null, field: x.field ?? null, message: x.message, severity: x.severity, raw: x.raw ?? null })))],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Runs `fn` in one transaction marked as import run `runId`: the run's dataset is registered (or
 * refreshed) first, row audit and per-row change notifications are skipped, and one
 * `citycheck_change` notification naming the tables `changed(result)` returns is sent on commit,
 * so caches and the walking graph drop what the import touched.
 */
export async function inImportTransaction<T>(
  pool: pg.Pool,
  runId: number,
  fn: (client: pg.PoolClient) => Promise<T>,
  changed: (result: T) => { tables: string[]; bbox?: [number, number, number, number] | null } = () => ({ tables: [] }),
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('citycheck.import_run', $1, true)`, [String(runId)]);
    const reg = await client.query(
      `INSERT INTO app.dataset (id, name, source, licence, attribution, is_sample, city_id)
       SELECT r.dataset_id, d.name, d.source, d.licence, d.attribution, coalesce(d.is_sample, false),
              (SELECT c.id FROM app.dataset c WHERE c.id = d.city_id)
         FROM app.import_run r,
              jsonb_to_record(r.dataset) AS d(name text, source text, licence text, attribution text, is_sample boolean, city_id text)
        WHERE r.id = $1
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, source = EXCLUDED.source, licence = EXCLUDED.licence,
         attribution = EXCLUDED.attribution, is_sample = EXCLUDED.is_sample, city_id = EXCLUDED.city_id`,
      [runId],
    );
    if (reg.rowCount !== 1) throw new Error(`import run ${runId} not found or has no dataset definition`);
    const result = await fn(client);
    const { tables, bbox } = changed(result);
    if (tables.length) {
      await client.query(`SELECT pg_notify('citycheck_change', $1)`, [JSON.stringify({ run: runId, tables, bbox: bbox ?? null })]);
    }
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
