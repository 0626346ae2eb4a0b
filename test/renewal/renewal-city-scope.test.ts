/**
 * City scope of the renewal writes with sign-in on: a planner scoped to one city cannot edit another
 * city's estate ledger or renewal project (fields, site geometry, stage moves, expected effect),
 * although these requests name no city (the row's own city is checked) → 403 with the auth hook's
 * message, nothing changed; the planner of the row's city passes the same check. Runs in a database
 * of its own (`<test db>_auth_renewal`).
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, authApp, authDatabase, CITY_A, CITY_B, signIn, type Client } from '../auth/auth-app.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let estateB: number;
let projectB: number;
let a: Client;
let b: Client;
const siteB = { type: 'Polygon', coordinates: [[[118.8, 32.0], [118.801, 32.0], [118.801, 32.001], [118.8, 32.001], [118.8, 32.0]]] };
const refused = `renewal.planner.a may change only the city ${CITY_A}, not ${CITY_B}.`;

beforeAll(async () => {
  const url = await authDatabase('renewal');
  app = await authApp(url, { auth: { signInRateLimit: false } });
  pool = new pg.Pool({ connectionString: url, max: 2 });
  const { rows } = await pool.query(`
    INSERT INTO app.estate (name, build_year, geom, dataset_id, source_id, check_year)
    VALUES ('示例·乙市小区', 1988, ST_Multi(ST_MakeEnvelope(118.8, 32.0, 118.801, 32.001, 4326)), $1, 'E-B1', 2025) RETURNING id`, [CITY_B]);
  estateB = Number(rows[0].id);
  await addUser(app, 'renewal.planner.a', 'planner', CITY_A);
  await addUser(app, 'renewal.planner.b', 'planner', CITY_B);
  a = await signIn(app, 'renewal.planner.a');
  b = await signIn(app, 'renewal.planner.b');
  const created = await b.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: CITY_B, name: '乙市更新项目', estateIds: [estateB], geometry: siteB } });
  expect(created.statusCode, created.body).toBe(201);
  projectB = created.json().id;
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await app?.close();
});

const projectRow = async () =>
  (await pool.query(`SELECT name, stage, expected_effect, ST_AsText(geom) AS geom, updated_at FROM app.renewal_project WHERE id = $1`, [projectB])).rows[0];

describe('renewal writes of a city-scoped planner', () => {
  it('refuses an edit of another city\'s estate ledger with 403, the estate unchanged', async () => {
    const res = await a.inject({ method: 'PATCH', url: `/api/renewal/ledger/estates/${estateB}`, payload: { renovationStatus: 'planned' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'CITY_SCOPE', message: refused });
    const { rows } = await pool.query(`SELECT renovation_status FROM app.estate WHERE id = $1`, [estateB]);
    expect(rows[0].renovation_status).toBeNull();
  });

  it('lets the planner of the estate\'s city edit it', async () => {
    const res = await b.inject({ method: 'PATCH', url: `/api/renewal/ledger/estates/${estateB}`, payload: { renovationStatus: 'planned' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().renovationStatus).toBe('planned');
  });

  it('refuses a new project named for another city with 403', async () => {
    const named = await a.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: CITY_B, name: 'x' } });
    expect(named.statusCode).toBe(403);
    expect(named.json().message).toBe(refused);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.renewal_project`);
    expect(rows[0].n).toBe(1);
  });

  it('refuses every write of another city\'s project with 403, the project unchanged', async () => {
    const before = await projectRow();
    const writes = [
      { method: 'PATCH' as const, url: `/api/renewal/projects/${projectB}`, payload: { name: '改名' } },
      { method: 'PATCH' as const, url: `/api/renewal/projects/${projectB}`, payload: { geometry: null } },
      { method: 'POST' as const, url: `/api/renewal/projects/${projectB}/transitions`, payload: { to: 'approved', reason: '越权' } },
      { method: 'POST' as const, url: `/api/renewal/projects/${projectB}/expected-effect`, payload: { coverageRunId: 1 } },
      { method: 'POST' as const, url: `/api/renewal/projects/${projectB}/expected-effect`, payload: { facility: { type: 'kindergarten', lon: 118.8005, lat: 32.0005 } } },
    ];
    for (const w of writes) {
      const res = await a.inject(w);
      expect(res.statusCode, `${w.method} ${w.url} ${res.body}`).toBe(403);
      expect(res.json()).toMatchObject({ error: 'CITY_SCOPE', message: refused });
    }
    expect(await projectRow()).toEqual(before);
    const moves = await pool.query(`SELECT count(*)::int AS n FROM app.renewal_project_transition WHERE project_id = $1`, [projectB]);
    expect(moves.rows[0].n).toBe(1);
  });

  it('lets the planner of the project\'s city edit, move it and reach the expected-effect checks', async () => {
    const patched = await b.inject({ method: 'PATCH', url: `/api/renewal/projects/${projectB}`, payload: { name: '乙市更新项目（改）' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().name).toBe('乙市更新项目（改）');
    const moved = await b.inject({ method: 'POST', url: `/api/renewal/projects/${projectB}/transitions`, payload: { to: 'approved', reason: '立项' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().transitions.at(-1)).toMatchObject({ toStage: 'approved', actor: 'renewal.planner.b' });
    // past the scope check: the next check names the missing run
    const effect = await b.inject({ method: 'POST', url: `/api/renewal/projects/${projectB}/expected-effect`, payload: { coverageRunId: 987654 } });
    expect(effect.statusCode).toBe(404);
    expect(effect.json().message).toBe('No green-coverage run 987654');
  });
});
