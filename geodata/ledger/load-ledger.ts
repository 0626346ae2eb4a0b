/**
 * The SQL half of a ledger import, run inside the import transaction: rows go to a temporary
 * staging table, invalid polygons are repaired only when the repair keeps the drawn area, estates
 * given as points get a footprint, then one upsert promotes them into app.<table> and links them
 * to their parents (district, admin unit). Identifiers come only from the layer whitelist
 * (layers.ts) and are quoted; every value is a bound parameter.
 */
import type pg from 'pg';
import type { ImportIssue } from '../import-run.ts';
import type { LayerSpec } from './layer-spec.ts';
import type { LedgerRecord } from './map-row.ts';

export interface LoadOptions {
  datasetId: string;
  runId: number;
  checkYear: number;
  isSample: boolean;
  /** Radius (metres) of the circle used as an estate footprint when no residential landuse contains the point. */
  estateRadiusM: number;
  /** Largest residential landuse polygon (m²) taken as an estate footprint; bigger ones are districts, not 小区. */
  estateLanduseMaxM2: number;
  /** A repair is accepted when repaired area / drawn area lies within [1/ratio, ratio]. */
  repairAreaRatio: number;
}

export interface LoadResult {
  loaded: number;
  issues: ImportIssue[];
  bbox: [number, number, number, number] | null;
}

const q = (id: string): string => `"${id.replace(/"/g, '""')}"`;

async function stage(client: pg.PoolClient, records: LedgerRecord[]): Promise<void> {
  await client.query(`CREATE TEMP TABLE ledger_stage (
    row_number integer PRIMARY KEY, source_id text NOT NULL, attrs jsonb NOT NULL, props jsonb NOT NULL,
    geom geometry NOT NULL, raw jsonb) ON COMMIT DROP`);
  for (let i = 0; i < records.length; i += 500) {
    const batch = records.slice(i, i + 500).map((r) => ({ row_number: r.row, source_id: r.sourceId, attrs: r.attrs, props: r.props, geom: JSON.stringify(r.geometry), raw: r.raw }));
    await client.query(
      `INSERT INTO ledger_stage (row_number, source_id, attrs, props, geom, raw)
       SELECT x.row_number, x.source_id, x.attrs, x.props, ST_SetSRID(ST_GeomFromGeoJSON(x.geom), 4326), x.raw
       FROM jsonb_to_recordset($1::jsonb) AS x(row_number integer, source_id text, attrs jsonb, props jsonb, geom text, raw jsonb)`,
      [JSON.stringify(batch)],
    );
  }
}

/**
 * Invalid geometries: ST_MakeValid, keep the polygonal part, and accept it only when it is a
 * valid, non-empty polygon whose planar area is within `ratio` of the drawn (shoelace) area — a
 * bow-tie's lobes cancel in the shoelace sum, so a repair that invents area is refused.
 */
async function repairInvalid(client: pg.PoolClient, ratio: number): Promise<ImportIssue[]> {
  const { rows } = await client.query<{ row_number: number; reason: string; ok: boolean; drawn_m2: number | null; repaired_m2: number | null }>(
    `WITH bad AS (
       SELECT row_number, geom, ST_IsValidReason(geom) AS reason,
              ST_CollectionExtract(ST_MakeValid(geom), 3) AS fixed
       FROM ledger_stage WHERE NOT ST_IsValid(geom)
     ), judged AS (
       SELECT b.*, ST_Area(b.geom) AS drawn, ST_Area(b.fixed) AS got,
              (GeometryType(b.geom) IN ('POLYGON', 'MULTIPOLYGON') AND NOT ST_IsEmpty(b.fixed) AND ST_IsValid(b.fixed)
               AND ST_Area(b.geom) > 0 AND ST_Area(b.fixed) / ST_Area(b.geom) BETWEEN 1 / $1::float8 AND $1::float8) AS ok
       FROM bad b
     ), upd AS (
       UPDATE ledger_stage s SET geom = j.fixed, props = s.props || '{"geometry_repaired": true}'
       FROM judged j WHERE j.ok AND s.row_number = j.row_number
     )
     SELECT row_number, reason, ok,
            round(ST_Area(ST_SetSRID(geom, 4326)::geography)::numeric)::float8 AS drawn_m2,
            CASE WHEN NOT ST_IsEmpty(fixed) THEN round(ST_Area(fixed::geography)::numeric)::float8 END AS repaired_m2
     FROM judged ORDER BY row_number`,
    [ratio],
  );
  return rows.map((r) => (r.ok
    ? { row: r.row_number, field: 'geometry', severity: 'warning' as const, message: `invalid geometry repaired with ST_MakeValid (几何已自动修复): ${r.reason}; area ${r.repaired_m2} m²` }
    : { row: r.row_number, field: 'geometry', severity: 'error' as const, message: `invalid geometry that cannot be repaired safely (几何无效且无法可靠修复): ${r.reason}; drawn area ${r.drawn_m2 ?? 0} m², repaired area ${r.repaired_m2 ?? 0} m² — please fix the polygon` }));
}

/** Estates given as points: the smallest residential landuse containing the point, else a metric circle. */
async function estateFootprints(client: pg.PoolClient, radiusM: number, maxLanduseM2: number): Promise<void> {
  await client.query(
    `WITH f AS (
       SELECT s.row_number, s.geom AS pt,
              (SELECT l.geom FROM app.base_landuse l
               WHERE l.kind = 'residential' AND ST_Covers(l.geom, s.geom) AND ST_Area(l.geom::geography) <= $2
               ORDER BY ST_Area(l.geom) LIMIT 1) AS landuse
       FROM ledger_stage s WHERE GeometryType(s.geom) = 'POINT'
     )
     UPDATE ledger_stage s
     SET geom = coalesce(f.landuse, ST_Buffer(f.pt::geography, $1, 'quad_segs=16')::geometry),
         props = s.props || jsonb_build_object(
           'geometry_approx', true,
           'footprint_source', CASE WHEN f.landuse IS NULL THEN 'circle' ELSE 'residential_landuse' END,
           'footprint_radius_m', CASE WHEN f.landuse IS NULL THEN $1::float8 END,
           'input_point', ST_AsGeoJSON(f.pt, 7)::jsonb)
     FROM f WHERE f.row_number = s.row_number`,
    [radiusM, maxLanduseM2],
  );
}

async function upsert(client: pg.PoolClient, spec: LayerSpec, o: LoadOptions): Promise<number> {
  const cols = spec.fields.filter((f) => f.column !== false).map((f) => f.field);
  const t = `app.${q(spec.table)}`;
  const geomExpr = spec.geometry === 'polygon' ? 'ST_Multi(s.geom)' : 's.geom';
  const sql = `
    INSERT INTO ${t} (${cols.map(q).join(', ')}, geom, dataset_id, source_id, import_run_id, check_year, is_sample, props, updated_at)
    SELECT ${cols.map((c) => `r.${q(c)}`).join(', ')}, ${geomExpr}, $1, s.source_id, $2, $3, $4, s.props, now()
    FROM ledger_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, s.attrs) r
    ON CONFLICT (dataset_id, source_id, check_year) DO UPDATE SET
      ${cols.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')}, geom = EXCLUDED.geom,
      import_run_id = EXCLUDED.import_run_id, is_sample = EXCLUDED.is_sample, props = EXCLUDED.props, updated_at = now()`;
  const res = await client.query(sql, [o.datasetId, o.runId, o.checkYear, o.isSample]);
  return res.rowCount ?? 0;
}

/** Parent links resolved after the upsert: by the given name first, else spatially (smallest container). */
const LINKS: Record<string, string> = {
  heritage_zone: `UPDATE app.heritage_zone z SET district_id = coalesce(
      (SELECT d.id FROM app.heritage_district d WHERE d.name = z.props->>'district_name'
       ORDER BY (d.dataset_id = z.dataset_id) DESC, (d.check_year = z.check_year) DESC, d.id DESC LIMIT 1),
      (SELECT d.id FROM app.heritage_district d WHERE ST_Covers(d.geom, ST_PointOnSurface(z.geom))
       ORDER BY (d.dataset_id = z.dataset_id) DESC, (d.check_year = z.check_year) DESC, ST_Area(d.geom) LIMIT 1))
    WHERE z.import_run_id = $1`,
  heritage_site: `UPDATE app.heritage_site z SET district_id = coalesce(
      (SELECT d.id FROM app.heritage_district d WHERE d.name = z.props->>'district_name'
       ORDER BY (d.dataset_id = z.dataset_id) DESC, (d.check_year = z.check_year) DESC, d.id DESC LIMIT 1),
      (SELECT d.id FROM app.heritage_district d WHERE ST_Covers(d.geom, ST_PointOnSurface(z.geom))
       ORDER BY (d.dataset_id = z.dataset_id) DESC, (d.check_year = z.check_year) DESC, ST_Area(d.geom) LIMIT 1))
    WHERE z.import_run_id = $1`,
  admin_unit: `WITH rank(level, n) AS (VALUES ('city', 1), ('district', 2), ('subdistrict', 3), ('community', 4))
    UPDATE app.admin_unit u SET parent_id = coalesce(
      (SELECT p.id FROM app.admin_unit p JOIN rank pr ON pr.level = p.level JOIN rank ur ON ur.level = u.level
       WHERE pr.n < ur.n AND (p.name = u.props->>'parent_name' OR p.code = u.props->>'parent_name')
       ORDER BY (p.dataset_id = u.dataset_id) DESC, (p.check_year = u.check_year) DESC, pr.n DESC LIMIT 1),
      (SELECT p.id FROM app.admin_unit p JOIN rank pr ON pr.level = p.level JOIN rank ur ON ur.level = u.level
       WHERE pr.n < ur.n AND ST_Covers(p.geom, ST_PointOnSurface(u.geom))
       ORDER BY (p.dataset_id = u.dataset_id) DESC, (p.check_year = u.check_year) DESC, pr.n DESC LIMIT 1))
    WHERE u.import_run_id = $1`,
  estate: `UPDATE app.estate e SET admin_unit_id = (
      SELECT a.id FROM app.admin_unit a WHERE ST_Covers(a.geom, ST_PointOnSurface(e.geom))
      ORDER BY (a.check_year = e.check_year) DESC, (a.level = 'community') DESC, ST_Area(a.geom) LIMIT 1)
    WHERE e.import_run_id = $1`,
};

/**
 * The staging half, which writes only the transaction's temporary table: stage, repair invalid
 * polygons, derive estate footprints. Returns the repair issues; errors mean the file is rejected.
 * `--check` runs exactly this in a transaction it rolls back.
 */
export async function stageLedger(client: pg.PoolClient, spec: LayerSpec, records: LedgerRecord[], o: Pick<LoadOptions, 'estateRadiusM' | 'estateLanduseMaxM2' | 'repairAreaRatio'>): Promise<ImportIssue[]> {
  await stage(client, records);
  const issues = await repairInvalid(client, o.repairAreaRatio);
  if (issues.some((i) => i.severity === 'error')) return issues;
  if (spec.pointFootprint) await estateFootprints(client, o.estateRadiusM, o.estateLanduseMaxM2);
  return issues;
}

/** A staged row as it would land: key, parsed columns, props and the final geometry (WGS-84). */
export interface StagedRow {
  row: number;
  sourceId: string;
  attrs: Record<string, unknown>;
  props: Record<string, unknown>;
  geometryType: string;
  /** WKT of a point, else the centroid of the shape, 6 decimals. */
  where: string;
  /** Vertex count and area (m², on the spheroid) of a polygon; null for points. */
  vertices: number;
  areaM2: number | null;
}

/** The first `limit` staged rows (after repair and footprints), in file order. */
export async function previewStaged(client: pg.PoolClient, limit: number): Promise<StagedRow[]> {
  const { rows } = await client.query<{ row_number: number; source_id: string; attrs: Record<string, unknown>; props: Record<string, unknown>; t: string; w: string; n: number; a: number | null }>(
    `SELECT row_number, source_id, attrs, props, GeometryType(geom) AS t,
            ST_AsText(CASE WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_Centroid(geom) END, 6) AS w,
            ST_NPoints(geom) AS n,
            CASE WHEN GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON') THEN round(ST_Area(geom::geography)::numeric)::float8 END AS a
     FROM ledger_stage ORDER BY row_number LIMIT $1`, [limit]);
  return rows.map((r) => ({ row: r.row_number, sourceId: r.source_id, attrs: r.attrs, props: r.props, geometryType: r.t, where: r.w, vertices: r.n, areaM2: r.a }));
}

/**
 * Stages, repairs, derives footprints and upserts `records` (geometry already in WGS-84).
 * Returns error issues (the caller rolls back) or the loaded count with warnings.
 */
export async function loadLedger(client: pg.PoolClient, spec: LayerSpec, records: LedgerRecord[], o: LoadOptions): Promise<LoadResult> {
  const issues = await stageLedger(client, spec, records, o);
  if (issues.some((i) => i.severity === 'error')) return { loaded: 0, issues, bbox: null };
  const loaded = await upsert(client, spec, o);
  const link = Object.hasOwn(LINKS, spec.table) ? LINKS[spec.table] : undefined;
  if (link) await client.query(link, [o.runId]);
  const { rows } = await client.query<{ b: number[] | null }>(
    `SELECT CASE WHEN e IS NOT NULL THEN ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] END AS b
     FROM (SELECT ST_Extent(geom) AS e FROM ledger_stage) x`,
  );
  const b = rows[0]?.b;
  return { loaded, issues, bbox: b ? [b[0], b[1], b[2], b[3]] : null };
}
