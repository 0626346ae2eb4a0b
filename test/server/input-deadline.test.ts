import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { isochrone, isochroneSteps } from '../../server/graph/isochrone.ts';
import { WalkGraph } from '../../server/graph/walk-graph.ts';
import { DeadlineExceededError, WorkBudget } from '../../server/graph/work-budget.ts';
import { testDatabaseUrl, testPool } from '../helpers/db.ts';
import { loadRiverTown, unloadRiverTown } from '../fixtures/network/load-river-town.ts';
import { VERTICES, latOf, lonOf } from '../fixtures/network/river-town.ts';

/** A square street grid of n × n vertices, 100 m apart, around (118.0, 31.0). */
function gridGraph(n: number): WalkGraph {
  const id = (i: number, j: number) => i * n + j + 1;
  const vertexIds: number[] = [], vertexLon: number[] = [], vertexLat: number[] = [];
  const src: number[] = [], tgt: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      vertexIds.push(id(i, j));
      vertexLon.push(lonOf(100 * i));
      vertexLat.push(latOf(100 * j));
      if (i + 1 < n) (src.push(id(i, j)), tgt.push(id(i + 1, j)));
      if (j + 1 < n) (src.push(id(i, j)), tgt.push(id(i, j + 1)));
    }
  }
  const ones = src.map(() => 100);
  return WalkGraph.fromArrays({ vertexIds, vertexLon, vertexLat, edgeIds: src.map((_, k) => k + 1), edgeSource: src, edgeTarget: tgt, edgeLength: ones, edgeCost: ones, edgeReverseCost: ones });
}

/** A clock that advances 1 ms each time it is read: deadlines and slices without real time. */
function tickingClock() {
  let t = 0;
  return () => t++;
}

describe('WorkBudget over a walking-graph computation', () => {
  const g = gridGraph(120);
  const at = { lon: lonOf(6000), lat: latOf(6000) };
  const origin = g.snap(at.lon, at.lat)!;
  const opts = { limitsM: [3000, 6000] };

  it('gives the same isochrone step-wise as in one go', async () => {
    const whole = isochrone(g, origin, at.lon, at.lat, opts);
    const sliced = await new WorkBudget({ sliceMs: 3, now: tickingClock() }).run(isochroneSteps(g, origin, at.lon, at.lat, opts));
    expect(sliced.bands).toEqual(whole.bands);
    expect(sliced.reachedVertices).toBe(whole.reachedVertices);
  });

  it('hands the event loop back between slices, so other callbacks run before it finishes', async () => {
    const budget = new WorkBudget({ sliceMs: 3, now: tickingClock() });
    let otherRanAt = -1;
    let finished = false;
    setImmediate(() => {
      otherRanAt = budget.yields;
      expect(finished).toBe(false);
    });
    await budget.run(isochroneSteps(g, origin, at.lon, at.lat, opts));
    finished = true;
    expect(budget.yields).toBeGreaterThan(1);
    expect(otherRanAt).toBeGreaterThanOrEqual(0);
  });

  it('stops with a DeadlineExceededError (503 + Retry-After) once the deadline has passed', async () => {
    const budget = new WorkBudget({ deadlineMs: 50, sliceMs: 3, now: tickingClock(), what: 'The isochrone' });
    const err = await budget.run(isochroneSteps(g, origin, at.lon, at.lat, opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect((err as DeadlineExceededError).statusCode).toBe(503);
    expect((err as DeadlineExceededError).headers['retry-after']).toMatch(/^\d+$/);
    expect((err as DeadlineExceededError).message).toMatch(/^The isochrone did not finish within 50 ms/);
  });
});

describe('analysis endpoints past their deadline', () => {
  let app: FastifyInstance;
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = testPool();
    await loadRiverTown(pool);
    // a deadline of 0 ms: every in-memory analysis has used up its time at its first check
    app = await buildApp({ databaseUrl: testDatabaseUrl(), logLevel: 'silent', statementTimeoutMs: 20_000, analysisDeadlineMs: 0, auth: { mode: 'off' } });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await unloadRiverTown(pool);
    await pool.end();
  });

  const expect503 = (res: Awaited<ReturnType<FastifyInstance['inject']>>) => {
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.json()).toMatchObject({ error: 'DEADLINE_EXCEEDED', statusCode: 503 });
    expect(res.json().message).toMatch(/did not finish within 0 ms/);
  };

  it('GET /api/analysis/isochrone answers 503 with Retry-After', async () => {
    expect503(await app.inject(`/api/analysis/isochrone?lon=${lonOf(200)}&lat=${latOf(0)}&minutes=1,2&dataset=lc-river-town`));
  });

  it('GET /api/analysis/life-circle answers 503 with Retry-After', async () => {
    expect503(await app.inject('/api/analysis/life-circle?types=pharmacy&dataset=lc-river-town'));
  });

  it('POST /api/analysis/life-circle/what-if answers 503 with Retry-After', async () => {
    expect503(await app.inject({ method: 'POST', url: '/api/analysis/life-circle/what-if', payload: { type: 'pharmacy', lon: lonOf(VERTICES.D[0]), lat: latOf(VERTICES.D[1]), dataset: 'lc-river-town' } }));
  });

  it('still rejects bad input with 400 before any graph work', async () => {
    expect((await app.inject('/api/analysis/isochrone?lon=118&lat=Infinity')).statusCode).toBe(400);
  });
});
