/**
 * The walking network of a SYNTHETIC replica city (benchmarks only): the source city's vertices and
 * edges copied once per offset of the temp table `off (p text, ox float8, oy float8)` that the
 * caller made in the same transaction, with topology intact inside each copy. Vertex ids are mapped
 * old → new per copy from the inserted rows (no join on fresh, unanalysed rows).
 * Shared by bench:coverage and bench:check so both replicas are built the same way.
 */
import type pg from 'pg';

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
