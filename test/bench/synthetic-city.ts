/**
 * A synthetic city for the tile benchmark when no real city is loaded: a street grid with block
 * buildings, parks, a river, land use, places and points over central Nanjing's extent. Labelled
 * dataset `synthetic_grid` (is_sample) — never mistaken for real data.
 */
import type pg from 'pg';

/** Loads the synthetic city (≈ `blocks²` blocks of 12 buildings). */
export async function loadSyntheticCity(pool: pg.Pool, blocks = 70): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SELECT set_config('citycheck.import_run', 'synthetic', true)`);
    await c.query(`INSERT INTO app.dataset (id, name, source, licence, attribution, is_sample)
      VALUES ('synthetic_grid', 'Synthetic grid city (benchmark only)', 'test/bench/synthetic-city.ts', 'CC0', 'synthetic', true) ON CONFLICT DO NOTHING`);
    const common = `'synthetic_grid', 2024, true`;
    // Blocks of 0.004° (~400 m) from 118.74,32.02; streets on block edges.
    await c.query(`INSERT INTO app.base_road (class, name, geom, dataset_id, check_year, is_sample, source_id)
      SELECT CASE WHEN i % 10 = 0 THEN 'primary' WHEN i % 5 = 0 THEN 'secondary' WHEN i % 2 = 0 THEN 'tertiary' ELSE 'minor' END,
             '合成路' || i, ST_SetSRID(ST_MakeLine(ST_MakePoint(118.74 + i * 0.004, 32.02), ST_MakePoint(118.74 + i * 0.004, 32.02 + $1 * 0.004)), 4326),
             ${common}, 'v' || i FROM generate_series(0, $1) i
      UNION ALL
      SELECT CASE WHEN i % 10 = 0 THEN 'primary' WHEN i % 5 = 0 THEN 'secondary' WHEN i % 2 = 0 THEN 'tertiary' ELSE 'minor' END,
             '合成街' || i, ST_SetSRID(ST_MakeLine(ST_MakePoint(118.74, 32.02 + i * 0.004), ST_MakePoint(118.74 + $1 * 0.004, 32.02 + i * 0.004)), 4326),
             ${common}, 'h' || i FROM generate_series(0, $1) i`, [blocks]);
    await c.query(`INSERT INTO app.building (name, use, levels, geom, dataset_id, check_year, is_sample, source_id)
      SELECT NULL, 'residential', 2 + (bi * 7 + bj * 3 + k) % 30,
             ST_Multi(ST_MakeEnvelope(x0, y0, x0 + 0.0006, y0 + 0.0004, 4326)), ${common}, bi || '-' || bj || '-' || k
      FROM generate_series(0, $1 - 1) bi, generate_series(0, $1 - 1) bj, generate_series(0, 11) k,
      LATERAL (SELECT 118.74 + bi * 0.004 + 0.0004 + (k % 4) * 0.0008 AS x0, 32.02 + bj * 0.004 + 0.0004 + (k / 4) * 0.0011 AS y0) p
      WHERE (bi + bj) % 9 <> 0`, [blocks]);
    await c.query(`INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, check_year, is_sample, source_id)
      SELECT '合成公园' || bi || '-' || bj, 'park', true, ST_Multi(ST_MakeEnvelope(118.74 + bi * 0.004 + 0.0003, 32.02 + bj * 0.004 + 0.0003, 118.74 + bi * 0.004 + 0.0037, 32.02 + bj * 0.004 + 0.0037, 4326)),
             ${common}, 'p' || bi || '-' || bj
      FROM generate_series(0, $1 - 1) bi, generate_series(0, $1 - 1) bj WHERE (bi + bj) % 9 = 0`, [blocks]);
    await c.query(`INSERT INTO app.base_landuse (kind, geom, dataset_id, check_year, is_sample, source_id)
      SELECT 'residential', ST_Multi(ST_MakeEnvelope(118.74 + bi * 0.004 + 0.0002, 32.02 + bj * 0.004 + 0.0002, 118.74 + bi * 0.004 + 0.0038, 32.02 + bj * 0.004 + 0.0038, 4326)),
             ${common}, bi || '-' || bj
      FROM generate_series(0, $1 - 1) bi, generate_series(0, $1 - 1) bj WHERE (bi + bj) % 9 <> 0`, [blocks]);
    await c.query(`INSERT INTO app.base_water (kind, name, geom, dataset_id, check_year, is_sample, source_id)
      VALUES ('river', '合成河', ST_SetSRID(ST_MakeLine(ARRAY(SELECT ST_MakePoint(118.74 + i * 0.004, 32.02 + 0.1 + 0.02 * sin(i / 5.0)) FROM generate_series(0, $1) i)), 4326), ${common}, 'river')`, [blocks]);
    await c.query(`INSERT INTO app.base_place (kind, name, rank, geom, dataset_id, check_year, is_sample, source_id)
      SELECT CASE WHEN bi % 10 = 0 AND bj % 10 = 0 THEN 'suburb' ELSE 'neighbourhood' END, '合成小区' || bi || '-' || bj, 7,
             ST_SetSRID(ST_MakePoint(118.74 + bi * 0.004 + 0.002, 32.02 + bj * 0.004 + 0.002), 4326), ${common}, bi || '-' || bj
      FROM generate_series(0, $1 - 1) bi, generate_series(0, $1 - 1) bj`, [blocks]);
    await c.query(`INSERT INTO app.waterlogging_point (name, status, max_depth_cm, geom, dataset_id, check_year, is_sample, source_id)
      SELECT '合成积水点' || i, (ARRAY['untreated', 'in_progress', 'closed'])[1 + i % 3], 10 + i % 50,
             ST_SetSRID(ST_MakePoint(118.74 + (i * 37 % $1) * 0.004, 32.02 + (i * 53 % $1) * 0.004), 4326), ${common}, 'w' || i
      FROM generate_series(1, 300) i`, [blocks]);
    await c.query(`INSERT INTO app.facility (type_code, name, geom, dataset_id, check_year, is_sample, source_id)
      SELECT (SELECT code FROM app.facility_type ORDER BY sort OFFSET (i % 26) LIMIT 1), '合成设施' || i,
             ST_SetSRID(ST_MakePoint(118.74 + (i * 71 % ($1 * 10)) * 0.0004, 32.02 + (i * 29 % ($1 * 10)) * 0.0004), 4326), ${common}, 'f' || i
      FROM generate_series(1, 5000) i`, [blocks]);
    await c.query('COMMIT');
    await c.query('ANALYZE');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    c.release();
  }
}
