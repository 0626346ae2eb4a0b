/**
 * Analysis units and spatial weights of the diagnosis on central Nanjing: grid cells clipped to the
 * built-up area, and neighbour pairs built from the grid index (analysis.diagnosis_neighbour_pairs)
 * that equal an independent geometric computation written here: whole cells from ST_HexagonGrid /
 * ST_SquareGrid that touch (queen) or share an edge of positive length (rook).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCityUrl } from '../helpers/city-db.ts';

let pool: pg.Pool;
let datasets: string[];
const runs: number[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await defaultCityUrl(), max: 2 });
  const { rows } = await pool.query(`SELECT array_agg(id ORDER BY id) AS ids FROM app.dataset WHERE id = 'nanjing-core' OR city_id = 'nanjing-core'`);
  datasets = rows[0].ids;
});
afterAll(async () => {
  if (runs.length) await pool.query(`DELETE FROM app.diagnosis_run WHERE id = ANY($1)`, [runs]);
  await pool?.end();
});

async function createRun(kind: string, size: number): Promise<number> {
  const { rows } = await pool.query(`SELECT analysis.diagnosis_run_create(dataset_id => 'nanjing-core', datasets => $1, metric_srid => 32650, unit_kind => $2, cell_size_m => $3) AS id`, [datasets, kind, size]);
  runs.push(Number(rows[0].id));
  return Number(rows[0].id);
}

const key = (r: { i: number; j: number }) => `${r.i}-${r.j}`;

/** Pairs (unit_no, unit_no) of whole grid cells that meet as the predicate says, computed from geometry only. */
async function geometricPairs(runId: number, shape: 'hexagon' | 'square', size: number, predicate: string): Promise<string[]> {
  const { rows } = await pool.query(`
    WITH bu AS (SELECT geom FROM analysis.diagnosis_built_up($2, 32650)),
    cells AS (
      SELECT u.unit_no, g.geom
      FROM bu, ${shape === 'hexagon' ? 'ST_HexagonGrid' : 'ST_SquareGrid'}($3, bu.geom) g
      JOIN app.diagnosis_unit u ON u.run_id = $1 AND u.grid_i = g.i AND u.grid_j = g.j)
    SELECT a.unit_no AS i, b.unit_no AS j FROM cells a JOIN cells b ON a.unit_no <> b.unit_no AND ${predicate}
    ORDER BY 1, 2`, [runId, datasets, size]);
  return rows.map(key);
}

async function storedPairs(runId: number, scheme: string): Promise<string[]> {
  await pool.query(`DELETE FROM app.diagnosis_neighbour WHERE run_id = $1`, [runId]);
  await pool.query(`SELECT analysis.diagnosis_neighbour_pairs(run_id => $1, scheme => $2)`, [runId, scheme]);
  const { rows } = await pool.query(`SELECT i, j FROM app.diagnosis_neighbour WHERE run_id = $1 ORDER BY 1, 2`, [runId]);
  return rows.map(key);
}

// Touching within a millimetre, and sharing a boundary longer than a metre, in UTM 50N.
const TOUCH = 'ST_DWithin(a.geom, b.geom, 0.001)';
const EDGE = 'ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) > 1';

describe('diagnosis grid units on Nanjing', () => {
  it('clips 100 m hexagons to the built-up area, none outside it, areas adding up to it', async () => {
    const id = await createRun('hexagon', 100);
    const { rows: [r] } = await pool.query(`
      SELECT count(*)::int AS n, sum(u.built_up_m2) AS inside, max(u.built_up_m2 / u.area_m2) AS max_share, min(u.built_up_m2 / u.area_m2) AS min_share,
             (SELECT built_up_m2 FROM app.diagnosis_run WHERE id = $1) AS total
      FROM app.diagnosis_unit u WHERE u.run_id = $1`, [id]);
    expect(r.n).toBeGreaterThan(100);
    expect(r.max_share).toBeLessThanOrEqual(1 + 1e-9);
    expect(r.min_share).toBeGreaterThanOrEqual(0.1 - 1e-9);
    // Cells below 10 % inside are left out, so the units cover a little less than the built-up area.
    expect(r.inside / r.total).toBeGreaterThan(0.95);
    expect(r.inside).toBeLessThanOrEqual(r.total + 1);
  });
});

describe('analysis.diagnosis_neighbour_pairs by grid index', () => {
  it('hexagon queen and rook pairs equal the cells that share an edge', async () => {
    const id = await createRun('hexagon', 100);
    const want = await geometricPairs(id, 'hexagon', 100, EDGE);
    expect(want.length).toBeGreaterThan(300);
    expect(await storedPairs(id, 'queen')).toEqual(want);
    expect(await storedPairs(id, 'rook')).toEqual(want);
    // Flat-top hexagons never meet at a corner only.
    expect(await geometricPairs(id, 'hexagon', 100, TOUCH)).toEqual(want);
  });

  it('square queen pairs equal the touching cells, rook pairs the cells sharing an edge', async () => {
    const id = await createRun('square', 150);
    const queen = await geometricPairs(id, 'square', 150, TOUCH);
    const rook = await geometricPairs(id, 'square', 150, EDGE);
    expect(queen.length).toBeGreaterThan(rook.length);
    expect(await storedPairs(id, 'queen')).toEqual(queen);
    expect(await storedPairs(id, 'rook')).toEqual(rook);
  });

  it('k nearest neighbours are k per unit and the nearest by centroid distance', async () => {
    const id = await createRun('hexagon', 250);
    await pool.query(`SELECT analysis.diagnosis_neighbour_pairs(run_id => $1, scheme => 'knn', k => 4)`, [id]);
    const { rows } = await pool.query(`
      WITH c AS (SELECT unit_no, ST_Centroid(ST_Transform(geom, 32650)) AS p FROM app.diagnosis_unit WHERE run_id = $1),
      ranked AS (SELECT a.unit_no AS i, b.unit_no AS j, rank() OVER (PARTITION BY a.unit_no ORDER BY ST_Distance(a.p, b.p)) AS rk
                 FROM c a JOIN c b ON a.unit_no <> b.unit_no)
      SELECT n.i, n.j, r.rk FROM app.diagnosis_neighbour n JOIN ranked r ON r.i = n.i AND r.j = n.j WHERE n.run_id = $1`, [id]);
    const per = new Map<number, number>();
    for (const r of rows) per.set(r.i, (per.get(r.i) ?? 0) + 1);
    expect([...new Set(per.values())]).toEqual([4]);
    for (const r of rows) expect(Number(r.rk)).toBeLessThanOrEqual(4);
  });

  it('a distance band gives symmetric pairs of centroids within the band', async () => {
    const id = await createRun('hexagon', 250);
    await pool.query(`SELECT analysis.diagnosis_neighbour_pairs(run_id => $1, scheme => 'distance', band_m => 1000)`, [id]);
    const { rows } = await pool.query(`
      WITH c AS (SELECT unit_no, ST_Centroid(ST_Transform(geom, 32650)) AS p FROM app.diagnosis_unit WHERE run_id = $1)
      SELECT (SELECT count(*) FROM c a JOIN c b ON a.unit_no <> b.unit_no AND ST_Distance(a.p, b.p) <= 1000)::int AS want,
             (SELECT count(*) FROM app.diagnosis_neighbour WHERE run_id = $1)::int AS got,
             (SELECT count(*) FROM app.diagnosis_neighbour n WHERE run_id = $1
                AND NOT EXISTS (SELECT 1 FROM app.diagnosis_neighbour m WHERE m.run_id = n.run_id AND m.i = n.j AND m.j = n.i))::int AS asymmetric`, [id]);
    expect(rows[0].got).toBe(rows[0].want);
    expect(rows[0].got).toBeGreaterThan(0);
    expect(rows[0].asymmetric).toBe(0);
  });

  it('refuses an unknown scheme, a bad cell size and an unknown run', async () => {
    const id = await createRun('hexagon', 250);
    await expect(pool.query(`SELECT analysis.diagnosis_neighbour_pairs(run_id => $1, scheme => 'bishop')`, [id])).rejects.toMatchObject({ code: '22023' });
    await expect(pool.query(`SELECT analysis.diagnosis_neighbour_pairs(run_id => -1)`)).rejects.toMatchObject({ code: 'P0002' });
    await expect(createRun('hexagon', 10)).rejects.toMatchObject({ code: '22023' });
    await expect(createRun('triangle', 100)).rejects.toMatchObject({ code: '22023' });
  });
});
