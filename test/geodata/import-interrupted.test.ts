/**
 * Interrupted and rejected imports leave nothing behind. An import child process is killed with
 * SIGKILL in the middle of its promote transaction (staging tables loaded, run `running`); the next
 * import, or the next server start, marks the run failed, drops its staging tables, and no dataset
 * row without data remains. A rejected import lists no dataset in /api/labels or /api/health.
 *
 * Runs in a database of its own (`<test db>_ops_import`): it uses a short staleness, which must not
 * touch other files' running imports.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportRejectedError } from '../../geodata/import-run.ts';
import { importLedger } from '../../geodata/ledger/import-ledger.ts';
import { buildApp } from '../../server/app.ts';
import { cleanOnStart } from '../../server/server.ts';
import { ownDatabase } from '../helpers/db.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OSM_FIXTURE = path.join(ROOT, 'test/fixtures/osm/walk-topology.osm.xml');
const STALE_MS = 400;

let url: string;
let pool: pg.Pool;

beforeAll(async () => {
  url = await ownDatabase('_ops_import');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  process.env.CITYCHECK_IMPORT_STALE_MS = String(STALE_MS);
});
afterAll(async () => {
  delete process.env.CITYCHECK_IMPORT_STALE_MS;
  await pool?.end();
});

/**
 * Starts a real OSM import in a child process that stops inside its promote transaction (all rows
 * written, not committed) and resolves once it is there; the caller kills it.
 */
function importThatHangs(datasetId: string): Promise<{ kill: () => Promise<void> }> {
  const code = `
    import pg from 'pg';
    import { importOsm } from ${JSON.stringify(path.join(ROOT, 'geodata/osm/import-osm.ts'))};
    const pool = new pg.Pool({ connectionString: process.env.IMPORT_URL, max: 3 });
    await importOsm(pool, {
      source: ${JSON.stringify(OSM_FIXTURE)}, dataset: { id: ${JSON.stringify(datasetId)}, name: 'killed import' }, checkYear: 2026,
      beforeCommit: async () => { console.log('IN_PROMOTE'); await new Promise(() => {}); },
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT, env: { ...process.env, IMPORT_URL: url, CITYCHECK_IMPORT_HEARTBEAT_MS: '100' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('IN_PROMOTE')) resolve({ kill: async () => void (child.kill('SIGKILL'), await exited) });
    });
    child.once('exit', (code) => reject(new Error(`import child exited (${code}) before its promote: ${stderr.slice(-2000)}`)));
  });
}

const runsOf = async (datasetId: string) =>
  (await pool.query<{ id: number; status: string; message: string | null; heartbeat_at: Date }>(
    `SELECT id, status, message, heartbeat_at FROM app.import_run WHERE dataset_id = $1 ORDER BY id`, [datasetId])).rows;
const stagingOf = async (runId: number) =>
  (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'staging' AND tablename LIKE $1`, [`osm_r${runId}\\_%`])).rows[0].n;
const datasetExists = async (id: string) => (await pool.query(`SELECT 1 FROM app.dataset WHERE id = $1`, [id])).rowCount === 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('interrupted imports', () => {
  it('keeps a heartbeat while running; after kill -9 the next import marks the run failed and drops its staging tables', async () => {
    const child = await importThatHangs('ops-killed');
    const [run] = await runsOf('ops-killed');
    expect(run.status).toBe('running');
    expect(await stagingOf(run.id)).toBeGreaterThan(0);
    // The heartbeat moves while the process lives (every 100 ms here).
    await sleep(350);
    expect((await runsOf('ops-killed'))[0].heartbeat_at.getTime()).toBeGreaterThan(run.heartbeat_at.getTime());

    await child.kill();
    await sleep(STALE_MS + 300);
    // Still running in the table: nothing has looked yet.
    expect((await runsOf('ops-killed'))[0].status).toBe('running');

    // The next import (here one that is rejected) cleans up first.
    await expect(importLedger(pool, { layer: 'estate', file: path.join(ROOT, 'test/fixtures/ledger/empty.csv'), crs: 'wgs84', dataset: 'ops-next', checkYear: 2026 }))
      .rejects.toBeInstanceOf(ImportRejectedError);
    const [after] = await runsOf('ops-killed');
    expect(after.status).toBe('failed');
    expect(after.message).toMatch(/^interrupted/);
    expect(await stagingOf(run.id)).toBe(0);
    // The killed transaction never committed: no dataset row, no rows.
    expect(await datasetExists('ops-killed')).toBe(false);
    const rows = await pool.query(`SELECT count(*)::int AS n FROM app.walk_edge WHERE dataset_id = 'ops-killed'`);
    expect(rows.rows[0].n).toBe(0);
  }, 60_000);

  it('after kill -9 the next server start cleans up as well', async () => {
    const child = await importThatHangs('ops-killed-2');
    const [run] = await runsOf('ops-killed-2');
    await child.kill();
    await sleep(STALE_MS + 300);
    const app = await buildApp({ databaseUrl: url, logLevel: 'silent' });
    try {
      await app.ready();
      await cleanOnStart(app);
    } finally {
      await app.close();
    }
    expect((await runsOf('ops-killed-2'))[0].status).toBe('failed');
    expect(await stagingOf(run.id)).toBe(0);
    expect(await datasetExists('ops-killed-2')).toBe(false);
  }, 60_000);
});

describe('rejected imports', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ databaseUrl: url, logLevel: 'silent' });
  });
  afterAll(() => app?.close());

  it('leave no dataset in /api/labels and /api/health, and count their rejected rows', async () => {
    const err = await importLedger(pool, { layer: 'estate', file: path.join(ROOT, 'test/fixtures/ledger/estates-bad.csv'), crs: 'wgs84', dataset: 'ops-rejected', checkYear: 2026 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportRejectedError);
    const run = (await runsOf('ops-rejected'))[0];
    expect(run.status).toBe('rejected');
    const counts = await pool.query(`SELECT rows_rejected, rows_loaded FROM app.import_run WHERE id = $1`, [run.id]);
    const rejectedRows = new Set((err as ImportRejectedError).issues.filter((i) => i.severity === 'error').map((i) => i.row ?? 0));
    expect(counts.rows[0]).toEqual({ rows_rejected: rejectedRows.size, rows_loaded: 0 });
    expect(await datasetExists('ops-rejected')).toBe(false);
    expect(JSON.stringify((await app.inject('/api/labels')).json())).not.toContain('ops-rejected');
    const health = await app.inject('/api/health');
    expect(health.statusCode).toBe(200);
    expect(JSON.stringify(health.json().datasets)).not.toContain('ops-rejected');
  });

  it('remove a dataset an older version left without data once its runs all failed', async () => {
    // As before this change: the dataset row was written when the run started, then the import was rejected.
    await pool.query(`INSERT INTO app.dataset (id, name) VALUES ('ops-legacy-empty', 'left by a rejected import')`);
    await pool.query(`INSERT INTO app.import_run (dataset_id, kind, source, check_year, status, finished_at) VALUES ('ops-legacy-empty', 'ledger', 'x.csv', 2026, 'rejected', now())`);
    const app2 = await buildApp({ databaseUrl: url, logLevel: 'silent' });
    try {
      await app2.ready();
      await cleanOnStart(app2);
    } finally {
      await app2.close();
    }
    expect(await datasetExists('ops-legacy-empty')).toBe(false);
  });
});
