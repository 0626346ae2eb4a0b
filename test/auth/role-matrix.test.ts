/**
 * Every write route of the app (read from the app's own route table, so a route added later is in
 * the matrix without editing this file) against every role: no sign-in → 401, a role below the
 * route's → 403, the route's role and above → neither (the request then reaches validation or the
 * handler). A few writes are then made for real (2xx) by the least role allowed. In an intranet
 * deployment the reads of the API, tiles and features need a signed-in viewer.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRole, ROLES, type Role } from '../../server/auth/roles.ts';
import type { RoutePolicyEntry } from '../../server/plugins/auth.ts';
import { addUser, authApp, authDatabase, CITY_A, signIn, type Client } from './auth-app.ts';

let app: FastifyInstance;
let dbUrl: string;
const as: Partial<Record<Role, Client>> = {};
/** The last audit row before the matrix's requests (people created by the test setup come before). */
let auditFrom = 0;

beforeAll(async () => {
  dbUrl = await authDatabase('matrix');
  app = await authApp(dbUrl, { auth: { signInRateLimit: false } });
  for (const role of ROLES) {
    await addUser(app, `matrix.${role}`, role);
    as[role] = await signIn(app, `matrix.${role}`);
  }
  const pool = new pg.Pool({ connectionString: dbUrl, max: 1 });
  auditFrom = (await pool.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM app.audit_log')).rows[0].id;
  await pool.end();
}, 60_000);

afterAll(async () => {
  await app?.close();
});

/** A concrete URL for a route pattern: parameters get harmless values that name nothing real. */
function concreteUrl(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => (/id$/i.test(name) ? '999999' : 'matrix_x')).replace(/\*$/, 'x');
}

function writeRoutes(): RoutePolicyEntry[] {
  return app.auth.routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
}

describe('role matrix over the route table', () => {
  it('finds the write routes of every area in the table', () => {
    const urls = writeRoutes().map((r) => r.url);
    expect(urls).toEqual(expect.arrayContaining(['/api/facility-types/:code', '/api/datasets/:id', '/api/users', '/api/auth/sign-in']));
    expect(urls.some((u) => u.startsWith('/api/analysis/'))).toBe(true);
    // Only sign-in, sign-out (which needs no role to end one's own session) and the POSTs that only
    // compute (config auth: 'read': they follow the read access like a GET) may be used without one.
    const open = writeRoutes().filter((r) => r.policy.kind !== 'role').map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual([
      'POST /api/analysis/diagnosis', 'POST /api/analysis/diagnosis/:runId/recompute',
      'POST /api/analysis/green-coverage', 'POST /api/analysis/green-coverage/:runId/pocket-parks',
      'POST /api/analysis/green-coverage/:runId/what-if', 'POST /api/analysis/life-circle/what-if',
      'POST /api/analysis/renewal/candidates', 'POST /api/analysis/renewal/constraints',
      'POST /api/auth/sign-in', 'POST /api/auth/sign-out',
    ]);
  });

  it('answers 401 without sign-in and 403 below the route\'s role, and lets the role through', async () => {
    const rows: string[] = [];
    for (const r of writeRoutes()) {
      if (r.policy.kind !== 'role') continue;
      const required = r.policy.role;
      const url = concreteUrl(r.url);
      const method = r.method as 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      const anon = await app.inject({ method, url, payload: {} });
      const got: string[] = [`${anon.statusCode}`];
      expect(anon.statusCode, `${method} ${r.url} without sign-in`).toBe(401);
      for (const role of ROLES) {
        const res = await as[role]!.inject({ method, url, payload: {} });
        got.push(`${role}:${res.statusCode}`);
        if (hasRole(role, required)) expect([401, 403], `${method} ${r.url} as ${role}: ${res.body}`).not.toContain(res.statusCode);
        else expect(res.statusCode, `${method} ${r.url} as ${role}`).toBe(403);
      }
      rows.push(`${method} ${r.url} (${required}) → ${got.join(' ')}`);
    }
    expect(rows.length).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('lets the least allowed role actually write (2xx)', async () => {
    const planner = as.planner!;
    expect((await planner.inject({ method: 'PUT', url: `/api/facility-types/kindergarten?dataset=${CITY_A}`, payload: { standardDistanceM: 250 } })).statusCode).toBe(200);
    expect((await planner.inject({ method: 'PUT', url: `/api/datasets/${CITY_A}`, payload: { name: '甲市（改）' } })).statusCode).toBe(200);
    expect((await as.viewer!.inject({ method: 'POST', url: '/api/auth/tokens', payload: { name: 'viewer script' } })).statusCode).toBe(201);
    const created = await as.admin!.inject({ method: 'POST', url: '/api/users', payload: { username: 'matrix.new', role: 'viewer', password: 'a long enough password' } });
    expect(created.statusCode).toBe(201);
    expect((await as.planner!.inject({ method: 'POST', url: '/api/users', payload: { username: 'matrix.new2', role: 'viewer', password: 'a long enough password' } })).statusCode).toBe(403);
  });

  it('names the signed-in person in every audit row the requests above caused, on whichever route', async () => {
    const pool = new pg.Pool({ connectionString: dbUrl, max: 1 });
    try {
      const audit = await pool.query<{ actor: string; user_id: number | null; table_name: string }>(
        'SELECT actor, user_id, table_name FROM app.audit_log WHERE id > $1', [auditFrom]);
      expect(audit.rows.length).toBeGreaterThanOrEqual(4); // override, rename, token, new user at least
      for (const a of audit.rows) {
        expect(a.user_id, `audit row on ${a.table_name}`).not.toBeNull();
        expect(a.actor).toMatch(/^matrix\./);
      }
    } finally {
      await pool.end();
    }
  });

  it('keeps reads open in a public deployment', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/facility-types' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/tiles/catalog' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(401);
    expect((await as.planner!.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(403);
    expect((await as.viewer!.inject({ method: 'GET', url: '/api/audit' })).statusCode).toBe(403);
  });
});

describe('intranet deployment (readAccess signed-in)', () => {
  it('needs a signed-in viewer for the API, tiles and features, but not for sign-in itself', async () => {
    const intranet = await authApp(dbUrl, { auth: { readAccess: 'signed-in', signInRateLimit: false } });
    try {
      for (const url of ['/api/facility-types', '/tiles/catalog', '/collections', '/api/search?q=a']) {
        expect((await intranet.inject({ method: 'GET', url })).statusCode, url).toBe(401);
      }
      expect((await intranet.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      const me = await intranet.inject({ method: 'GET', url: '/api/auth/me' });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ user: null, readAccess: 'signed-in' });
      const viewer = await signIn(intranet, 'matrix.viewer');
      expect((await viewer.inject({ method: 'GET', url: '/api/facility-types' })).statusCode).toBe(200);
      expect((await viewer.inject({ method: 'GET', url: '/tiles/catalog' })).statusCode).toBe(200);
      // A POST that only computes follows the read access: a signed-in viewer here, nobody anonymous.
      const whatIf = { method: 'POST' as const, url: '/api/analysis/life-circle/what-if', payload: {} };
      expect((await intranet.inject(whatIf)).statusCode).toBe(401);
      expect((await viewer.inject(whatIf)).statusCode).not.toBe(401);
      // The policy table says the same as the answers.
      const tiles = intranet.auth.routes.find((r) => r.method === 'GET' && r.url === '/tiles/catalog');
      expect(tiles?.policy).toEqual({ kind: 'role', role: 'viewer' });
    } finally {
      await intranet.close();
    }
  });
});
