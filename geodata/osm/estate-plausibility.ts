/**
 * Which landuse=residential polygons are plausible estates (小区). OSM maps residential land at
 * every scale, from one compound to a whole quarter; a polygon larger than the maximum stays
 * residential land (app.base_landuse, the target of 公园绿地服务半径覆盖率) but is not taken as one 小区.
 *
 * Default 50 ha: GB 50180-2018 builds residential areas from 居住街坊 of about 250 m × 250 m (≈ 6 ha)
 * and gives a whole 十分钟生活圈居住区 — 15,000–25,000 residents with its own roads, facilities and
 * park — about 32–50 ha (indicators.md §5.1, CONFIRMED [S23]). One estate larger than an entire
 * 10-minute life circle is a mapped neighbourhood, not a 小区 (one of 282 ha became a 小区 before).
 * Configurable: the import option, else the city's setting `osm_estate_max_area_m2` (app.dataset_setting),
 * else the installation's (app.setting, migration 100).
 */
import type pg from 'pg';
import type { ImportIssue } from '../import-run.ts';
import { areaSourceId, q, type StagingTables } from './run-osm2pgsql.ts';

/** The app.setting key holding the maximum estate area in m². */
export const ESTATE_MAX_AREA_SETTING = 'osm_estate_max_area_m2';
/** Used when neither the import nor app.setting says otherwise: 50 ha, in m² (geodesic). */
export const DEFAULT_ESTATE_MAX_AREA_M2 = 500_000;

const valid = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** The maximum in force for one import, and where it came from (as analysis runs report theirs). */
export interface EstateMaxArea {
  value: number;
  origin: 'request' | 'city' | 'default';
}

/**
 * The maximum estate area (m², geodesic) for an import into `datasetId`: `override` (the import
 * option) when given, else the city's setting (app.dataset_setting), else the installation's
 * (app.setting), else the built-in default.
 * @throws RangeError when the override or a stored setting is not a positive finite number
 */
export async function resolveEstateMaxArea(pool: pg.Pool, datasetId: string, override?: number): Promise<EstateMaxArea> {
  if (override !== undefined) {
    if (!valid(override)) throw new RangeError(`estateMaxAreaM2 must be a positive number of square metres, got ${override}`);
    return { value: override, origin: 'request' };
  }
  const { rows } = await pool.query<{ scope: 'city' | 'installation'; value: unknown }>(`
    SELECT 'city' AS scope, value FROM app.dataset_setting WHERE dataset_id = $1 AND key = $2
    UNION ALL SELECT 'installation', value FROM app.setting WHERE key = $2
    ORDER BY 1`, [datasetId, ESTATE_MAX_AREA_SETTING]);
  if (!rows.length) return { value: DEFAULT_ESTATE_MAX_AREA_M2, origin: 'default' };
  const { scope, value } = rows[0];
  const where = scope === 'city' ? `app.dataset_setting ${ESTATE_MAX_AREA_SETTING} of ${datasetId}` : `app.setting ${ESTATE_MAX_AREA_SETTING}`;
  if (!valid(value)) throw new RangeError(`${where} must be a positive number of square metres, got ${JSON.stringify(value)}`);
  return { value, origin: scope === 'city' ? 'city' : 'default' };
}

/** One warning per landuse=residential polygon kept as land only, naming it with its area in ha. */
export async function oversizeResidentialIssues(pool: pg.Pool, s: StagingTables, maxAreaM2: number): Promise<ImportIssue[]> {
  const { rows } = await pool.query<{ id: string; name: string | null; ha: number }>(`
    SELECT ${areaSourceId('a')} AS id, a.tags->>'name' AS name, ST_Area(a.geom::geography) / 10000 AS ha
    FROM ${q(s.area)} a WHERE a.tags->>'landuse' = 'residential' AND ST_Area(a.geom::geography) > $1
    ORDER BY 1`, [maxAreaM2]);
  return rows.map((r) => ({
    field: r.id, severity: 'warning' as const,
    message: `landuse=residential ${r.name ?? ''}${r.name ? ' ' : ''}(${r.id}, ${r.ha.toFixed(1)} ha) kept as residential land, not as one estate (小区): larger than the ${(maxAreaM2 / 10000).toFixed(1)} ha estate maximum`,
  }));
}

