/**
 * PATCH /api/waterlogging-points/:id with sign-in on: the status history and the audit row name the
 * signed-in planner (there is no actor field any more); a planner scoped to another city is refused
 * with 403 although the request names no city (the point's own city is checked); a viewer cannot
 * write, nobody signed in gets 401. Runs in a database of its own (`<test db>_auth_wl`).
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, authApp, authDatabase, CITY_A, CITY_B, signIn } from '../auth/auth-app.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let pointB: number;
let plannerB: number;

beforeAll(async () => {
  const url = await authDatabase('wl');
  app = await authApp(url, { auth: { signInRateLimit: false } });
  pool = new pg.Pool({ connectionString: url, max: 2 });
  const { rows } = await pool.query(`
    INSERT INTO app.waterlogging_point (name, status, severity, geom, dataset_id, source_id, check_year)
    VALUES ('示例·乙市积水点', 'untreated', 'medium', ST_SetSRID(ST_MakePoint(118.8005, 32.0005), 4326), $1, 'B-1', 2025) RETURNING id`, [CITY_B]);
  pointB = Number(rows[0].id);
  await addUser(app, 'wl.planner.a', 'planner', CITY_A);
  plannerB = await addUser(app, 'wl.planner.b', 'planner', CITY_B);
  await addUser(app, 'wl.viewer', 'viewer');
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await app?.close();
});

describe('PATCH /api/waterlogging-points/:pointId signed in', () => {
  it('refuses nobody (401), a viewer (403) and a planner of another city (403), changing nothing', async () => {
    expect((await app.inject({ method: 'PATCH', url: `/api/waterlogging-points/${pointB}`, payload: { status: 'in_progress' } })).statusCode).toBe(401);
    const viewer = await signIn(app, 'wl.viewer');
    expect((await viewer.inject({ method: 'PATCH', url: `/api/waterlogging-points/${pointB}`, payload: { status: 'in_progress' } })).statusCode).toBe(403);
    const a = await signIn(app, 'wl.planner.a');
    const other = await a.inject({ method: 'PATCH', url: `/api/waterlogging-points/${pointB}`, payload: { status: 'in_progress' } });
    expect(other.statusCode).toBe(403);
    expect(other.json().message).toBe(`wl.planner.a may change only the city ${CITY_A}, not ${CITY_B}.`);
    const { rows } = await pool.query(`SELECT status FROM app.waterlogging_point WHERE id = $1`, [pointB]);
    expect(rows[0].status).toBe('untreated');
  });

  it('records the signed-in planner of the city in the history and the audit log', async () => {
    const b = await signIn(app, 'wl.planner.b');
    const res = await b.inject({ method: 'PATCH', url: `/api/waterlogging-points/${pointB}`, payload: { status: 'in_progress', note: '泵站扩容' } });
    expect(res.statusCode, res.body).toBe(200);
    const last = res.json().changes.at(-1);
    expect(last).toMatchObject({ fromStatus: 'untreated', toStatus: 'in_progress', actor: 'wl.planner.b', note: '泵站扩容' });
    const audit = await pool.query(`SELECT actor, user_id FROM app.audit_log WHERE table_name = 'waterlogging_point' AND row_id = $1 AND action = 'UPDATE'`, [pointB]);
    expect(audit.rows).toEqual([{ actor: 'wl.planner.b', user_id: plannerB }]);
  });
});
