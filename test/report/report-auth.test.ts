/**
 * Who may generate a cycle's annual report: a planner of the cycle's city (a planner limited to another
 * city gets 403 CITY_SCOPE; a viewer 403; nobody signed in 401), while the stored reports stay readable
 * like any other read of a public deployment.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, authApp, authDatabase, CITY_A, CITY_B, signIn } from '../auth/auth-app.ts';

let app: FastifyInstance;
let cycleId: number;

beforeAll(async () => {
  app = await authApp(await authDatabase('report'), { auth: { signInRateLimit: false } });
  await addUser(app, 'report.planner.a', 'planner', CITY_A);
  await addUser(app, 'report.planner.b', 'planner', CITY_B);
  await addUser(app, 'report.viewer', 'viewer');
  const a = await signIn(app, 'report.planner.a');
  const created = await a.inject({ method: 'POST', url: '/api/check/cycles', payload: { dataset: CITY_A, year: 2025 } });
  expect(created.statusCode, created.body).toBe(201);
  cycleId = created.json().id;
}, 60_000);
afterAll(async () => {
  await app?.close();
});

describe('POST /api/check/cycles/:cycleId/report', () => {
  it('needs a sign-in, a planner, and one of the cycle\'s own city', async () => {
    const url = `/api/check/cycles/${cycleId}/report`;
    expect((await app.inject({ method: 'POST', url, payload: {} })).statusCode).toBe(401);
    expect((await (await signIn(app, 'report.viewer')).inject({ method: 'POST', url, payload: {} })).statusCode).toBe(403);
    const other = await (await signIn(app, 'report.planner.b')).inject({ method: 'POST', url, payload: {} });
    expect(other.statusCode).toBe(403);
    expect(other.json().message).toContain(`may change only the city ${CITY_B}`);
    // the city's own planner passes the checks and is told the cycle has no values yet
    const own = await (await signIn(app, 'report.planner.a')).inject({ method: 'POST', url, payload: {} });
    expect(own.statusCode).toBe(409);
    expect(own.json().message).toMatch(/compute it before generating its report/);
  });

  it('leaves the list of stored reports readable without sign-in in a public deployment', async () => {
    const res = await app.inject(`/api/check/cycles/${cycleId}/reports`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ cycleId, reports: [] });
  });
});
