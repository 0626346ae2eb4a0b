/**
 * Waterlogging exposure (内涝, indicators.md §8) on central Nanjing's sample ledger: the function's
 * per-estate figures equal a straightforward PostGIS query written here (geodesic distances from
 * each estate polygon to each point), and the city summary counts what the ledger holds.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCityUrl } from '../helpers/city-db.ts';

let pool: pg.Pool;
let datasets: string[];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await defaultCityUrl(), max: 2 });
  const { rows } = await pool.query(`SELECT array_agg(id ORDER BY id) AS ids FROM app.dataset WHERE id = 'nanjing-core' OR city_id = 'nanjing-core'`);
  datasets = rows[0].ids;
});
afterAll(() => pool?.end());

describe('analysis.waterlogging_exposure_estate on Nanjing', () => {
  it('equals a straightforward PostGIS query for every estate (500 m and 200 m)', async () => {
    for (const d of [500, 200]) {
      const got = await pool.query(`SELECT * FROM analysis.waterlogging_exposure_estate(datasets => $1, distance_m => $2) ORDER BY estate_id`, [datasets, d]);
      const want = await pool.query(`
        SELECT e.id AS estate_id,
               (SELECT count(*) FROM app.waterlogging_point p WHERE p.dataset_id = ANY($1)
                  AND ST_Distance(e.geom::geography, p.geom::geography) <= $2)::int AS points_within,
               (SELECT count(*) FROM app.waterlogging_point p WHERE p.dataset_id = ANY($1) AND p.status <> 'closed'
                  AND ST_Distance(e.geom::geography, p.geom::geography) <= $2)::int AS untreated_within,
               (SELECT coalesce(sum(CASE p.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'severe' THEN 4 ELSE 1 END), 0)
                  FROM app.waterlogging_point p WHERE p.dataset_id = ANY($1) AND p.status <> 'closed'
                  AND ST_Distance(e.geom::geography, p.geom::geography) <= $2)::float8 AS severity_weighted,
               (SELECT min(ST_Distance(e.geom::geography, p.geom::geography)) FROM app.waterlogging_point p
                  WHERE p.dataset_id = ANY($1) AND p.status <> 'closed') AS nearest_untreated_m
        FROM app.estate e WHERE e.dataset_id = ANY($1) ORDER BY e.id`, [datasets, d]);
      expect(want.rows.length).toBeGreaterThan(20);
      expect(got.rows.map((r) => r.estate_id)).toEqual(want.rows.map((r) => r.estate_id));
      want.rows.forEach((w, k) => {
        const g = got.rows[k];
        expect([g.points_within, g.untreated_within, g.severity_weighted]).toEqual([w.points_within, w.untreated_within, w.severity_weighted]);
        expect(g.nearest_untreated_m).toBeCloseTo(w.nearest_untreated_m, 6);
      });
      // The ledger is not trivial here: some estates are exposed, some are not.
      expect(got.rows.some((r) => r.untreated_within > 0)).toBe(true);
      expect(got.rows.some((r) => r.untreated_within === 0)).toBe(true);
    }
  });

  it('names the nearest untreated point, never a closed one', async () => {
    const { rows } = await pool.query(`
      SELECT x.nearest_untreated_id, p.status FROM analysis.waterlogging_exposure_estate(datasets => $1) x
      JOIN app.waterlogging_point p ON p.id = x.nearest_untreated_id`, [datasets]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(['untreated', 'in_progress']).toContain(r.status);
  });

  it('refuses a negative distance and non-numeric severity weights with 22023', async () => {
    await expect(pool.query(`SELECT * FROM analysis.waterlogging_exposure_estate(datasets => $1, distance_m => -1)`, [datasets]))
      .rejects.toMatchObject({ code: '22023' });
    await expect(pool.query(`SELECT * FROM analysis.waterlogging_exposure_estate(datasets => $1, severity_weights => '{"high": "x"}')`, [datasets]))
      .rejects.toMatchObject({ code: '22023' });
  });
});

describe('analysis.waterlogging_summary on Nanjing', () => {
  it('counts the ledger by status and gives untreated points per km² of built-up area', async () => {
    const { rows: [s] } = await pool.query(`SELECT analysis.waterlogging_summary($1, 32650) AS s`, [datasets]);
    const { rows: [c] } = await pool.query(`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE status <> 'closed')::int AS open,
             count(*) FILTER (WHERE status = 'closed')::int AS closed
      FROM app.waterlogging_point WHERE dataset_id = ANY($1)`, [datasets]);
    expect(s.s.total).toBe(c.total);
    expect(s.s.untreated).toBe(c.open);
    expect(s.s.by_status.closed ?? 0).toBe(c.closed);
    const { rows: [b] } = await pool.query(`
      SELECT b.area_m2, (SELECT count(*) FROM app.waterlogging_point p WHERE p.dataset_id = ANY($1) AND p.status <> 'closed'
                          AND ST_Intersects(ST_Transform(p.geom, 32650), b.geom))::int AS inside
      FROM analysis.diagnosis_built_up($1, 32650) b`, [datasets]);
    expect(s.s.density_per_km2).toBeCloseTo(b.inside / (b.area_m2 / 1e6), 9);
    expect(Object.values(s.s.by_depth as Record<string, number>).reduce((a, n) => a + n, 0)).toBe(c.total);
  });
});
