/**
 * Hardening of the HTTP surface: security headers (helmet, a CSP the map client works with), a
 * too-large body → 413 in our JSON shape, per-client rate limits on expensive endpoints → 429 +
 * Retry-After, analyses on their own pool, and errors mapped to our own words — the errors are real
 * ones, raised by PostgreSQL/PostGIS/GEOS or by the driver, not built by hand.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { classifyError } from '../../server/plugins/error-handler.ts';
import { testDatabaseUrl } from '../helpers/db.ts';

let app: FastifyInstance;
let limited: FastifyInstance;
let pool: pg.Pool;

beforeAll(async () => {
  app = await buildApp({ databaseUrl: testDatabaseUrl(), logLevel: 'silent', rateLimit: false, auth: { mode: 'off' } });
  limited = await buildApp({ databaseUrl: testDatabaseUrl(), logLevel: 'silent', rateLimit: { max: 2, timeWindowMs: 60_000 }, auth: { mode: 'off' } });
  pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
});
afterAll(async () => {
  await app?.close();
  await limited?.close();
  await pool?.end();
});

/** The error a real statement raises. */
async function pgErrorOf(text: string, values: unknown[] = []): Promise<Error> {
  try {
    await pool.query(text, values);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('security headers', () => {
  it('sets a CSP the map client works with, nosniff, no framing and a referrer policy', async () => {
    const res = await app.inject('/api/health');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/worker-src 'self' blob:/);
    expect(csp).toMatch(/img-src 'self' data: blob:/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('gives the API docs their own CSP without an https upgrade', async () => {
    const res = await app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
  });
});

describe('request limits', () => {
  it('answers a 25 MB body with 413 in our JSON error shape', async () => {
    const big = JSON.stringify({ parks: 'x'.repeat(25 * 1024 * 1024) });
    const res = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage', payload: big, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: 'BODY_TOO_LARGE', message: 'The request body is too large.', statusCode: 413 });
  });

  it('limits expensive endpoints per client with 429 + Retry-After, and leaves tiles and health alone', async () => {
    const whatIf = () => limited.inject({ method: 'POST', url: '/api/analysis/life-circle/what-if', payload: {}, remoteAddress: '10.0.0.7' });
    expect((await whatIf()).statusCode).toBe(400); // counted, then rejected by validation
    expect((await whatIf()).statusCode).toBe(400);
    const third = await whatIf();
    expect(third.statusCode).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.json()).toMatchObject({ error: 'RATE_LIMITED', statusCode: 429 });
    // Another client is not affected, nor are cheap endpoints of the limited client.
    const other = await limited.inject({ method: 'POST', url: '/api/analysis/life-circle/what-if', payload: {}, remoteAddress: '10.0.0.8' });
    expect(other.statusCode).toBe(400);
    for (let i = 0; i < 4; i++) {
      expect((await limited.inject({ url: '/api/health', remoteAddress: '10.0.0.7' })).statusCode).toBe(200);
      expect((await limited.inject({ url: '/tiles/roads/14/13703/6671.mvt', remoteAddress: '10.0.0.7' })).statusCode).toBeLessThan(300);
    }
  });

  it('runs analyses on a pool of their own, apart from tiles and the general pool', () => {
    expect(app.analysisPg).not.toBe(app.pg);
    expect(app.analysisPg.options.max).toBeLessThan(app.pg.options.max);
    expect(app.analysisPg.options.application_name).toBe('citycheck-analysis');
  });
});

describe('errors in our own words', () => {
  it('maps a GEOS TopologyException from input geometry to 400 without the GEOS text', async () => {
    const err = await pgErrorOf(`SELECT ST_Difference('POLYGON((0 0,10 10,10 0,0 10,0 0))'::geometry, 'POLYGON((5 0,15 0,15 10,5 10,5 0))'::geometry)`);
    expect(err.message).toMatch(/TopologyException/);
    const c = classifyError(err);
    expect(c).toMatchObject({ status: 400, code: 'INVALID_GEOMETRY' });
    expect(c.message).not.toMatch(/GEOS|lwgeom|TopologyException/);
  });

  it('maps PostgreSQL data errors to 400 in our words, but passes the messages our SQL functions raise', async () => {
    const cast = classifyError(await pgErrorOf(`SELECT 'abc'::integer`));
    expect(cast).toMatchObject({ status: 400, code: 'PG_22P02' });
    expect(cast.message).not.toMatch(/invalid input syntax|abc/);
    const range = classifyError(await pgErrorOf(`SELECT 1e308::float8 * 1e308::float8`));
    expect(range).toMatchObject({ status: 400, code: 'PG_22003' });
    const ours = classifyError(await pgErrorOf(`SELECT * FROM internal.clean_interrupted_imports(interval '-1 second')`));
    expect(ours).toMatchObject({ status: 400, code: 'PG_22023', message: 'clean_interrupted_imports: stale_after must be a non-negative interval' });
  });

  // A timeout that lands inside GEOS is no longer provoked here: on PostGIS 3.3.2 / Debian 12 one such
  // interrupted ST_Union aborted its backend (glibc "malloc assertion failure in sysmalloc", signal 6),
  // which put the whole shared test cluster into crash recovery and failed unrelated test files.
  it('maps a statement timeout to 503 + Retry-After', async () => {
    const client = await pool.connect();
    try {
      await client.query(`SET statement_timeout = 50`);
      const sleep = await client.query(`SELECT pg_sleep(5)`).catch((e: Error) => e);
      expect(classifyError(sleep as Error)).toMatchObject({ status: 503, code: 'TIMEOUT', headers: { 'retry-after': '2' } });
    } finally {
      await client.query(`RESET statement_timeout`).catch(() => {});
      client.release();
    }
  });

  it('maps a database that refuses connections to 503 + Retry-After without its address', async () => {
    const down = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    const err = await down.query('SELECT 1').catch((e: Error) => e);
    await down.end();
    const c = classifyError(err as Error);
    expect(c).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(Number(c.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(c.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });

  it('maps an administrator shutting a session down (57P01) to 503', async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    client.on('error', () => {});
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const pending = client.query('SELECT pg_sleep(10)').catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    await pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const err = await pending;
    await client.end().catch(() => {});
    expect(classifyError(err as Error)).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
  });
});
