/**
 * Admin units from boundary=administrative relations. admin_level → app.admin_unit.level comes
 * from the dataset definition (China: 6 → district 区, 8 → subdistrict 街道; Liechtenstein:
 * 2 → city (the country), 8 → district (the 11 municipalities)).
 *
 * Only complete rings become units. An extract cuts the relations that cross its edge: member ways
 * are missing from the file (Overpass and Geofabrik extracts), or present with nodes missing
 * (`osm2pgsql --bbox`). Such a relation is left out with a warning that names it, rather than being
 * closed against the extract's frame: closed that way, central Nanjing's 玄武区 became a 573 km²
 * polygon (the real district is about 75 km²) holding every estate of 秦淮区 as well, and Swiss and
 * Austrian municipalities swallowed estates of Liechtenstein. An estate then lies in the right unit
 * or in none; a city's own ledgers (示例数据 in the default city) supply the 街道/社区 OSM lacks.
 */
import type pg from 'pg';
import type { ImportIssue } from '../import-run.ts';
import { q, type StagingTables } from './run-osm2pgsql.ts';
import type { LayerUpsert } from './upsert-layer.ts';

export type AdminLevelMap = Record<string, 'city' | 'district' | 'subdistrict' | 'community'>;

/**
 * Deletes from staging every mapped boundary relation that is not a complete ring in this file and
 * returns one warning per relation left out (field `r<id>`, message with its name and admin_level).
 *
 * Complete: every member way is in the line table (citycheck-flex.lua loads all member ways of
 * boundary relations) with as many points as node ids, and osm2pgsql assembled a polygon from
 * them. A way whose nodes include two consecutive ones at the same location also has fewer points
 * than ids; such a boundary is left out too (rare: none of Liechtenstein's 41,000 ways has one).
 */
export async function dropIncompleteBoundaries(pool: pg.Pool, s: StagingTables, levels: AdminLevelMap): Promise<ImportIssue[]> {
  const { rows } = await pool.query<{ osm_id: string; name: string | null; admin_level: string; ways: number; whole: number; ring: boolean }>(`
    WITH member AS (
      SELECT DISTINCT b.osm_id, w.way_id FROM ${q(s.boundary)} b CROSS JOIN unnest(b.way_ids) AS w(way_id)
      WHERE b.tags->>'admin_level' = ANY($1::text[])
    ), tally AS (
      SELECT m.osm_id, count(*)::int AS ways,
        count(l.osm_id) FILTER (WHERE ST_NPoints(l.geom) = cardinality(l.nodes))::int AS whole
      FROM member m LEFT JOIN ${q(s.line)} l ON l.osm_id = m.way_id GROUP BY m.osm_id
    )
    DELETE FROM ${q(s.boundary)} b USING (
      SELECT b.osm_id, coalesce(t.ways, 0) AS ways, coalesce(t.whole, 0) AS whole, b.geom IS NOT NULL AS ring
      FROM ${q(s.boundary)} b LEFT JOIN tally t USING (osm_id) WHERE b.tags->>'admin_level' = ANY($1::text[])
    ) c
    WHERE b.osm_id = c.osm_id AND (c.whole < c.ways OR c.ways = 0 OR NOT c.ring)
    RETURNING b.osm_id, b.tags->>'name' AS name, b.tags->>'admin_level' AS admin_level, c.ways, c.whole, c.ring`,
  [Object.keys(levels)]);
  return rows
    .sort((a, b) => Number(a.osm_id) - Number(b.osm_id))
    .map((r) => {
      const what = `boundary ${r.name ?? '(unnamed)'} (relation r${r.osm_id}, admin_level ${r.admin_level}) left out`;
      const why = r.ways === 0 ? 'it has no member ways'
        : r.whole < r.ways ? `incomplete in this extract, cut by its edge: ${r.whole} of ${r.ways} member ways are in the file with all their nodes`
        : 'its member ways do not close into a ring';
      return { field: `r${r.osm_id}`, severity: 'warning' as const, message: `${what}: ${why}; admin units are made from complete rings only` };
    });
}

export function adminUnitQuery(s: StagingTables, levels: AdminLevelMap): LayerUpsert {
  return {
    table: 'admin_unit',
    columns: ['level', 'code', 'name', 'name_en'],
    select: `
      SELECT 'r' || b.osm_id AS source_id, $4::jsonb->>(b.tags->>'admin_level') AS level,
        coalesce(b.tags->>'ref', b.tags->>'ISO3166-2') AS code, coalesce(b.tags->>'name', 'r' || b.osm_id) AS name,
        b.tags->>'name:en' AS name_en, b.tags AS props,
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
