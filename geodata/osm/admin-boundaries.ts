/**
 * Admin units from boundary=administrative relations. admin_level → app.admin_unit.level comes
 * from the dataset definition (China: 6 → district 区, 8 → subdistrict 街道; Liechtenstein:
 * 2 → city (the country), 8 → district (the 11 municipalities)).
 *
 * Extracts cut relations: osm2pgsql then gives no polygon. Such a relation is closed honestly
 * against the data frame (the clip bbox, else the extent of the loaded ways): its member ways that
 * are present are polygonised together with the frame outline, and the faces holding the
 * relation's label/admin_centre node form the unit (props.partial = true, with a warning). A
 * relation whose label node lies outside the frame cannot be placed and is skipped with a warning.
 */
import type pg from 'pg';
import type { ImportIssue } from '../import-run.ts';
import { q, type StagingTables } from './run-osm2pgsql.ts';
import type { LayerUpsert } from './upsert-layer.ts';

export type AdminLevelMap = Record<string, 'city' | 'district' | 'subdistrict' | 'community'>;

/** Fills the missing geometries of incomplete relations in staging; returns the warnings. */
export async function closeIncompleteBoundaries(pool: pg.Pool, s: StagingTables, levels: AdminLevelMap, bbox?: [number, number, number, number]): Promise<ImportIssue[]> {
  const issues: ImportIssue[] = [];
  await pool.query(`ALTER TABLE ${q(s.boundary)} ADD COLUMN IF NOT EXISTS partial boolean NOT NULL DEFAULT false`);
  const frameSql = bbox ? `ST_MakeEnvelope($2, $3, $4, $5, 4326)` : `(SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4326) FROM ${q(s.line)})`;
  const { rows } = await pool.query(`
    WITH frame AS (SELECT ${frameSql} AS g),
    todo AS (SELECT b.osm_id, b.way_ids, b.label_node_ids FROM ${q(s.boundary)} b
             WHERE b.geom IS NULL AND b.tags->>'admin_level' = ANY($1::text[])),
    lines AS (
      SELECT t.osm_id, ST_Intersection(l.geom, f.g) AS g FROM todo t JOIN ${q(s.line)} l ON l.osm_id = ANY(t.way_ids), frame f
      UNION ALL SELECT t.osm_id, ST_Boundary(f.g) FROM todo t, frame f
    ),
    faces AS (
      SELECT osm_id, (ST_Dump(ST_Polygonize(g))).geom AS face FROM (SELECT osm_id, ST_Union(g) AS g FROM lines GROUP BY osm_id) u GROUP BY osm_id
    ),
    chosen AS (
      SELECT f.osm_id, ST_Multi(ST_Union(f.face)) AS geom FROM faces f JOIN todo t USING (osm_id)
      WHERE EXISTS (SELECT 1 FROM ${q(s.point)} p WHERE p.osm_id = ANY(t.label_node_ids) AND ST_Intersects(f.face, p.geom))
      GROUP BY f.osm_id
    )
    UPDATE ${q(s.boundary)} b SET geom = c.geom, partial = true FROM chosen c WHERE b.osm_id = c.osm_id
    RETURNING b.osm_id, b.tags->>'name' AS name`, [Object.keys(levels), ...(bbox ?? [])]);
  for (const r of rows) {
    issues.push({ field: `r${r.osm_id}`, severity: 'warning', message: `boundary ${r.name ?? ''} is incomplete in this extract: closed against the data frame, polygon is partial` });
  }
  const skipped = await pool.query(`SELECT osm_id, tags->>'name' AS name FROM ${q(s.boundary)}
    WHERE geom IS NULL AND tags->>'admin_level' = ANY($1::text[])`, [Object.keys(levels)]);
  for (const r of skipped.rows) {
    issues.push({ field: `r${r.osm_id}`, severity: 'warning', message: `boundary ${r.name ?? ''} skipped: relation incomplete in this extract and its label point is outside the data` });
  }
  return issues;
}

export function adminUnitQuery(s: StagingTables, levels: AdminLevelMap): LayerUpsert {
  return {
    table: 'admin_unit',
    columns: ['level', 'code', 'name', 'name_en'],
    select: `
      SELECT 'r' || b.osm_id AS source_id, $4::jsonb->>(b.tags->>'admin_level') AS level,
        coalesce(b.tags->>'ref', b.tags->>'ISO3166-2') AS code, coalesce(b.tags->>'name', 'r' || b.osm_id) AS name,
        b.tags->>'name:en' AS name_en, b.tags || jsonb_build_object('partial', b.partial) AS props,
        ST_Multi(ST_CollectionExtract(b.geom, 3)) AS geom
      FROM ${q(s.boundary)} b
      WHERE b.geom IS NOT NULL AND b.tags->>'admin_level' = ANY($5::text[]) AND NOT ST_IsEmpty(ST_CollectionExtract(b.geom, 3))`,
    params: [JSON.stringify(levels), Object.keys(levels)],
  };
}

const RANK = `CASE level WHEN 'city' THEN 1 WHEN 'district' THEN 2 WHEN 'subdistrict' THEN 3 ELSE 4 END`;

/** Links each unit of the run to the smallest higher-level unit holding its point on surface. */
export async function linkAdminParents(client: pg.PoolClient, datasetId: string, checkYear: number): Promise<void> {
  await client.query(`
    UPDATE app.admin_unit c SET parent_id = (
      SELECT p.id FROM app.admin_unit p
      WHERE p.dataset_id = c.dataset_id AND p.check_year = c.check_year AND p.id <> c.id
        AND (${RANK.replace(/level/, 'p.level')}) < (${RANK.replace(/level/, 'c.level')})
        AND ST_Contains(p.geom, ST_PointOnSurface(c.geom))
      ORDER BY ST_Area(p.geom) LIMIT 1)
    WHERE c.dataset_id = $1 AND c.check_year = $2`, [datasetId, checkYear]);
}
