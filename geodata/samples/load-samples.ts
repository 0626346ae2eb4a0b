/**
 * The project's own sample ledgers for the default city (central Nanjing, 新街口—总统府—朝天宫).
 * Invented for the demo (see nanjing/README.md): every row lands in dataset 'nanjing-sample'
 * with is_sample = true, shown as 示例数据 — never official data.
 *
 * Order matters: admin units before estates (estates link to the community containing them),
 * historic districts before their zones and sites. Run it after the OSM import so estates given
 * as points can take an OSM residential landuse polygon as footprint; without landuse they get
 * 60 m circles (props.geometry_approx = true) and the import still succeeds.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { DatasetRef, RunResult } from '../import-run.ts';
import { importLedger } from '../ledger/import-ledger.ts';

export const SAMPLE_DATASET: DatasetRef = Object.freeze({
  id: 'nanjing-sample',
  name: '示例数据（南京核心区）',
  licence: 'CC0-1.0 (made by the CityCheck project for the demo)',
  attribution: 'CityCheck 示例数据 — invented sample data, not official',
  isSample: true,
  cityId: 'nanjing-core',
});

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'nanjing');

/** The sample files in load order: [layer, file, declared CRS]. */
export const SAMPLE_FILES: ReadonlyArray<readonly [layer: string, file: string, crs: string]> = Object.freeze([
  ['admin_unit', 'admin-units.geojson', 'wgs84'],
  ['heritage_district', 'heritage-districts.geojson', 'wgs84'],
  ['heritage_zone', 'heritage-zones.geojson', 'wgs84'],
  ['heritage_site', 'heritage-sites.geojson', 'wgs84'],
  ['estate', 'estates-gcj02.csv', 'gcj02'],
  ['waterlogging_point', 'waterlogging-gcj02.csv', 'gcj02'],
] as const);

/**
 * Imports every sample ledger (idempotent: a second call updates the same rows).
 * @param opts.checkYear check year of the rows (default: the current year)
 * @returns one run result per file, in load order
 */
export async function importSampleLedgers(pool: pg.Pool, opts: { log?: (msg: string) => void; checkYear?: number } = {}): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const [layer, file, crs] of SAMPLE_FILES) {
    results.push(await importLedger(pool, {
      layer, file: path.join(DIR, file), crs, dataset: SAMPLE_DATASET, kind: 'sample',
      checkYear: opts.checkYear ?? new Date().getFullYear(), log: opts.log,
    }));
  }
  return results;
}
