/**
 * The diagnosis API on central Nanjing (the default city): a stored run with its effective
 * parameters, disease scores that are 1 − the composite score, Gi* z-scores that equal an
 * independent computation from the run's own stored values and neighbour pairs (Getis & Ord 1992,
 * focal unit included), reproducible permutation p-values, the "why is this cell hot" explanation,
 * recompute with other weights, and GeoJSON / CSV export.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { DIAGNOSIS_INDICATORS, IndicatorCodeSchema, type DiagnosisExplain, type DiagnosisRecompute, type DiagnosisRun, type WaterloggingReport } from '../../server/contract/diagnosis.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let run: DiagnosisRun;

beforeAll(async () => {
  const databaseUrl = await defaultCityUrl();
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  app = await buildApp({ databaseUrl, logLevel: 'silent', auth: { mode: 'off' }, rateLimit: false, statementTimeoutMs: 30_000 });
  const res = await app.inject({ method: 'POST', url: '/api/analysis/diagnosis', payload: { permutations: 499, seed: 7 } });
  expect(res.statusCode, res.body).toBe(200);
  run = res.json();
}, 60_000);
afterAll(async () => {
  if (run) await pool.query(`DELETE FROM app.diagnosis_run WHERE id = $1`, [run.runId]);
  await app?.close();
  await pool?.end();
});

/** Gi* (Getis & Ord 1992; Ord & Getis 1995 eq. 14) with binary weights and w_ii = 1, written out plainly. */
function giStar(x: number[], nb: number[][]): number[] {
  const n = x.length;
  const mean = x.reduce((a, v) => a + v, 0) / n;
  const s = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / n - mean * mean);
  return x.map((_, i) => {
    const js = [i, ...nb[i]];
    const wSum = js.length;
    const num = js.reduce((a, j) => a + x[j], 0) - mean * wSum;
    return num / (s * Math.sqrt((n * wSum - wSum * wSum) / (n - 1)));
  });
}

describe('POST /api/analysis/diagnosis on Nanjing', () => {
  it('stores a hexagon run with its city and parameters and their origins', () => {
    expect(run.city.dataset).toBe('nanjing-core');
    expect(run.city.metricCrs).toBe('EPSG:32650');
    expect(run.unitKind).toBe('hexagon');
    expect(run.effective.cellSizeM).toMatchObject({ value: 100, origin: 'default', unit: 'm' });
    expect(run.effective.permutations).toMatchObject({ value: 499, origin: 'request' });
    expect(run.effective.weightsScheme).toMatchObject({ value: 'queen', origin: 'default' });
    expect(run.criteria.map((c) => c.code)).toEqual(['green_shortfall_share', 'old_estate_share', 'waterlogging_density', 'missing_facility_types']);
    expect(run.units.length).toBeGreaterThan(100);
    expect(run.summary.units).toBe(run.units.length);
    expect(run.coverageRunId).not.toBeNull();
  });

  it('stores exactly the indicators the contract names, for every unit', () => {
    const codes = DIAGNOSIS_INDICATORS.map((d) => d.code).sort();
    expect(IndicatorCodeSchema.anyOf.map((l) => l.const).sort()).toEqual(codes);
    for (const u of run.units) expect(Object.keys(u.indicators).sort()).toEqual(codes);
  });

  it('gives every scored unit disease = 1 − score, in [0, 1]', () => {
    const scored = run.units.filter((u) => u.score !== null);
    expect(scored.length).toBe(run.summary.scored);
    expect(scored.length).toBeGreaterThan(100);
    for (const u of scored) {
      expect(u.disease).toBeCloseTo(1 - u.score!, 12);
      expect(u.disease).toBeGreaterThanOrEqual(0);
      expect(u.disease).toBeLessThanOrEqual(1);
    }
  });

  it('has Gi* z equal to an independent computation from the stored values and pairs (1e-9)', async () => {
    const scored = run.units.filter((u) => u.disease !== null);
    const idx = new Map(scored.map((u, k) => [u.unitNo, k]));
    const { rows } = await pool.query(`SELECT i, j FROM app.diagnosis_neighbour WHERE run_id = $1`, [run.runId]);
    const nb: number[][] = scored.map(() => []);
    for (const r of rows) if (idx.has(r.i) && idx.has(r.j)) nb[idx.get(r.i)!].push(idx.get(r.j)!);
    const want = giStar(scored.map((u) => u.disease!), nb);
    scored.forEach((u, k) => {
      if (nb[k].length === 0) expect(u.giZ).toBeNull(); // an island: reported, never a silent 0
      else expect(Math.abs(u.giZ! - want[k])).toBeLessThan(1e-9);
    });
    expect(run.summary.islands).toEqual(scored.filter((_, k) => nb[k].length === 0).map((u) => u.unitNo));
    // Hot spots sit where the disease is high.
    const hot = scored.filter((u) => (u.giBin ?? 0) > 0);
    const cold = scored.filter((u) => (u.giBin ?? 0) < 0);
    expect(hot.length + cold.length).toBeGreaterThan(0);
    for (const u of hot) expect(u.giZ!).toBeGreaterThan(0);
    for (const u of cold) expect(u.giZ!).toBeLessThan(0);
  });

  it('gives the same permutation p-values for the same seed, different ones for another', async () => {
    const again = await app.inject({ method: 'POST', url: `/api/analysis/diagnosis/${run.runId}/recompute`, payload: { permutations: 499, seed: 7 } });
    expect(again.statusCode, again.body).toBe(200);
    const same: DiagnosisRecompute = again.json();
    expect(same.units.map((u) => u.giPSim)).toEqual(run.units.map((u) => u.giPSim));
    const other: DiagnosisRecompute = (await app.inject({ method: 'POST', url: `/api/analysis/diagnosis/${run.runId}/recompute`, payload: { permutations: 499, seed: 8 } })).json();
    expect(other.units.map((u) => u.giPSim)).not.toEqual(run.units.map((u) => u.giPSim));
    expect(other.units.map((u) => u.giZ)).toEqual(run.units.map((u) => u.giZ));
  });

  it('recomputes with expert weights: only waterlogging counts, and the stored run is unchanged', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/analysis/diagnosis/${run.runId}/recompute`, payload: {
      weightMethod: 'expert', criteria: [{ code: 'waterlogging_density', weight: 1 }, { code: 'old_estate_share', weight: 0 }] } });
    expect(res.statusCode, res.body).toBe(200);
    const r: DiagnosisRecompute = res.json();
    expect(r.summary.weights).toEqual([{ code: 'waterlogging_density', weight: 1 }, { code: 'old_estate_share', weight: 0 }]);
    expect(r.effective.criteria).toMatchObject({ value: ['waterlogging_density', 'old_estate_share'], origin: 'request' });
    const dens = run.units.map((u) => u.indicators.waterlogging_density as number);
    const max = Math.max(...dens), min = Math.min(...dens);
    r.units.forEach((u, k) => expect(u.disease).toBeCloseTo((dens[k] - min) / (max - min), 12));
    const stored: DiagnosisRun = (await app.inject({ url: `/api/analysis/diagnosis/${run.runId}` })).json();
    expect(stored.units.map((u) => u.disease)).toEqual(run.units.map((u) => u.disease));
  });

  it('explains a hot unit: indicators with obstacle degrees summing to 1, and the neighbours used', async () => {
    const hot = [...run.units].filter((u) => u.disease !== null).sort((a, b) => (b.giZ ?? -99) - (a.giZ ?? -99))[0];
    const res = await app.inject({ url: `/api/analysis/diagnosis/${run.runId}/units/${hot.unitNo}` });
    expect(res.statusCode, res.body).toBe(200);
    const e: DiagnosisExplain = res.json();
    expect(e.unit.unitNo).toBe(hot.unitNo);
    const obstacles = e.factors.map((f) => f.obstacle).filter((o): o is number => o !== null);
    expect(obstacles.length).toBe(run.criteria.filter((c) => hot.indicators[c.code] !== null).length);
    if (hot.disease! > 0) expect(obstacles.reduce((a, o) => a + o, 0)).toBeCloseTo(1, 9);
    const { rows } = await pool.query(`SELECT j FROM app.diagnosis_neighbour WHERE run_id = $1 AND i = $2 ORDER BY j`, [run.runId, hot.unitNo]);
    expect(e.neighbours.map((n) => n.unitNo)).toEqual(rows.map((r) => r.j));
    expect(e.factors.map((f) => f.code)).toContain('heritage_share');
  });

  it('exports the units as GeoJSON and CSV', async () => {
    const g = await app.inject({ url: `/api/analysis/diagnosis/${run.runId}/units.geojson` });
    expect(g.statusCode).toBe(200);
    expect(g.headers['content-type']).toContain('application/geo+json');
    const fc = g.json();
    expect(fc.features.length).toBe(run.units.length);
    expect(fc.features[0].geometry.type).toBe('MultiPolygon');
    expect(Object.keys(fc.features[0].properties)).toEqual(expect.arrayContaining(['disease', 'giZ', 'giBin', 'giFdr', 'lisaQuadrant', 'waterlogging_density']));
    const c = await app.inject({ url: `/api/analysis/diagnosis/${run.runId}/units.csv` });
    expect(c.statusCode).toBe(200);
    const lines = c.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['unitNo', 'disease', 'giZ', 'giP', 'giBin', 'giFdr', 'lisaQuadrant']));
    expect(lines.length).toBe(run.units.length + 1);
  });

  it('runs on 社区 units with kNN weights', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/diagnosis', payload: { unitKind: 'community', weightsScheme: 'knn', knnK: 3, permutations: 0 } });
    expect(res.statusCode, res.body).toBe(200);
    const r: DiagnosisRun = res.json();
    await pool.query(`DELETE FROM app.diagnosis_run WHERE id = $1`, [r.runId]);
    expect(r.units.length).toBeGreaterThan(3);
    expect(r.units.every((u) => u.name !== null && u.adminUnitId !== null)).toBe(true);
    expect(r.units.every((u) => u.neighbours === 3 || u.score === null)).toBe(true);
  });

  it('reports islands of a short distance band, with null statistics rather than zeros, and local Moran I as written out', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/diagnosis', payload: { weightsScheme: 'distance', bandM: 160, permutations: 0 } });
    expect(res.statusCode, res.body).toBe(200);
    const r: DiagnosisRun = res.json();
    const { rows } = await pool.query(`SELECT i, j FROM app.diagnosis_neighbour WHERE run_id = $1`, [r.runId]);
    await pool.query(`DELETE FROM app.diagnosis_run WHERE id = $1`, [r.runId]);
    const nb: number[][] = r.units.map(() => []);
    for (const p of rows) nb[p.i].push(p.j);
    const islands = r.units.filter((u) => nb[u.unitNo].length === 0).map((u) => u.unitNo);
    expect(islands.length).toBeGreaterThan(0);
    expect(r.summary.islands).toEqual(islands);
    for (const i of islands) expect(r.units[i]).toMatchObject({ neighbours: 0, giZ: null, lisaI: null, lisaQuadrant: null });
    // Local Moran (Anselin 1995): I_i = (z_i / m2) Σ_j w_ij z_j, row-standardised w, m2 = Σ z² / n.
    const x = r.units.map((u) => u.disease!);
    const mean = x.reduce((a, v) => a + v, 0) / x.length;
    const z = x.map((v) => v - mean);
    const m2 = z.reduce((a, v) => a + v * v, 0) / x.length;
    r.units.forEach((u, i) => {
      if (nb[i].length === 0) return;
      const lag = nb[i].reduce((a, j) => a + z[j], 0) / nb[i].length;
      expect(Math.abs(u.lisaI! - (z[i] / m2) * lag)).toBeLessThan(1e-9);
    });
  });

  it('answers bad input with 400 and a clear message, an unknown run with 404', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/analysis/diagnosis', payload: { cellSizeM: 5 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/cellSizeM/);
    const city = await app.inject({ method: 'POST', url: '/api/analysis/diagnosis', payload: { dataset: 'atlantis' } });
    expect(city.statusCode).toBe(400);
    expect(city.json().message).toMatch(/nanjing-core/);
    const dup = await app.inject({ method: 'POST', url: `/api/analysis/diagnosis/${run.runId}/recompute`, payload: { criteria: [{ code: 'old_estate_share' }, { code: 'old_estate_share' }] } });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().message).toMatch(/twice/);
    expect((await app.inject({ url: '/api/analysis/diagnosis/99999999' })).statusCode).toBe(404);
    expect((await app.inject({ url: `/api/analysis/diagnosis/${run.runId}/units/99999` })).statusCode).toBe(404);
  });
});

describe('GET /api/analysis/waterlogging on Nanjing', () => {
  it('reports the ledger and every estate\'s exposure with the effective distance', async () => {
    const res = await app.inject({ url: '/api/analysis/waterlogging?distanceM=300' });
    expect(res.statusCode, res.body).toBe(200);
    const r: WaterloggingReport = res.json();
    expect(r.effective.waterloggingDistanceM).toMatchObject({ value: 300, origin: 'request' });
    const { rows: [c] } = await pool.query(`SELECT count(*)::int AS n FROM app.estate WHERE dataset_id = ANY($1)`, [r.city.datasets]);
    expect(r.estates.length).toBe(c.n);
    expect(r.summary.total).toBeGreaterThan(0);
    expect(r.summary.byStatus.untreated + r.summary.byStatus.in_progress).toBe(r.summary.untreated);
  });
});
