/**
 * `npm run db -- backup` → `restore` round trip: a database with cities, parks, people, tokens,
 * sessions and audit rows is dumped (pg_dump custom format) and restored into an empty database
 * through the command line; every table of every CityCheck schema has the same row count and the
 * same checksum of its rows afterwards, and a restored person can sign in.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../server/config.ts';
import { ensureDatabase } from '../../server/db/migrate.ts';
import { testDatabaseUrl } from '../helpers/db.ts';
import { addUser, authApp, authDatabase, signIn } from './auth-app.ts';

let source: string;
let target: string;
let dir: string;

/** Row count and an order-independent checksum of every table in the project's schemas. */
async function tableChecksums(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ t: string }>(`
      SELECT format('%I.%I', n.nspname, c.relname) AS t
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('app', 'analysis', 'tiles', 'internal', 'staging', 'public')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1`);
    const out: Record<string, string> = {};
    for (const { t } of tables.rows) {
      // t comes from format('%I.%I') of the catalog: quoted identifiers, not user input.
      const r = await client.query<{ n: number; sum: string | null }>(
        `SELECT count(*)::int AS n, md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))) AS sum FROM ${t} x`);
      out[t] = `${r.rows[0].n} ${r.rows[0].sum ?? '-'}`;
    }
    return out;
  } finally {
    await client.end();
  }
}

function cli(args: string[], databaseUrl: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/cli/db.ts'), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 120_000,
  });
}

beforeAll(async () => {
  source = await authDatabase('backup');
  const app = await authApp(source, { auth: { signInRateLimit: false } });
  try {
    await addUser(app, 'backup.admin', 'admin');
    const admin = await signIn(app, 'backup.admin');
    await admin.inject({ method: 'POST', url: '/api/auth/tokens', payload: { name: 'kept' } });
    await admin.inject({ method: 'PUT', url: '/api/facility-types/kindergarten?dataset=auth-city-a', payload: { standardDistanceM: 250 } });
  } finally {
    await app.close();
  }
  const admin = new URL(testDatabaseUrl());
  const name = `${admin.pathname.slice(1)}_auth_restored`;
  admin.pathname = '/postgres';
  target = await ensureDatabase(admin.toString(), name, { recreate: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citycheck-backup-'));
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run db -- backup / restore', () => {
  it('restores into an empty database with every table\'s rows intact', async () => {
    const file = path.join(dir, 'citycheck.dump');
    const backup = cli(['backup', file], source);
    expect(backup.status, backup.stderr).toBe(0);
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP'); // pg_dump custom format

    const restore = cli(['restore', file], target);
    expect(restore.status, restore.stderr).toBe(0);

    const [before, after] = [await tableChecksums(source), await tableChecksums(target)];
    expect(Object.keys(before).length).toBeGreaterThan(20);
    expect(before['app.app_user']).toMatch(/^1 /);
    expect(Number(before['app.audit_log'].split(' ')[0])).toBeGreaterThan(3);
    expect(after).toEqual(before);
  }, 180_000);

  it('refuses to restore over a database that holds data, without --replace', () => {
    const file = path.join(dir, 'citycheck.dump');
    const again = cli(['restore', file], target);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/not empty.*--replace/);
  });

  it('gives back people who can sign in', async () => {
    const app = await authApp(target, { auth: { signInRateLimit: false } });
    try {
      const admin = await signIn(app, 'backup.admin');
      expect((await admin.inject({ method: 'GET', url: '/api/auth/tokens' })).json()[0].name).toBe('kept');
    } finally {
      await app.close();
    }
  });
});
