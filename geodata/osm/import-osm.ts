/**
 * importOsm: OSM file or URL → osm2pgsql staging → one promote transaction into the app layers.
 * Atomic (a failure leaves the app tables as before) and idempotent per dataset + check year.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type pg from 'pg';
import { type DatasetRef, type ImportIssue, ImportRejectedError, type RunResult, finishRun, inImportTransaction, startRun } from '../import-run.ts';
import { type AdminLevelMap, dropIncompleteBoundaries } from './admin-boundaries.ts';
import { oversizeResidentialIssues, resolveEstateMaxArea } from './estate-plausibility.ts';
import { resolveSource, SourceUnavailableError } from './fetch-source.ts';
import { promoteAll } from './promote.ts';
import { repairStaging } from './repair-staging.ts';
import { Osm2pgsqlError, q, runOsm2pgsql, stagingTables } from './run-osm2pgsql.ts';
import { buildWalkGraph, largestComponentShare, walkStagingTables } from './walk-network.ts';

export interface ImportOsmOptions {
  /** Path to .osm / .osm.pbf, or an http(s) URL (downloaded to a temp file). */
  source: string;
  /** Clip box, WGS-84 degrees: [minLon, minLat, maxLon, maxLat]. */
  bbox?: [number, number, number, number];
  dataset: DatasetRef;
  checkYear: number;
  /** admin_level → admin_unit.level; default China (6 → district, 8 → subdistrict). */
  adminLevels?: AdminLevelMap;
  /** Largest landuse=residential polygon taken as an estate (小区), m²; default: the city's, else the installation's setting osm_estate_max_area_m2 (50 ha). */
  estateMaxAreaM2?: number;
  /** libpq URL for osm2pgsql; default: the pool's connectionString. */
  databaseUrl?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Test hook, called inside the promote transaction after all writes (throw to test atomicity). */
  beforeCommit?: (client: pg.PoolClient) => Promise<void>;
}

export interface OsmImportResult extends RunResult {
  /** Share (0–1) of walk vertices in the largest connected component. */
  walkLargestComponentShare: number;
}

/** The promote step failed (database error); nothing was written. */
export class OsmPromoteError extends Error {
  readonly code = 'OSM_PROMOTE_FAILED';
  constructor(message: string, readonly runId: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const CHINA_ADMIN_LEVELS: AdminLevelMap = { '6': 'district', '8': 'subdistrict' };

/**
 * Imports an OSM extract into the app layers of `dataset` for `checkYear`.
 * @example await importOsm(pool, { source: '…/nanjing.osm.pbf', dataset: { id: 'nanjing-core', name: '南京' }, checkYear: 2026 })
 * @throws ImportRejectedError for unreadable input (missing, empty, truncated, not OSM, no objects)
 * @throws OsmPromoteError when the database refused the promote (nothing written)
 */
export async function importOsm(pool: pg.Pool, o: ImportOsmOptions): Promise<OsmImportResult> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  validateOptions(o);
  const estateMax = await resolveEstateMaxArea(pool, o.dataset.id, o.estateMaxAreaM2);
  const estateMaxAreaM2 = estateMax.value;
  const runId = await startRun(pool, { dataset: o.dataset, kind: 'osm', source: o.source, checkYear: o.checkYear, params: { bbox: o.bbox ?? null, estateMaxAreaM2: estateMax } });
  const reject = async (message: string, issues: ImportIssue[] = []): Promise<never> => {
    const all = [{ message, severity: 'error' as const }, ...issues];
    await finishRun(pool, runId, { status: 'rejected', message, issues: all });
    throw new ImportRejectedError(message, all, runId);
  };
  const s = stagingTables(runId);
  let cleanup = () => {};
  try {
    let file: string;
    try {
      ({ file, cleanup } = await resolveSource(o.source, { log, signal: o.signal }));
    } catch (err) {
      if (err instanceof SourceUnavailableError) return await reject(err.message);
      throw err;
    }
    if (fs.statSync(file).size === 0) return await reject(`the file is empty: ${o.source}`);
    const sha = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    await pool.query(`UPDATE app.import_run SET file_sha256 = $2 WHERE id = $1`, [runId, sha]);
    log(`osm2pgsql: loading ${o.source} into staging (run ${runId}) …`);
    try {
      await runOsm2pgsql({ file, databaseUrl: o.databaseUrl ?? databaseUrlOf(pool), runId, bbox: o.bbox, log, signal: o.signal });
    } catch (err) {
      if (err instanceof Osm2pgsqlError) return await reject(`not a readable OSM file (${o.source}): ${err.message}`);
      throw err;
    }
    const { rows } = await pool.query(`SELECT (SELECT count(*) FROM ${q(s.point)}) + (SELECT count(*) FROM ${q(s.line)}) + (SELECT count(*) FROM ${q(s.area)}) AS n`);
    const rowsIn = Number(rows[0].n);
    if (rowsIn === 0) return await reject(`no OSM objects found in ${o.source}${o.bbox ? ` inside bbox ${o.bbox.join(',')}` : ''}`);
    log(`staging: ${rowsIn} objects; repairing geometry and building the walking graph …`);
    const issues = [
      ...(await repairStaging(pool, s)),
      ...(await dropIncompleteBoundaries(pool, s, o.adminLevels ?? CHINA_ADMIN_LEVELS)),
      ...(await oversizeResidentialIssues(pool, s, estateMaxAreaM2)),
      ...(await buildWalkGraph(pool, s)),
    ];
    const ref = { datasetId: o.dataset.id, checkYear: o.checkYear, runId };
    let counts: Record<string, number>;
    try {
      counts = await inImportTransaction(pool, runId, async (client) => {
        const c = await promoteAll(client, ref, s, o.adminLevels ?? CHINA_ADMIN_LEVELS, log, { estateMaxAreaM2 });
        await o.beforeCommit?.(client);
        return c;
      }, (promoted) => ({ tables: Object.keys(promoted).map((t) => `app.${t}`), bbox: o.bbox ?? null }));
    } catch (err) {
      const message = `promote failed, nothing was written: ${(err as Error).message}`;
      await finishRun(pool, runId, { status: 'failed', rowsIn, message, issues: [{ message, severity: 'error' }, ...issues] });
      throw new OsmPromoteError(message, runId, { cause: err });
    }
    const cc = await largestComponentShare(pool, o.dataset.id, o.checkYear);
    log(`walking network: ${cc.vertices} vertices, ${cc.components} components, largest holds ${(cc.share * 100).toFixed(1)} %`);
    const rowsLoaded = Object.values(counts).reduce((a, b) => a + b, 0);
    // rows_rejected counts rejected rows only: a successful OSM run rejected none (skipped or repaired
    // objects are warnings in the report, not rejections).
    const rowsRejected = issues.filter((i) => i.severity === 'error').length;
    await finishRun(pool, runId, { status: 'succeeded', rowsIn, rowsLoaded, rowsRejected, counts: { ...counts }, issues,
      message: `walk largest component share ${cc.share.toFixed(4)}` });
    return { runId, rowsIn, rowsLoaded, rowsRejected, counts, issues, seconds: (performance.now() - t0) / 1000, walkLargestComponentShare: cc.share };
  } catch (err) {
    // Anything unexpected (osm2pgsql missing, a lost connection, an abort): the run is failed, not left running.
    if (!(err instanceof ImportRejectedError || err instanceof OsmPromoteError)) {
      await finishRun(pool, runId, { status: 'failed', message: (err as Error).message }).catch(() => {});
    }
    throw err;
  } finally {
    cleanup();
    const w = walkStagingTables(s);
    await pool.query(`DROP TABLE IF EXISTS ${[s.point, s.line, s.area, s.boundary, w.edge, w.vertex].map(q).join(', ')}`).catch(() => {});
  }
}

function validateOptions(o: ImportOsmOptions): void {
  if (!Number.isInteger(o.checkYear) || o.checkYear < 1900 || o.checkYear > 2200) throw new RangeError(`checkYear must be an integer 1900–2200, got ${o.checkYear}`);
  if (o.bbox) {
    const [a, b, c, d] = o.bbox;
    const ok = o.bbox.length === 4 && o.bbox.every(Number.isFinite) && a >= -180 && c <= 180 && b >= -90 && d <= 90 && a < c && b < d;
    if (!ok) throw new RangeError(`bbox must be minLon,minLat,maxLon,maxLat in WGS-84 degrees, got ${o.bbox.join(',')}`);
  }
}

/** The connection URL osm2pgsql should use, from the pool's own settings. */
export function databaseUrlOf(pool: pg.Pool): string {
  const opt = (pool as unknown as { options: pg.PoolConfig }).options;
  if (opt.connectionString) return opt.connectionString;
  const u = new URL('postgresql://localhost');
  u.hostname = String(opt.host ?? '127.0.0.1');
  if (opt.port) u.port = String(opt.port);
  if (opt.user) u.username = encodeURIComponent(opt.user);
  if (typeof opt.password === 'string') u.password = encodeURIComponent(opt.password);
  u.pathname = `/${opt.database ?? ''}`;
  return u.toString();
}
