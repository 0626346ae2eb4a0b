/**
 * Walking network with pgRouting topology. Ways are split at every node used twice or more
 * (by two ways, or twice by one way) and at their ends — not only at endpoints — using the node ids
 * osm2pgsql stored per way, so a path touching a road mid-way becomes a junction.
 *
 * Walked: tag-mapping WALK_HIGHWAYS. Not walked: motorway/trunk(+links) (not in the list),
 * area=yes outlines, foot=no|use_sidepath (a separate sidewalk is mapped), and access=private|no
 * unless foot=yes|designated|permissive. Cost = reverse_cost = geodesic length in metres;
 * oneway=yes alone (a car or bike rule) does not bind pedestrians: only oneway:foot=yes or
 * foot:backward=no makes reverse_cost -1 (oneway:foot=-1 / foot:forward=no makes cost -1).
 */
import type pg from 'pg';
import type { ImportIssue } from '../import-run.ts';
import { q, type StagingTables } from './run-osm2pgsql.ts';
import { WALK_HIGHWAYS } from './tag-mapping.ts';
import type { LayerUpsert } from './upsert-layer.ts';

export interface WalkStaging { edge: string; vertex: string }

export function walkStagingTables(s: StagingTables): WalkStaging {
  const prefix = s.point.replace(/point$/, '');
  return { edge: `${prefix}wedge`, vertex: `${prefix}wvertex` };
}

/** Builds staging walk edges/vertices (outside the app transaction); returns row-level issues. */
export async function buildWalkGraph(pool: pg.Pool, s: StagingTables): Promise<ImportIssue[]> {
  const w = walkStagingTables(s);
  const issues: ImportIssue[] = [];
  const client = await pool.connect();
  try {
    await client.query(`CREATE TEMP TABLE walk_way AS
      SELECT l.osm_id, l.tags, l.nodes, l.geom, ST_NPoints(l.geom) AS npts FROM ${q(s.line)} l
      WHERE l.tags->>'highway' = ANY($1::text[])
        AND coalesce(l.tags->>'area', 'no') <> 'yes'
        AND coalesce(l.tags->>'foot', 'yes') NOT IN ('no', 'use_sidepath')
        AND NOT (coalesce(l.tags->>'access', 'yes') IN ('private', 'no')
                 AND coalesce(l.tags->>'foot', '') NOT IN ('yes', 'designated', 'permissive'))`, [WALK_HIGHWAYS]);
    const mismatch = await client.query(`DELETE FROM walk_way WHERE array_length(nodes, 1) IS DISTINCT FROM npts RETURNING osm_id`);
    for (const r of mismatch.rows) {
      issues.push({ field: `w${r.osm_id}`, severity: 'warning', message: 'way skipped from the walking network: node list and geometry disagree (duplicate node positions)' });
    }
    await client.query(`CREATE TEMP TABLE walk_pt AS
      SELECT w.osm_id AS way_id, u.idx::int AS idx, u.node_id, w.npts, ST_PointN(w.geom, u.idx::int) AS geom
      FROM walk_way w, unnest(w.nodes) WITH ORDINALITY AS u(node_id, idx)`);
    await client.query(`CREATE TEMP TABLE walk_seg AS
      WITH used AS (SELECT node_id, count(*) AS n FROM walk_pt GROUP BY node_id),
      j AS (
        SELECT p.*, (p.idx = 1 OR p.idx = p.npts OR u.n >= 2) AS is_j FROM walk_pt p JOIN used u USING (node_id)
      ), c AS (
        SELECT j.*, sum(j.is_j::int) OVER (PARTITION BY way_id ORDER BY idx) AS seg FROM j
      ), pts AS (
        SELECT way_id, seg, idx, node_id, geom FROM c
        UNION ALL SELECT way_id, seg - 1, idx, node_id, geom FROM c WHERE is_j AND seg > 1
      )
      SELECT way_id, seg, ST_MakeLine(geom ORDER BY idx) AS geom,
        (array_agg(node_id ORDER BY idx))[1] AS source_node, (array_agg(node_id ORDER BY idx DESC))[1] AS target_node
      FROM pts GROUP BY way_id, seg HAVING count(*) >= 2`);
    const bad = await client.query(`DELETE FROM walk_seg WHERE NOT ST_IsValid(geom) OR ST_Length(geom) = 0 RETURNING way_id, seg`);
    for (const r of bad.rows) {
      issues.push({ field: `w${r.way_id}`, severity: 'warning', message: `walking edge ${r.seg} skipped: zero length (two nodes at one position)` });
    }
    await client.query(`CREATE TABLE ${q(w.edge)} AS
      SELECT 'w' || s.way_id || ':' || s.seg AS source_id, s.way_id, s.source_node, s.target_node,
        ST_Length(s.geom::geography) AS length_m, w.tags, s.geom
      FROM walk_seg s JOIN walk_way w ON w.osm_id = s.way_id`);
    await client.query(`CREATE TABLE ${q(w.vertex)} AS
      SELECT DISTINCT ON (p.node_id) p.node_id, p.geom FROM walk_pt p
      WHERE p.node_id IN (SELECT source_node FROM ${q(w.edge)} UNION SELECT target_node FROM ${q(w.edge)})
      ORDER BY p.node_id`);
    await client.query(`ANALYZE ${q(w.edge)}; ANALYZE ${q(w.vertex)}`);
    return issues;
  } finally {
    await client.query('DROP TABLE IF EXISTS walk_way, walk_pt, walk_seg').catch(() => {});
    client.release();
  }
}

export function walkVertexQuery(s: StagingTables): LayerUpsert {
  const w = walkStagingTables(s);
  return {
    table: 'walk_vertex',
    columns: ['osm_node_id'],
    select: `SELECT 'n' || v.node_id AS source_id, v.node_id AS osm_node_id, '{}'::jsonb AS props, v.geom FROM ${q(w.vertex)} v`,
  };
}

/** Edges reference the vertices of the same dataset + year, upserted just before. */
export function walkEdgeQuery(s: StagingTables): LayerUpsert {
  const w = walkStagingTables(s);
  return {
    table: 'walk_edge',
    columns: ['source', 'target', 'length_m', 'cost', 'reverse_cost', 'highway', 'name', 'osm_way_id'],
    select: `
      SELECT e.source_id, vs.id AS source, vt.id AS target, e.length_m,
        CASE WHEN e.tags->>'oneway:foot' = '-1' OR e.tags->>'foot:forward' = 'no' THEN -1 ELSE e.length_m END AS cost,
        CASE WHEN e.tags->>'oneway:foot' = 'yes' OR e.tags->>'foot:backward' = 'no' THEN -1 ELSE e.length_m END AS reverse_cost,
        e.tags->>'highway' AS highway, e.tags->>'name' AS name, e.way_id AS osm_way_id,
        jsonb_build_object('footway', e.tags->>'footway', 'surface', e.tags->>'surface') AS props, e.geom
      FROM ${q(w.edge)} e
      JOIN app.walk_vertex vs ON vs.dataset_id = $1 AND vs.check_year = $2 AND vs.source_id = 'n' || e.source_node
      JOIN app.walk_vertex vt ON vt.dataset_id = $1 AND vt.check_year = $2 AND vt.source_id = 'n' || e.target_node`,
  };
}

/** Share (0–1) of the dataset's walk vertices in the largest connected component (pgr_connectedComponents). */
export async function largestComponentShare(db: pg.Pool | pg.PoolClient, datasetId: string, checkYear: number): Promise<{ share: number; vertices: number; components: number }> {
  const { rows } = await db.query(`
    WITH cc AS (
      SELECT component, count(*) AS n FROM pgr_connectedComponents(
        format('SELECT id, source, target, cost, reverse_cost FROM app.walk_edge WHERE dataset_id = %L AND check_year = %s', $1::text, $2::int))
      GROUP BY component)
    SELECT coalesce(max(n), 0)::int AS largest, coalesce(sum(n), 0)::int AS total, count(*)::int AS components FROM cc`, [datasetId, checkYear]);
  const r = rows[0];
  return { share: r.total ? r.largest / r.total : 0, vertices: r.total, components: r.components };
}
