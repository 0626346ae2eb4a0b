/**
 * Degraded mode and recovery across a PostgreSQL outage. The test runs its own throw-away cluster
 * (.data/ops-outage-test on :54341, never the shared test cluster) and stops and restarts it:
 * while it is down, cached tiles are served (200), uncached tiles and analyses answer 503 with
 * Retry-After, /api/health answers 503 without the database address, and the walking graph in
 * memory stays; after the restart the change feed reconnects by itself, drops the caches, and a
 * walk_edge change made after the restart reaches the walking graph.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { ensureCluster, isClusterReady, stopCluster } from '../../server/db/local-cluster.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { tileUrl, waitFor } from '../tiles/helpers.ts';

const DATA_DIR = path.join(REPO_ROOT, '.data/ops-outage-test');
const PORT = Number(process.env.CITYCHECK_OUTAGE_TEST_PGPORT || 54341);
const OSM_FIXTURE = path.resolve(import.meta.dirname, '../fixtures/osm/walk-topology.osm.xml');
const NET: [number, number] = [10.001, 47.0];

let app: FastifyInstance;
let url: string;

const startCluster = () => ensureCluster({ dataDir: DATA_DIR, port: PORT, unsafeFast: true, log: () => {} });

beforeAll(async () => {
  const admin = startCluster();
  url = await ensureDatabase(admin, 'citycheck_outage', { recreate: true });
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await importOsm(pool, { source: OSM_FIXTURE, dataset: { id: 'ops-outage', name: 'outage fixture' }, checkYear: 2026 });
  } finally {
    await pool.end();
  }
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000, changeFeed: { minRetryMs: 100, maxRetryMs: 400 }, auth: { mode: 'off' } });
  await app.ready();
  await app.changeFeed.ready;
}, 120_000);

afterAll(async () => {
  await app?.close();
  stopCluster(DATA_DIR);
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  fs.rmSync(`${DATA_DIR}.log`, { force: true });
});

describe('a PostgreSQL outage', () => {
  it('serves cached tiles, answers 503 + Retry-After elsewhere, and recovers with the change feed after a restart', async () => {
    // Warm: one tile cached, the walking graph in memory.
    const cachedUrl = tileUrl('walk_network', ...NET, 16);
    expect((await app.inject(cachedUrl)).statusCode).toBe(200);
    expect((await app.inject(cachedUrl)).headers['x-tile-cache']).toBe('hit');
    const graph = await app.walkGraph.get();
    expect(graph.edgeCount).toBeGreaterThan(0);

    stopCluster(DATA_DIR);
    expect(isClusterReady(PORT)).toBe(false);
    await waitFor(() => !app.changeFeed.connected);

    const cached = await app.inject(cachedUrl);
    expect(cached.statusCode).toBe(200);
    expect(cached.headers['x-tile-cache']).toBe('hit');

    const uncached = await app.inject(tileUrl('walk_network', ...NET, 15));
    expect(uncached.statusCode).toBe(503);
    expect(Number(uncached.headers['retry-after'])).toBeGreaterThan(0);
    expect(uncached.json()).toMatchObject({ error: 'DATABASE_UNAVAILABLE', statusCode: 503 });

    const analysis = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage', payload: { mode: 'official' } });
    expect(analysis.statusCode).toBe(503);
    expect(Number(analysis.headers['retry-after'])).toBeGreaterThan(0);

    const health = await app.inject('/api/health');
    expect(health.statusCode).toBe(503);
    expect(Number(health.headers['retry-after'])).toBeGreaterThan(0);
    expect(health.json()).toMatchObject({ database: 'unreachable', changeFeed: { connected: false } });
    expect(health.body).not.toContain(String(PORT));
    expect(health.body).not.toContain('127.0.0.1');
    expect(health.body).not.toMatch(/ECONN|postgres:/);

    // The graph in memory was not dropped while the database was down.
    expect(await app.walkGraph.get()).toBe(graph);

    startCluster();
    await waitFor(() => app.changeFeed.connected && app.changeFeed.reconnects >= 1, 15_000);
    expect((await app.inject('/api/health')).statusCode).toBe(200);
    // Notices may have been missed: the tile cache was dropped and the graph marked stale.
    expect((await app.inject(cachedUrl)).headers['x-tile-cache']).toBe('miss');
    const rebuilt = await app.walkGraph.get();
    expect(rebuilt).not.toBe(graph);
    expect(rebuilt.edgeCount).toBe(graph.edgeCount);

    // A change made after the restart arrives through the reconnected feed.
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const version = app.walkGraph.version;
      await pool.query(`DELETE FROM app.walk_edge WHERE id = (SELECT min(id) FROM app.walk_edge)`);
      await waitFor(() => app.walkGraph.version > version);
      expect((await app.walkGraph.get()).edgeCount).toBe(graph.edgeCount - 1);
    } finally {
      await pool.end();
    }
  }, 60_000);
});
