/**
 * The default city: the Nanjing core OSM extract plus the project's sample ledgers (示例数据),
 * loaded once into an empty database.
 */
import type pg from 'pg';
import { DEFAULT_DATASET_ID, datasetSource, getDataset } from './datasets.ts';
import type { RunResult } from './import-run.ts';
import { importOsm } from './osm/import-osm.ts';
import { importSampleLedgers } from './samples/load-samples.ts';

/** True when no layer holds any row yet (checks buildings and the walking network, the base of every analysis). */
export async function isDatabaseEmpty(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query(`SELECT NOT EXISTS (SELECT 1 FROM app.building) AND NOT EXISTS (SELECT 1 FROM app.walk_edge) AS empty`);
  return rows[0].empty === true;
}

/**
 * Imports the default OSM dataset (datasets.ts 'nanjing-core') when the database is empty, then the
 * sample ledgers. Returns the runs performed ([] when the database already had data).
 */
export async function loadDefaultDataset(pool: pg.Pool, opts: { geodataDir: string; log?: (line: string) => void; force?: boolean; checkYear?: number }): Promise<RunResult[]> {
  const log = opts.log ?? (() => {});
  if (!opts.force && !(await isDatabaseEmpty(pool))) {
    log('database already holds data: default dataset not loaded');
    return [];
  }
  const d = getDataset(DEFAULT_DATASET_ID);
  // OSM layers and sample ledgers share one check year (default: this year), so analyses see both.
  const checkYear = opts.checkYear ?? new Date().getFullYear();
  const { source, bbox } = datasetSource(d, opts.geodataDir);
  const osm = await importOsm(pool, { source, bbox, dataset: d, checkYear, adminLevels: d.adminLevels, log });
  const samples = await importSampleLedgers(pool, { log, checkYear });
  return [osm, ...samples];
}

/**
 * Re-imports the sample ledgers (示例数据) into a database that already holds the default city, in
 * the check year of its latest successful OSM import unless `checkYear` is given (the samples and the
 * OSM layers must share a year for analyses to see both). Idempotent: rows are matched by ledger id.
 * Throws a RangeError (the CLI prints it with its usage) when the default city is not loaded: the
 * samples belong to it.
 */
export async function refreshSampleLedgers(pool: pg.Pool, opts: { checkYear?: number; log?: (line: string) => void } = {}): Promise<RunResult[]> {
  const { rows } = await pool.query<{ year: number | null; present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM app.dataset WHERE id = $1) AS present,
            (SELECT max(check_year) FROM app.import_run WHERE dataset_id = $1 AND status = 'succeeded') AS year`, [DEFAULT_DATASET_ID]);
  if (!rows[0].present) {
    throw new RangeError(`the sample ledgers belong to the default city "${DEFAULT_DATASET_ID}", which is not loaded: run \`npm run import -- default\` first`);
  }
  const checkYear = opts.checkYear ?? rows[0].year ?? new Date().getFullYear();
  return importSampleLedgers(pool, { log: opts.log, checkYear });
}

