/**
 * Waterlogging (内涝) per diagnosis unit on central Nanjing's sample ledger: for 社区, 街道 and a
 * hexagon grid, the stored per-unit figures (points within the distance, untreated, severity-weighted,
 * untreated per km² of built-up area, by status) equal a straightforward PostGIS query written here
 * (geodesic distance from each stored unit polygon to each point), and the run states the distance
 * with its origin.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import type { DiagnosisRun, DiagnosisWaterlogging } from '../../server/contract/diagnosis.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let datasets: string[];
const runs: number[] = [];

beforeAll(async () => {
  const databaseUrl = await defaultCityUrl();
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  app = await buildApp({ databaseUrl, logLevel: 'silent', auth: { mode: 'off' }, rateLimit: false, statementTimeoutMs: 30_000 });
  const { rows } = await pool.query(`SELECT array_agg(id ORDER BY id) AS ids FROM app.dataset WHERE id = 'nanjing-core' OR city_id = 'nanjing-core'`);
  datasets = rows[0].ids;
}, 60_000);
afterAll(async () => {
  if (runs.length) await pool.query(`DELETE FROM app.diagnosis_run WHERE id = ANY($1)`, [runs]);
  await app?.close();
  await pool?.end();
});

/** The plain query: every point against every stored unit polygon, geodesic distance. */
async function plain(runId: number, d: number) {
  const { rows } = await pool.query(`
    SELECT u.unit_no AS "unitNo",
           (SELECT count(*) FROM app.waterlogging_point p WHERE p.dataset_id = ANY($2)
              AND ST_Distance(u.geom::geography, p.geom::geography) <= $3)::int AS "pointsWithin",
           (SELECT count(*) FROM app.waterlogging_point p WHERE p.dataset_id = ANY($2) AND p.status IN ('untreated', 'in_progress')
              AND ST_Distance(u.geom::geography, p.geom::geography) <= $3)::int AS "untreatedWithin",
           (SELECT coalesce(sum(CASE p.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'severe' THEN 4 ELSE 1 END), 0)
              FROM app.waterlogging_point p WHERE p.dataset_id = ANY($2) AND p.status IN ('untreated', 'in_progress')
              AND ST_Distance(u.geom::geography, p.geom::geography) <= $3)::float8 AS "severityWeighted",
           u.built_up_m2 AS "builtUpM2",
           (SELECT coalesce(jsonb_object_agg(s.status, s.n), '{}') FROM (
              SELECT p.status, count(*)::int AS n FROM app.waterlogging_point p WHERE p.dataset_id = ANY($2)
                AND ST_Distance(u.geom::geography, p.geom::geography) <= $3 GROUP BY p.status) s) AS "byStatus"
    FROM app.diagnosis_unit u WHERE u.run_id = $1 ORDER BY u.unit_no`, [runId, datasets, d]);
  return rows;
}

async function diagnose(payload: Record<string, unknown>): Promise<DiagnosisRun> {
  const res = await app.inject({ method: 'POST', url: '/api/analysis/diagnosis', payload: { dataset: 'nanjing-core', permutations: 0, ...payload } });
  expect(res.statusCode, res.body).toBe(200);
  const run: DiagnosisRun = res.json();
  runs.push(run.runId);
  return run;
}

describe('GET /api/analysis/diagnosis/:runId/waterlogging on Nanjing', () => {
  for (const [unitKind, d] of [['community', 200], ['subdistrict', 0], ['hexagon', 300]] as const) {
    it(`equals a straightforward PostGIS query per ${unitKind} unit at ${d} m`, async () => {
      const run = await diagnose({ unitKind, waterloggingDistanceM: d, ...(unitKind === 'hexagon' ? { cellSizeM: 250 } : {}) });
      const res = await app.inject(`/api/analysis/diagnosis/${run.runId}/waterlogging`);
      expect(res.statusCode, res.body).toBe(200);
      const got: DiagnosisWaterlogging = res.json();
      expect(got.unitKind).toBe(unitKind);
      expect(got.effective.waterloggingDistanceM).toMatchObject({ value: d, origin: 'request', unit: 'm' });
      const want = await plain(run.runId, d);
      expect(want.length).toBe(run.units.length);
      expect(got.units.map((u) => u.unitNo)).toEqual(want.map((w) => w.unitNo));
      want.forEach((w, k) => {
        const g = got.units[k];
        expect([g.pointsWithin, g.untreatedWithin, g.severityWeighted, g.byStatus]).toEqual([w.pointsWithin, w.untreatedWithin, w.severityWeighted, w.byStatus]);
        expect(g.densityPerKm2).toBeCloseTo(w.untreatedWithin / (w.builtUpM2 / 1e6), 9);
      });
      // Not trivial: some units are exposed, units differ, and grid cells far from every point have none.
      expect(got.units.some((u) => u.untreatedWithin > 0)).toBe(true);
      expect(new Set(got.units.map((u) => u.severityWeighted)).size).toBeGreaterThan(1);
      if (unitKind === 'hexagon') expect(got.units.some((u) => u.pointsWithin === 0)).toBe(true);
    }, 60_000);
  }

  it('takes the distance from the defaults when the request leaves it out, and answers 404 for an unknown run', async () => {
    const run = await diagnose({ unitKind: 'community' });
    const got: DiagnosisWaterlogging = (await app.inject(`/api/analysis/diagnosis/${run.runId}/waterlogging`)).json();
    expect(got.effective.waterloggingDistanceM).toMatchObject({ value: 500, origin: 'default' });
    const want = await plain(run.runId, 500);
    expect(got.units.map((u) => u.pointsWithin)).toEqual(want.map((w) => w.pointsWithin));
    expect((await app.inject('/api/analysis/diagnosis/2147483000/waterlogging')).statusCode).toBe(404);
  }, 60_000);

  it('refuses a distance outside 0–10000 m with 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/diagnosis', payload: { dataset: 'nanjing-core', unitKind: 'community', waterloggingDistanceM: -5 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/waterloggingDistanceM/);
  });
});
