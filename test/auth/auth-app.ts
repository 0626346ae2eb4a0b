/**
 * Test support for sign-in: a database of its own per test file (`<test db>_auth_<name>`, two
 * small cities with one park each), the real app with sign-in on, people created as the CLI does, and a
 * signed-in client that sends its session cookie and CSRF token like the browser client.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { hashPassword } from '../../server/auth/password.ts';
import type { Role } from '../../server/auth/roles.ts';
import { buildApp, type AppOptions } from '../../server/app.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { userRepository } from '../../server/repositories/user-repository.ts';
import { testDatabaseUrl } from '../helpers/db.ts';

export const CITY_A = 'auth-city-a';
export const CITY_B = 'auth-city-b';

/** A fresh, migrated database for one test file, with two cities. */
export async function authDatabase(name: string): Promise<string> {
  const admin = new URL(testDatabaseUrl());
  const dbName = `${admin.pathname.slice(1)}_auth_${name}`;
  admin.pathname = '/postgres';
  const url = await ensureDatabase(admin.toString(), dbName, { recreate: true });
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`INSERT INTO app.dataset (id, name) VALUES ($1, '甲市'), ($2, '乙市')`, [CITY_A, CITY_B]);
    // A city holds data (server/repositories/city-repository.ts): one small park each.
    await pool.query(`
      INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, source_id, check_year)
      SELECT '公园', 'park', true, ST_Multi(ST_MakeEnvelope(x, 32.0, x + 0.001, 32.001, 4326)), d, 'p1', 2025
      FROM (VALUES ($1::text, 118.70), ($2::text, 118.80)) v(d, x)`, [CITY_A, CITY_B]);
  } finally {
    await pool.end();
  }
  return url;
}

export function authApp(databaseUrl: string, extra: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  return buildApp({ databaseUrl, logLevel: 'silent', statementTimeoutMs: 20_000, rateLimit: false, ...extra });
}

export const PASSWORD = 'correct horse battery staple';

/** Adds a person directly (as `npm run user -- add` does); returns their id. */
export async function addUser(app: FastifyInstance, username: string, role: Role, dataset: string | null = null): Promise<number> {
  const u = await userRepository(app.db).create({ username, role, dataset, passwordHash: await hashPassword(PASSWORD) });
  return u.id;
}

export interface Client {
  cookie: string;
  csrf: string;
  /** app.inject with the session cookie and (unless `csrf: false`) the CSRF header. */
  inject(opts: InjectOptions, o?: { csrf?: boolean }): Promise<LightMyRequestResponse>;
}

/** Signs in through the API and returns a client acting with that session. */
export async function signIn(app: FastifyInstance, username: string, password = PASSWORD): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${username}: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((c) => c.name === 'citycheck_session');
  if (!setCookie) throw new Error('no session cookie');
  const cookie = `citycheck_session=${setCookie.value}`;
  const csrf = res.json().csrfToken as string;
  return {
    cookie,
    csrf,
    inject: (opts, o = {}) => app.inject({
      ...opts,
      headers: { ...(opts.headers ?? {}), cookie, ...(o.csrf === false ? {} : { 'x-csrf-token': csrf }) },
    }),
  };
}
