/**
 * Sign-in, sessions, CSRF, API tokens and city scope against a real PostGIS (a database of this
 * file's own), through the real app with sign-in on.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, authApp, authDatabase, CITY_A, CITY_B, PASSWORD, signIn } from './auth-app.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let dbUrl: string;
const bodies: string[] = [];

beforeAll(async () => {
  const url = await authDatabase('api');
  dbUrl = url;
  app = await authApp(url, { auth: { signInRateLimit: false } });
  // Every response this file gets, to look for secrets at the end.
  app.addHook('onSend', async (_req, _reply, payload) => {
    if (typeof payload === 'string') bodies.push(payload);
    return payload;
  });
  pool = new pg.Pool({ connectionString: url, max: 2 });
  await addUser(app, 'wang.viewer', 'viewer');
  await addUser(app, 'li.planner', 'planner');
  await addUser(app, 'zhao.admin', 'admin');
  await addUser(app, 'chen.a', 'planner', CITY_A);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await app?.close();
});

const override = (dataset: string, standardDistanceM: number) =>
  ({ method: 'PUT' as const, url: `/api/facility-types/kindergarten?dataset=${dataset}`, payload: { standardDistanceM } });

describe('sign-in', () => {
  it('answers 401 for a wrong password and for an unknown name, with the same message', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'li.planner', password: 'not the password' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'nobody', password: PASSWORD } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().message).toBe(unknown.json().message);
    expect(wrong.cookies).toHaveLength(0);
  });

  it('sets an HttpOnly, SameSite session cookie and returns the person and a CSRF token', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'LI.planner', password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'citycheck_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(String(cookie.sameSite).toLowerCase()).toMatch(/strict|lax/);
    expect(res.json()).toMatchObject({ user: { username: 'li.planner', role: 'planner', dataset: null }, readAccess: 'public' });
    expect(res.json().csrfToken).toEqual(expect.any(String));
  });

  it('never sends a Secure-only session cookie over plain http (CITYCHECK_COOKIE_SECURE=true)', async () => {
    const tls = await authApp(dbUrl, { auth: { cookieSecure: true } });
    try {
      const res = await tls.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'li.planner', password: PASSWORD } });
      expect(res.statusCode).toBe(200);
      expect(res.cookies.find((c) => c.name === 'citycheck_session')).toBeUndefined();
    } finally {
      await tls.close();
    }
  });

  it('marks the cookie Secure (and SameSite=Strict) when served over https through a trusted proxy', async () => {
    const proxied = await authApp(dbUrl, { trustProxy: true });
    try {
      const res = await proxied.inject({
        method: 'POST', url: '/api/auth/sign-in', payload: { username: 'li.planner', password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' },
      });
      const cookie = res.cookies.find((c) => c.name === 'citycheck_session')!;
      expect(cookie.secure).toBe(true);
      expect(cookie.sameSite).toBe('Strict');
      expect(cookie.httpOnly).toBe(true);
    } finally {
      await proxied.close();
    }
  });

  it('limits sign-in attempts per address and username (429 with Retry-After)', async () => {
    const limited = await authApp(dbUrl, { auth: { signInRateLimit: { max: 3, timeWindowMs: 60_000 } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await limited.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'zhao.admin', password: `guess ${i}` } });
        codes.push(r.statusCode);
        if (r.statusCode === 429) expect(r.headers['retry-after']).toBeDefined();
      }
      expect(codes).toEqual([401, 401, 401, 429]);
      // The right password does not get through either while limited; another username does.
      expect((await limited.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'zhao.admin', password: PASSWORD } })).statusCode).toBe(429);
      expect((await limited.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'wang.viewer', password: PASSWORD } })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('ends the session at sign-out', async () => {
    const c = await signIn(app, 'li.planner');
    expect((await c.inject({ method: 'POST', url: '/api/auth/sign-out' })).statusCode).toBe(204);
    expect((await c.inject({ method: 'GET', url: '/api/auth/me' })).json().user).toBeNull();
    expect((await c.inject(override(CITY_A, 500))).statusCode).toBe(401);
  });
});

describe('GET /api/auth/me', () => {
  it('says whether sign-in is on, so the client shows or hides edit controls', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/auth/me' })).json()).toEqual({ user: null, csrfToken: null, readAccess: 'public', mode: 'on' });
    const off = await authApp(dbUrl, { auth: { mode: 'off' } });
    try {
      expect((await off.inject({ method: 'GET', url: '/api/auth/me' })).json()).toMatchObject({ user: null, mode: 'off' });
      expect((await off.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'li.planner', password: PASSWORD } })).statusCode).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('sessions and CSRF', () => {
  it('refuses a write with the session cookie but no CSRF token (403), and accepts it with the token', async () => {
    const c = await signIn(app, 'li.planner');
    const without = await c.inject(override(CITY_A, 400), { csrf: false });
    expect(without.statusCode).toBe(403);
    const wrong = await app.inject({ ...override(CITY_A, 400), headers: { cookie: c.cookie, 'x-csrf-token': 'forged' } });
    expect(wrong.statusCode).toBe(403);
    const ok = await c.inject(override(CITY_A, 400));
    expect(ok.statusCode).toBe(200);
  });

  it('does not let one person\'s session cookie act as another', async () => {
    const viewer = await signIn(app, 'wang.viewer');
    const planner = await signIn(app, 'li.planner');
    // The viewer's cookie with the planner's CSRF token: the token belongs to another session.
    const mixed = await app.inject({ ...override(CITY_A, 450), headers: { cookie: viewer.cookie, 'x-csrf-token': planner.csrf } });
    expect(mixed.statusCode).toBe(403);
    // The viewer's own token: still only a viewer.
    expect((await viewer.inject(override(CITY_A, 450))).statusCode).toBe(403);
    // A cookie altered by one character is nobody's.
    const forged = `${planner.cookie.slice(0, -2)}${planner.cookie.endsWith('A') ? 'B' : 'A'}${planner.cookie.slice(-1)}`;
    const res = await app.inject({ ...override(CITY_A, 450), headers: { cookie: forged, 'x-csrf-token': planner.csrf } });
    expect(res.statusCode).toBe(401);
    // The planner's write is recorded as the planner, the viewer's session still names the viewer.
    expect((await planner.inject(override(CITY_A, 460))).statusCode).toBe(200);
    const last = await pool.query(`SELECT actor FROM app.audit_log WHERE table_name = 'facility_type_city' ORDER BY id DESC LIMIT 1`);
    expect(last.rows[0].actor).toBe('li.planner');
    expect((await viewer.inject({ method: 'GET', url: '/api/auth/me' })).json().user.username).toBe('wang.viewer');
  });

  it('ends the sessions of a person an admin disables', async () => {
    const id = await addUser(app, 'sun.leaving', 'planner');
    const leaving = await signIn(app, 'sun.leaving');
    const admin = await signIn(app, 'zhao.admin');
    expect((await admin.inject({ method: 'PATCH', url: `/api/users/${id}`, payload: { disabled: true } })).statusCode).toBe(200);
    expect((await leaving.inject(override(CITY_A, 470))).statusCode).toBe(401);
    const again = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'sun.leaving', password: PASSWORD } });
    expect(again.statusCode).toBe(401);
  });
});

describe('PUT /api/auth/password', () => {
  it('needs the current password, ends the person\'s other sessions and keeps this one', async () => {
    await addUser(app, 'pw.changer', 'planner');
    const here = await signIn(app, 'pw.changer');
    const elsewhere = await signIn(app, 'pw.changer');
    const wrong = await here.inject({ method: 'PUT', url: '/api/auth/password', payload: { currentPassword: 'not it at all', newPassword: 'a brand new password' } });
    expect(wrong.statusCode).toBe(400);
    const res = await here.inject({ method: 'PUT', url: '/api/auth/password', payload: { currentPassword: PASSWORD, newPassword: 'a brand new password' } });
    expect(res.statusCode).toBe(204);
    // This browser continues with the new session cookie the answer set, and a fresh CSRF token.
    const cookie = `citycheck_session=${res.cookies.find((c) => c.name === 'citycheck_session')!.value}`;
    const me = (await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json();
    expect(me.user.username).toBe('pw.changer');
    expect((await app.inject({ ...override(CITY_A, 520), headers: { cookie, 'x-csrf-token': me.csrfToken } })).statusCode).toBe(200);
    // The other session is over; the old password no longer signs in, the new one does.
    expect((await elsewhere.inject(override(CITY_A, 530))).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'pw.changer', password: PASSWORD } })).statusCode).toBe(401);
    await signIn(app, 'pw.changer', 'a brand new password');
  });
});

describe('API tokens', () => {
  it('acts as its owner until revoked, then answers 401', async () => {
    const planner = await signIn(app, 'li.planner');
    const created = await planner.inject({ method: 'POST', url: '/api/auth/tokens', payload: { name: 'nightly script' } });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json() as { id: number; token: string };
    const bearer = { authorization: `Bearer ${token}` };
    // No cookie, no CSRF token: a script.
    expect((await app.inject({ ...override(CITY_B, 480), headers: bearer })).statusCode).toBe(200);
    const audit = await pool.query(`SELECT actor, user_id FROM app.audit_log WHERE table_name = 'facility_type_city' ORDER BY id DESC LIMIT 1`);
    expect(audit.rows[0].actor).toBe('li.planner');
    const stored = await pool.query('SELECT token_hash FROM app.api_token WHERE id = $1', [id]);
    expect(stored.rows[0].token_hash).not.toContain(token);

    expect((await planner.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}` })).statusCode).toBe(200);
    const after = await app.inject({ ...override(CITY_B, 490), headers: bearer });
    expect(after.statusCode).toBe(401);
    expect((await planner.inject({ method: 'GET', url: '/api/auth/tokens' })).json()[0].revokedAt).toEqual(expect.any(String));
  });

  it('cannot revoke another person\'s token', async () => {
    const admin = await signIn(app, 'zhao.admin');
    const { id } = (await admin.inject({ method: 'POST', url: '/api/auth/tokens', payload: { name: 'admin script' } })).json() as { id: number };
    const planner = await signIn(app, 'li.planner');
    expect((await planner.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}` })).statusCode).toBe(404);
  });

  it('answers 401 for a made-up token', async () => {
    const res = await app.inject({ ...override(CITY_A, 500), headers: { authorization: 'Bearer cc_made-up' } });
    expect(res.statusCode).toBe(401);
  });
});

describe('city scope', () => {
  it('lets a city planner write their city and refuses another city with 403', async () => {
    const c = await signIn(app, 'chen.a');
    expect((await c.inject(override(CITY_A, 510))).statusCode).toBe(200);
    const other = await c.inject(override(CITY_B, 510));
    expect(other.statusCode).toBe(403);
    expect(other.json().message).toContain(CITY_A);
    expect((await c.inject({ method: 'PUT', url: `/api/datasets/${CITY_B}`, payload: { name: '别的城市' } })).statusCode).toBe(403);
  });
});

describe('people (admins)', () => {
  it('refuses a weak password with 400 and a taken name with 409', async () => {
    const admin = await signIn(app, 'zhao.admin');
    const weak = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'zhou', role: 'viewer', password: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().message).toMatch(/at least 10/);
    const taken = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'Li.Planner', role: 'viewer', password: PASSWORD } });
    expect(taken.statusCode).toBe(409);
  });

  it('keeps the last admin', async () => {
    const admin = await signIn(app, 'zhao.admin');
    const me = (await admin.inject({ method: 'GET', url: '/api/auth/me' })).json().user;
    const res = await admin.inject({ method: 'PATCH', url: `/api/users/${me.id}`, payload: { role: 'planner' } });
    expect(res.statusCode).toBe(409);
  });
});

describe('secrets', () => {
  it('never sends a password hash, a token hash or a session id hash in any response of this file', async () => {
    const admin = await signIn(app, 'zhao.admin');
    for (const url of ['/api/users', '/api/audit?limit=500', '/api/auth/me', '/api/auth/tokens']) {
      expect((await admin.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
    const secrets = await pool.query<{ s: string }>(`
      SELECT password_hash AS s FROM app.app_user UNION ALL SELECT token_hash FROM app.api_token
      UNION ALL SELECT sid_hash FROM app.user_session`);
    expect(secrets.rows.length).toBeGreaterThan(5);
    const all = bodies.join('\n');
    expect(all).toContain('zhao.admin');
    expect(all).not.toMatch(/scrypt\$/);
    expect(all).not.toMatch(/password_?hash|token_?hash/i);
    for (const { s } of secrets.rows) expect(all).not.toContain(s.split('$').pop()!);
  });
});
