/**
 * The audit trail names people: every audit row a signed-in request causes carries that person
 * (user_id and username as actor), whichever write path made it; rows written outside a request
 * name the database user; pooled connections never carry one request's person into another;
 * GET /api/audit filters by person, table, feature and time and pages.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, authApp, authDatabase, CITY_A, CITY_B, signIn, type Client } from './auth-app.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let planner: Client;
let admin: Client;
let plannerId: number;
let adminId: number;

beforeAll(async () => {
  const url = await authDatabase('audit');
  app = await authApp(url, { auth: { signInRateLimit: false } });
  pool = new pg.Pool({ connectionString: url, max: 2 });
  plannerId = await addUser(app, 'audit.planner', 'planner');
  adminId = await addUser(app, 'audit.admin', 'admin');
  planner = await signIn(app, 'audit.planner');
  admin = await signIn(app, 'audit.admin');
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await app?.close();
});

const lastId = async () => (await pool.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM app.audit_log')).rows[0].id;

describe('audit rows name the person', () => {
  it('on every write path a planner has (catalogue override, city rename, city setting)', async () => {
    const before = await lastId();
    const writes = [
      { method: 'PUT' as const, url: `/api/facility-types/kindergarten?dataset=${CITY_A}`, payload: { standardDistanceM: 280 } },
      { method: 'PUT' as const, url: `/api/datasets/${CITY_B}`, payload: { name: '乙市新名' } },
      { method: 'PUT' as const, url: `/api/datasets/${CITY_A}/settings/walking_speed_m_per_min`, payload: { value: 70 } },
    ];
    for (const w of writes) expect((await planner.inject(w)).statusCode, w.url).toBe(200);
    const rows = (await pool.query('SELECT table_name, action, actor, user_id FROM app.audit_log WHERE id > $1 ORDER BY id', [before])).rows;
    expect(rows.map((r) => r.table_name).sort()).toEqual(['dataset', 'dataset_setting', 'facility_type_city']);
    for (const r of rows) expect(r, r.table_name).toMatchObject({ actor: 'audit.planner', user_id: plannerId });
  });

  it('on the admin\'s writes to people and tokens, without any secret in before/after', async () => {
    const before = await lastId();
    const created = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'audit.new', role: 'viewer', password: 'a long enough password' } });
    expect(created.statusCode).toBe(201);
    expect((await admin.inject({ method: 'PATCH', url: `/api/users/${created.json().id}`, payload: { role: 'planner', password: 'another long password' } })).statusCode).toBe(200);
    const token = await admin.inject({ method: 'POST', url: '/api/auth/tokens', payload: { name: 'backup script' } });
    expect((await admin.inject({ method: 'DELETE', url: `/api/auth/tokens/${token.json().id}` })).statusCode).toBe(200);
    const rows = (await pool.query('SELECT table_name, action, actor, user_id, old_row, new_row FROM app.audit_log WHERE id > $1 ORDER BY id', [before])).rows;
    expect(rows.map((r) => `${r.action} ${r.table_name}`)).toEqual(['INSERT app_user', 'UPDATE app_user', 'INSERT api_token', 'UPDATE api_token']);
    for (const r of rows) expect(r).toMatchObject({ actor: 'audit.admin', user_id: adminId });
    expect(rows[1].old_row.role).toBe('viewer');
    expect(rows[1].new_row.role).toBe('planner');
    const text = JSON.stringify(rows);
    expect(text).not.toMatch(/password_hash|token_hash|scrypt\$/);
  });

  it('names the database user, and no person, for writes outside a request', async () => {
    await pool.query(`UPDATE app.green_space SET name = '公园（改）' WHERE dataset_id = $1`, [CITY_A]);
    const r = (await pool.query(`SELECT actor, user_id FROM app.audit_log WHERE table_name = 'green_space' ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(r.user_id).toBeNull();
    expect(r.actor).toBe((await pool.query('SELECT current_user AS u')).rows[0].u);
  });

  it('never leaves a person on a pooled connection after their request', async () => {
    expect((await planner.inject({ method: 'PUT', url: `/api/facility-types/pharmacy?dataset=${CITY_A}`, payload: { standardDistanceM: 400 } })).statusCode).toBe(200);
    const seen = await Promise.all(Array.from({ length: 24 }, () => app.pg.query<{ s: string | null }>(`SELECT current_setting('citycheck.user', true) AS s, pg_sleep(0.01)`)));
    expect(new Set(seen.map((r) => r.rows[0].s ?? ''))).toEqual(new Set(['']));
  });
});

describe('GET /api/audit', () => {
  it('lists one person\'s changes, newest first, and pages with nextBefore', async () => {
    const first = await admin.inject({ method: 'GET', url: `/api/audit?userId=${plannerId}&limit=2` });
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.entries).toHaveLength(2);
    expect(page1.entries.every((e: { actor: string }) => e.actor === 'audit.planner')).toBe(true);
    expect(page1.entries[0].id).toBeGreaterThan(page1.entries[1].id);
    const page2 = (await admin.inject({ method: 'GET', url: `/api/audit?userId=${plannerId}&limit=2&before=${page1.nextBefore}` })).json();
    expect(page2.entries[0].id).toBeLessThan(page1.entries[1].id);
    expect(page1.tables).toEqual(expect.arrayContaining(['facility_type_city', 'app_user', 'green_space']));
  });

  it('gives one feature\'s history (table + rowId) with before and after', async () => {
    const park = (await pool.query(`SELECT id FROM app.green_space WHERE dataset_id = $1`, [CITY_A])).rows[0].id;
    const res = (await planner.inject({ method: 'GET', url: `/api/audit?table=green_space&rowId=${park}` })).json();
    expect(res.entries.map((e: { action: string }) => e.action)).toEqual(['UPDATE', 'INSERT']);
    expect(res.entries[0].before.name).toBe('公园');
    expect(res.entries[0].after.name).toBe('公园（改）');
    // The same by map layer (what a feature's panel knows), read as its main table.
    const byLayer = (await planner.inject({ method: 'GET', url: `/api/audit?layer=green_spaces&rowId=${park}` })).json();
    expect(byLayer.entries.map((e: { id: number }) => e.id)).toEqual(res.entries.map((e: { id: number }) => e.id));
    expect((await planner.inject({ method: 'GET', url: `/api/audit?layer=no_such_layer&rowId=${park}` })).statusCode).toBe(404);
    expect((await planner.inject({ method: 'GET', url: `/api/audit?layer=green_spaces&table=green_space` })).statusCode).toBe(400);
  });

  it('filters by time and refuses an unknown table with 400', async () => {
    const future = (await planner.inject({ method: 'GET', url: '/api/audit?from=2999-01-01T00:00:00Z' })).json();
    expect(future.entries).toEqual([]);
    const bad = await planner.inject({ method: 'GET', url: '/api/audit?table=no_such_table' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('no_such_table');
  });
});
