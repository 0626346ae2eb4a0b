/**
 * The coverage run against the one-statement baseline (union of the size-rule buffers ∩ dissolved
 * residential land) on a generated fixture where residential polygons overlap, touch along edges,
 * nest and carry holes, and the buffers of parks of both size classes overlap each other: the run
 * dissolves the land per connected group and collects the shortfall piece by piece, and must give
 * the same areas as the city-wide unions to 1e-6 of the area.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const DS = 't-cov-blocks';

// Local metres from (668000 E, 3566000 N), EPSG:32650, stored as EPSG:4326 like imported data;
// 20 km north of the hand-built fixture of green-coverage.test.ts.
const FIXTURE = `
CREATE FUNCTION pg_temp.sq(x float8, y float8, w float8, h float8) RETURNS geometry LANGUAGE sql AS
  $$ SELECT ST_Transform(ST_MakeEnvelope(668000 + x, 3566000 + y, 668000 + x + w, 3566000 + y + h, 32650), 4326) $$;
INSERT INTO app.dataset (id, name, is_sample) VALUES ('${DS}', 'coverage baseline fixture', true);
-- 12 × 8 blocks of residential land, 150 m apart: sizes from a fixed hash, so neighbours overlap
-- (w > 150), touch along an edge (w = 150) or stand apart; every fifth block has a courtyard hole,
-- every seventh a second polygon overlapping it.
INSERT INTO app.base_landuse (kind, name, geom, dataset_id, source_id, check_year)
SELECT 'residential', 'b' || i || '-' || j,
       ST_Multi(CASE WHEN (i * 8 + j) % 5 = 0
                     THEN ST_Difference(pg_temp.sq(i * 150, j * 150, w, h), pg_temp.sq(i * 150 + 20, j * 150 + 20, 40, 40))
                     ELSE pg_temp.sq(i * 150, j * 150, w, h) END),
       '${DS}', 'b' || i || '-' || j, 2026
FROM generate_series(0, 11) i, generate_series(0, 7) j,
     LATERAL (SELECT CASE (i * 7 + j * 3) % 4 WHEN 0 THEN 150 WHEN 1 THEN 170 ELSE 90 + (i * 13 + j * 29) % 50 END::float8 AS w,
                     (80 + (i * 31 + j * 17) % 90)::float8 AS h) s
UNION ALL
SELECT 'residential', 'o' || i || '-' || j, ST_Multi(pg_temp.sq(i * 150 + 60, j * 150 + 30, 120, 70)), '${DS}', 'o' || i || '-' || j, 2026
FROM generate_series(0, 11) i, generate_series(0, 7) j WHERE (i * 8 + j) % 7 = 0;
-- Parks: 5000 m² and more (500 m) and 2000–5000 m² (300 m) spread over and around the blocks, so
-- buffers of both classes overlap and cut the land; two below 2000 m² that never count.
INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, source_id, check_year)
SELECT 'P' || k, 'park', true, ST_Multi(pg_temp.sq(x, y, w, 50)), '${DS}', 'P' || k, 2026
FROM (VALUES (1, 300, 500, 120), (2, 1100, 1250, 60), (3, 1500, 300, 45), (4, -100, 1000, 110),
             (5, 900, 100, 30), (6, 1000, 600, 20)) p(k, x, y, w);
`;

beforeAll(async () => {
  const { rowCount } = await pool.query(`SELECT 1 FROM app.dataset WHERE id = $1`, [DS]);
  if (!rowCount) await pool.query(FIXTURE);
});
afterAll(() => pool.end());

async function baseline() {
  const { rows } = await pool.query(`
    WITH res AS (SELECT ST_Union(ST_Transform(l.geom, 32650)) AS g FROM app.base_landuse l WHERE l.dataset_id = $1 AND l.kind = 'residential'),
    buf AS (SELECT ST_Union(ST_Buffer(ST_Transform(p.geom, 32650), CASE WHEN p.area_m2 >= 5000 THEN 500 ELSE 300 END)) AS g
            FROM app.green_space p WHERE p.dataset_id = $1 AND p.is_park AND p.is_public AND p.area_m2 >= 2000)
    SELECT ST_Area(res.g) AS target, ST_Area(ST_Intersection(res.g, buf.g)) AS covered, ST_NumGeometries(res.g) AS pieces,
           (SELECT count(*) FROM app.green_space p WHERE p.dataset_id = $1 AND p.area_m2 >= 2000) AS parks
    FROM res, buf`, [DS]);
  return rows[0] as { target: number; covered: number; pieces: number; parks: string };
}

describe('analysis.green_coverage_run against the one-statement baseline', () => {
  it('has land that overlaps, touches and is cut by overlapping buffers of both classes', async () => {
    const b = await baseline();
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.base_landuse WHERE dataset_id = $1`, [DS]);
    expect(b.pieces).toBeLessThan(rows[0].n / 2); // many polygons dissolve into shared pieces
    expect(Number(b.parks)).toBe(4);
    expect(b.covered).toBeGreaterThan(0.2 * b.target);
    expect(b.covered).toBeLessThan(0.9 * b.target);
  });

  it('gives the baseline target and covered areas to 1e-6, and a shortfall of the rest', async () => {
    const b = await baseline();
    const { rows } = await pool.query(`SELECT analysis.green_coverage_run(mode => 'official', dataset_id => $1) AS id`, [DS]);
    const id = rows[0].id;
    const city = (await pool.query(`SELECT target_m2, official_m2 FROM app.coverage_unit WHERE run_id = $1 AND unit_kind = 'city'`, [id])).rows[0];
    expect(Math.abs(city.target_m2 - b.target) / b.target).toBeLessThan(1e-6);
    expect(Math.abs(city.official_m2 - b.covered) / b.target).toBeLessThan(1e-6);
    const gap = (await pool.query(`
      SELECT area_m2, ST_IsValid(geom) AS valid, ST_Area(ST_Transform(geom, 32650)) AS drawn, ST_NumGeometries(geom) AS parts
      FROM app.coverage_shortfall WHERE run_id = $1 AND layer = 'uncovered_official'`, [id])).rows[0];
    expect(gap.valid).toBe(true);
    expect(Math.abs(gap.area_m2 - (b.target - b.covered)) / b.target).toBeLessThan(1e-6);
    expect(Math.abs(gap.drawn - gap.area_m2) / b.target).toBeLessThan(1e-6);
    expect(gap.parts).toBeGreaterThan(1);
    const pieces = (await pool.query(`SELECT count(*)::int AS n FROM analysis.green_coverage_targets('residential_land', $1, 32650)`, [DS])).rows[0].n;
    expect(pieces).toBe(b.pieces);
  });
});
