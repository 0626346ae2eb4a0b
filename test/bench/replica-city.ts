/**
 * A SYNTHETIC replica city (benchmarks only): a source city's rows copied nx × ny times with lon/lat
 * offsets, inside the caller's transaction. `createOffsets` makes the temp table
 * `off (p text, ox float8, oy float8)` that the copies read; `copyLayer` copies one layer table;
 * `copyWalkNetwork` copies vertices and edges with topology intact inside each copy.
 * Shared by bench:coverage and bench:check so both replicas are built the same way.
 */
import type pg from 'pg';

/** One offset per copy, spaced by the source's extent (of `extentOf`) plus 0.01°. */
export async function createOffsets(c: pg.PoolClient, src: string, nx: number, ny: number, extentOf: 'building' | 'walk_edge'): Promise<void> {
  const { rows: [b] } = await c.query(`SELECT ST_XMax(e) - ST_XMin(e) + 0.01 AS dx, ST_YMax(e) - ST_YMin(e) + 0.01 AS dy
    FROM (SELECT ST_Extent(geom)::geometry AS e FROM app.${extentOf === 'building' ? 'building' : 'walk_edge'} WHERE dataset_id = $1) x`, [src]);
  await c.query(`CREATE TEMP TABLE off ON COMMIT DROP AS SELECT i || '.' || j || ':' AS p, i * $1::float8 AS ox, j * $2::float8 AS oy
    FROM generate_series(0, $3 - 1) i, generate_series(0, $4 - 1) j`, [b.dx, b.dy, nx, ny]);
}

/**
 * Copies the rows of one layer table (`cols`: its own columns, comma-separated; bench code names
 * them, never user input). With `importRun`, rows carry the replica's latest import run.
 */
export function copyLayer(c: pg.PoolClient, src: string, ds: string, table: string, cols: string, opts: { importRun?: boolean } = {}) {
  const run = opts.importRun ? ', import_run_id' : '';
  const runValue = opts.importRun ? ', (SELECT max(id) FROM app.import_run WHERE dataset_id = $2)' : '';
  return c.query(`
    INSERT INTO app.${table} (${cols}, geom, dataset_id, source_id, check_year, is_sample${run})
    SELECT ${cols.split(', ').map((x) => 't.' + x).join(', ')}, ST_Translate(t.geom, off.ox, off.oy), $2, off.p || t.source_id, t.check_year, true${runValue}
    FROM app.${table} t CROSS JOIN off WHERE t.dataset_id = $1`, [src, ds]);
}

export async function copyWalkNetwork(c: pg.PoolClient, src: string, ds: string): Promise<void> {
  await c.query(`CREATE TEMP TABLE vmap (old_id bigint, p text, new_id bigint) ON COMMIT DROP`);
  await c.query(`WITH s AS (SELECT o.id, off.p, o.osm_node_id, ST_Translate(o.geom, off.ox, off.oy) AS g, off.p || o.source_id AS sid, o.check_year
                            FROM app.walk_vertex o CROSS JOIN off WHERE o.dataset_id = $1),
    ins AS (INSERT INTO app.walk_vertex (osm_node_id, geom, dataset_id, source_id, check_year, is_sample)
            SELECT osm_node_id, g, $2, sid, check_year, true FROM s RETURNING id, source_id)
    INSERT INTO vmap SELECT s.id, s.p, ins.id FROM ins JOIN s ON s.sid = ins.source_id`, [src, ds]);
  await c.query(`CREATE INDEX ON vmap (old_id, p)`);
  await c.query(`ANALYZE vmap`);
  await c.query(`INSERT INTO app.walk_edge (source, target, length_m, cost, reverse_cost, highway, name, osm_way_id, geom, dataset_id, source_id, check_year, is_sample)
    SELECT s.new_id, t2.new_id, t.length_m, t.cost, t.reverse_cost, t.highway, t.name, t.osm_way_id, ST_Translate(t.geom, off.ox, off.oy), $2, off.p || t.source_id, t.check_year, true
    FROM app.walk_edge t CROSS JOIN off JOIN vmap s ON s.old_id = t.source AND s.p = off.p JOIN vmap t2 ON t2.old_id = t.target AND t2.p = off.p
    WHERE t.dataset_id = $1`, [src, ds]);
}
