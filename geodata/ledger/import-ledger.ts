/**
 * importLedger: one city ledger file (CSV / XLSX / GeoJSON / SHP / GPKG) into one app.* layer.
 *
 * read → map headers → validate every row (issue list) → geometry to WGS-84 → stage + repair +
 * upsert in one transaction. Any error row rejects the whole file: nothing is written, the run is
 * recorded as 'rejected' and its report lands in app.import_error. Re-importing the same file
 * updates the same rows (upsert on dataset_id + source_id + check_year).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { geometryToWgs84, parseInputCrs, type Geometry, type InputCrs } from '../crs/to-wgs84.ts';
import { ImportRejectedError, finishRun, inImportTransaction, startRun, type DatasetRef, type ImportIssue, type RunResult } from '../import-run.ts';
import { checkGeometry, simplifyType } from './check-geometry.ts';
import type { LayerSpec } from './layer-spec.ts';
import { LedgerMappingError, emptyMapping, resolveMapping, type LedgerMapping } from './ledger-mapping.ts';
import { layerSpec } from './layers.ts';
import { loadLedger } from './load-ledger.ts';
import { headerWarnings, mapHeaders, mapRows, missingColumns, type HeaderMap, type LedgerRecord } from './map-row.ts';
import { LedgerFileError, readLedgerFile, type LedgerFormat, type LedgerTable } from './read-ledger-file.ts';

export interface ImportLedgerOptions {
  /** estate | waterlogging_point | heritage_district | heritage_zone | heritage_site | facility | admin_unit | green_space */
  layer: string;
  file: string;
  /** Default: from the extension. */
  format?: LedgerFormat;
  /** Declared CRS of the coordinates in the file: wgs84 | cgcs2000 | gcj02 | bd09 (spellings like "GCJ-02" accepted). */
  crs: InputCrs | string;
  /** A dataset, or the id of one (an unknown id is registered with its id as name, a known one keeps its name). */
  dataset: DatasetRef | string;
  /** Display name of the dataset; overrides the dataset's (stored) name. */
  datasetName?: string;
  /** The city (a dataset id with no city of its own) these ledgers belong to; a known dataset keeps its city. */
  cityId?: string;
  /** The planner's header → field mapping and value vocabularies (ledger-mapping.ts). */
  mapping?: LedgerMapping;
  /** Check year (体检年度) the rows belong to. */
  checkYear: number;
  /** XLSX sheet name, or the layer name inside a GeoPackage. Default: the first. */
  sheet?: string;
  /** Run kind recorded in app.import_run. Default 'ledger'. */
  kind?: 'ledger' | 'sample';
  /** Estates given as points: radius (metres) of the circular footprint. Default 60. */
  estateRadiusM?: number;
  /** Estates given as points: largest residential landuse polygon (m²) used as footprint. Default 100,000 (10 ha). */
  estateLanduseMaxM2?: number;
  /** Self-intersection repair accepted when area changes by at most this factor. Default 1.25. */
  repairAreaRatio?: number;
  log?: (msg: string) => void;
}

/** A --city that names no city in the database. */
export class UnknownCityError extends Error {
  readonly code = 'UNKNOWN_CITY';
  constructor(readonly cityId: string, cities: string[]) {
    super(`unknown city "${cityId}" (城市不存在); cities: ${cities.join(', ') || 'none yet (import one first)'}`);
  }
}

/**
 * The dataset to import into. A known id keeps its stored name and city unless `name` / `cityId`
 * are given, so a re-import never undoes a rename or detaches the ledger from its city.
 */
export async function resolveDataset(pool: pg.Pool, d: DatasetRef | string, name?: string, cityId?: string): Promise<DatasetRef> {
  if (cityId !== undefined) {
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM app.dataset WHERE city_id IS NULL ORDER BY id`);
    if (!rows.some((r) => r.id === cityId)) throw new UnknownCityError(cityId, rows.map((r) => r.id));
  }
  const over = (ref: DatasetRef): DatasetRef => ({ ...ref, ...(name ? { name } : {}), ...(cityId ? { cityId } : {}) });
  if (typeof d !== 'string') return over(d);
  const { rows } = await pool.query(`SELECT id, name, source, licence, attribution, is_sample, city_id FROM app.dataset WHERE id = $1`, [d]);
  const r = rows[0];
  return over(r ? { id: r.id, name: r.name, source: r.source ?? undefined, licence: r.licence ?? undefined, attribution: r.attribution ?? undefined, isSample: r.is_sample, cityId: r.city_id ?? undefined } : { id: d, name: d });
}

/** Facility types by code, Chinese and English name, plus the mapping's vocabulary (checked against the codes). */
async function facilityTypeLookup(pool: pg.Pool, vocabulary: Record<string, string>): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ code: string; name_zh: string; name_en: string }>(`SELECT code, name_zh, name_en FROM app.facility_type`);
  const m = new Map<string, string>();
  for (const r of rows) for (const k of [r.code, r.name_zh, r.name_en.toLowerCase()]) m.set(k, r.code);
  const codes = new Set(rows.map((r) => r.code));
  const bad = Object.entries(vocabulary).filter(([, code]) => !codes.has(code));
  if (bad.length) {
    throw new LedgerMappingError(`values: facility types ${bad.map(([s, c]) => `"${s}" → "${c}"`).join(', ')} name no facility type code (codes: ${[...codes].join(', ')})`);
  }
  for (const [src, code] of Object.entries(vocabulary)) { m.set(src, code); m.set(src.toLowerCase(), code); }
  return m;
}

/** WKT cells → GeoJSON through PostGIS (internal.ledger_wkt_to_geojson); unparsable ones become row issues. */
async function resolveWkt(pool: pg.Pool, records: LedgerRecord[], issues: ImportIssue[]): Promise<LedgerRecord[]> {
  const withWkt = records.filter((r) => r.wkt !== undefined);
  if (withWkt.length === 0) return records;
  const { rows } = await pool.query<{ g: string | null }>(
    `SELECT internal.ledger_wkt_to_geojson(w) AS g FROM unnest($1::text[]) WITH ORDINALITY AS t(w, i) ORDER BY i`, [withWkt.map((r) => r.wkt)]);
  const bad = new Set<number>();
  withWkt.forEach((r, i) => {
    const g = rows[i].g;
    if (g) r.geometry = JSON.parse(g) as Geometry;
    else {
      bad.add(r.row);
      issues.push({ row: r.row, field: 'WKT', message: `WKT does not parse (WKT 格式错误): ${String(r.wkt).slice(0, 60)}`, severity: 'error' });
    }
  });
  return records.filter((r) => !bad.has(r.row));
}

/** Type/range checks in the declared CRS, then every vertex converted to WGS-84. */
function toWgs84Records(records: LedgerRecord[], spec: ReturnType<typeof layerSpec>, crs: InputCrs, issues: ImportIssue[]): LedgerRecord[] {
  const ok: LedgerRecord[] = [];
  for (const r of records) {
    const g = simplifyType(r.geometry as Geometry);
    const gi = checkGeometry(g, spec, r.row);
    if (gi.length) issues.push(...gi);
    else ok.push({ ...r, geometry: geometryToWgs84(g, crs) });
  }
  return ok;
}

/** A ledger read, mapped, validated and converted to WGS-84, not yet staged. */
export interface PreparedLedger {
  spec: LayerSpec;
  table: LedgerTable;
  map: HeaderMap;
  /** Valid rows, geometry in WGS-84. */
  records: LedgerRecord[];
  /** Column warnings, then row errors and warnings. */
  issues: ImportIssue[];
  /** Set when the file as a whole cannot be imported (required columns missing); `issues` says which. */
  fileError?: string;
}

/** Layer spec with the mapping's vocabularies, the resolved mapping and the facility lookup: checked before any write. */
export async function resolveLedgerInputs(pool: pg.Pool, o: Pick<ImportLedgerOptions, 'layer' | 'mapping'>) {
  const mapping = resolveMapping(o.mapping ?? emptyMapping(), layerSpec(o.layer));
  const facilityTypes = mapping.spec.layer === 'facility' ? await facilityTypeLookup(pool, mapping.facilityVocabulary) : undefined;
  return { mapping, spec: mapping.spec, facilityTypes };
}

/**
 * Reads, maps and validates a ledger file and converts its geometry; writes nothing.
 * Missing required columns give `fileError` and no records.
 * @throws LedgerFileError for an unreadable or empty file.
 */
export async function prepareLedger(pool: pg.Pool, o: ImportLedgerOptions, inputs: Awaited<ReturnType<typeof resolveLedgerInputs>>, crs: InputCrs, seen: { rowsIn: number } = { rowsIn: 0 }): Promise<PreparedLedger> {
  const { spec, mapping, facilityTypes } = inputs;
  const table = await readLedgerFile(o.file, o.format, o.sheet);
  seen.rowsIn = table.rows.length;
  o.log?.(`${spec.layer}: read ${table.rows.length} rows from ${path.basename(o.file)}${table.encoding ? ` (${table.encoding})` : ''}`);
  const map = mapHeaders(table.headers, spec, mapping);
  const missing = missingColumns(map, spec, table);
  if (missing.length) {
    return { spec, table, map, records: [], fileError: `Missing required columns (缺少必需列): ${missing.join('; ')}. Found columns (文件中的列): ${table.headers.join(', ')}`,
      issues: missing.map((m) => ({ field: m.split(' (')[0], message: `missing column (缺少列): ${m}`, severity: 'error' as const })) };
  }
  const { records, issues } = mapRows(table, spec, map, facilityTypes);
  const all = [...headerWarnings(map, spec), ...issues];
  const converted = toWgs84Records(await resolveWkt(pool, records, all), spec, crs, all);
  return { spec, table, map, records: converted, issues: all };
}

function rejectedRows(issues: ImportIssue[]): number {
  return new Set(issues.filter((i) => i.severity === 'error').map((i) => i.row ?? 0)).size;
}

/**
 * Imports one ledger file into its layer table; see {@link ImportLedgerOptions}.
 * Geometry is stored in EPSG:4326 after conversion from the declared CRS.
 *
 * @throws ImportRejectedError with the row-level report (and runId) when any row, or the file, is invalid.
 * @example await importLedger(pool, { layer: 'estate', file: 'estates.csv', crs: 'gcj02', dataset: 'nanjing-ledger', checkYear: 2026 })
 */
export async function importLedger(pool: pg.Pool, o: ImportLedgerOptions): Promise<RunResult> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const inputs = await resolveLedgerInputs(pool, o);
  const spec = inputs.spec;
  const crs = parseInputCrs(o.crs);
  const dataset = await resolveDataset(pool, o.dataset, o.datasetName, o.cityId);
  const bytes = await fs.readFile(o.file).catch(() => null);
  const runId = await startRun(pool, {
    dataset, kind: o.kind ?? 'ledger', layer: spec.layer, source: path.resolve(o.file), checkYear: o.checkYear,
    fileSha256: bytes ? createHash('sha256').update(bytes).digest('hex') : undefined,
    params: { crs, format: o.format ?? null, sheet: o.sheet ?? null, ...(o.mapping ? { mapping: o.mapping } : {}) },
  });
  const seen = { rowsIn: 0 };
  try {
    const { records: converted, issues, fileError } = await prepareLedger(pool, o, inputs, crs, seen);
    const rowsIn = seen.rowsIn;
    if (fileError) throw new ImportRejectedError(fileError, issues);
    if (issues.some((i) => i.severity === 'error')) {
      throw new ImportRejectedError(`${rejectedRows(issues)} of ${rowsIn} rows have errors; nothing was imported (存在错误行，整个文件未导入)`, issues);
    }
    const result = await inImportTransaction(pool, runId, async (client) => {
      const r = await loadLedger(client, spec, converted, {
        datasetId: dataset.id, runId, checkYear: o.checkYear, isSample: dataset.isSample ?? false,
        estateRadiusM: o.estateRadiusM ?? 60, estateLanduseMaxM2: o.estateLanduseMaxM2 ?? 100_000, repairAreaRatio: o.repairAreaRatio ?? 1.25,
      });
      if (r.issues.some((i) => i.severity === 'error')) {
        throw new ImportRejectedError(`${rejectedRows(r.issues)} of ${rowsIn} rows have invalid geometry; nothing was imported (几何错误，整个文件未导入)`, [...issues, ...r.issues]);
      }
      return r;
    }, () => ({ tables: [`app.${spec.table}`] }));
    const counts = { [`app.${spec.table}`]: result.loaded };
    const warnings = [...issues, ...result.issues];
    await finishRun(pool, runId, { status: 'succeeded', rowsIn, rowsLoaded: result.loaded, rowsRejected: 0, counts, issues: warnings });
    log(`${spec.layer}: loaded ${result.loaded} rows${warnings.length ? `, ${warnings.length} warnings` : ''}`);
    return { runId, rowsIn, rowsLoaded: result.loaded, rowsRejected: 0, counts, issues: warnings, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    if (err instanceof ImportRejectedError || err instanceof LedgerFileError) {
      const issues = err instanceof ImportRejectedError ? err.issues : [{ message: err.message, severity: 'error' as const }];
      await finishRun(pool, runId, { status: 'rejected', rowsIn: seen.rowsIn, rowsLoaded: 0, rowsRejected: rejectedRows(issues), message: err.message, issues });
      throw new ImportRejectedError(err.message, issues, runId);
    }
    await finishRun(pool, runId, { status: 'failed', rowsIn: seen.rowsIn, message: (err as Error).message }).catch(() => {});
    throw err;
  }
}
