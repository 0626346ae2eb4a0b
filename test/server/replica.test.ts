/**
 * Read replicas against a real PostgreSQL streaming replica: a primary cluster of this file's own
 * (.data/replica-test-primary on :54361, never the shared test cluster) and a pg_basebackup -R hot
 * standby (.data/replica-test-replica on :54362). Both are stopped at the end.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { ConfigError, REPO_ROOT, loadConfig } from '../../server/config.ts';
import { ensureCluster, stopCluster } from '../../server/db/local-cluster.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { createStreamingReplica, ensureReplicationPrimary, resetCluster } from '../../server/db/replica-cluster.ts';
import { parseReadUrls } from '../../server/db/replica-router.ts';
import { dumpTile } from '../tiles/decode.ts';
import { insertFixture, square, type Fixture } from '../tiles/fixtures.ts';
import { tileUrl, waitFor } from '../tiles/helpers.ts';

const PRIMARY_DIR = path.join(REPO_ROOT, '.data/replica-test-primary');
const REPLICA_DIR = path.join(REPO_ROOT, '.data/replica-test-replica');
const PRIMARY_PORT = 54361;
const REPLICA_PORT = 54362;
const DB = 'citycheck_replica';

const CENTER: [number, number] = [118.8386, 32.0416];
const FAR: [number, number] = [118.95, 32.15];
const MOVED: [number, number] = [CENTER[0] + 0.1, CENTER[1]];

let app: FastifyInstance;
let primary: pg.Pool;
let replica: pg.Pool;
let fx: Fixture;

beforeAll(async () => {
  resetCluster(REPLICA_DIR);
  resetCluster(PRIMARY_DIR);
  const admin = ensureReplicationPrimary({ dataDir: PRIMARY_DIR, port: PRIMARY_PORT });
  const primaryUrl = await ensureDatabase(admin, DB);
  await migrate(primaryUrl);
  primary = new pg.Pool({ connectionString: primaryUrl, max: 2 });
  fx = await insertFixture(primary, 'replica_test', CENTER, FAR);
  createStreamingReplica({ primaryPort: PRIMARY_PORT, dataDir: REPLICA_DIR, port: REPLICA_PORT });
  const replicaUrl = primaryUrl.replace(`:${PRIMARY_PORT}/`, `:${REPLICA_PORT}/`);
  replica = new pg.Pool({ connectionString: replicaUrl, max: 1 });
  replica.on('error', () => {}); // the replica is stopped on purpose below
  app = await buildApp({
    databaseUrl: primaryUrl, databaseReadUrls: [replicaUrl], replicaRetryDownMs: 1000,
    logLevel: 'silent', statementTimeoutMs: 20_000, auth: { mode: 'off' },
  });
  await app.ready();
  await app.changeFeed.ready;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await primary?.end();
  await replica?.end();
  stopCluster(REPLICA_DIR);
  stopCluster(PRIMARY_DIR);
});

const parkIn = async (url: string) => {
  const res = await app.inject(url);
  expect(res.statusCode).toBeLessThan(300);
  if (res.statusCode === 204) return undefined;
  return dumpTile(res.rawPayload).green_spaces?.find((f) => f.id === fx.ids.park);
};

const insertDataset = (id: string) =>
  sql`INSERT INTO app.dataset (id, name) VALUES (${id}, ${id})`.execute(app.replicas.readDb);

/** The park's west edge as the replica sees it. */
const parkXmin = async (pool: pg.Pool) =>
  Number((await pool.query(`SELECT ST_XMin(geom) AS x FROM app.green_space WHERE id = $1`, [fx.ids.park])).rows[0].x);

describe('DATABASE_READ_URL', () => {
  it('takes one or several comma-separated postgres URLs and refuses anything else', () => {
    expect(parseReadUrls(undefined)).toEqual([]);
    expect(parseReadUrls(' postgres://a/x , postgresql://b:5433/x ')).toEqual(['postgres://a/x', 'postgresql://b:5433/x']);
    expect(() => parseReadUrls('postgres://a/x,mysql://b/x')).toThrow(/DATABASE_READ_URL/);
    expect(loadConfig({ DATABASE_READ_URL: 'postgres://r1/citycheck,postgres://r2/citycheck' }).databaseReadUrls).toHaveLength(2);
    expect(() => loadConfig({ DATABASE_READ_URL: 'r1/citycheck' })).toThrow(ConfigError);
  });
});

describe('read replicas', () => {
  it('serves tiles and features from a current replica', async () => {
    const before = app.replicas.stats();
    expect(await parkIn(tileUrl('green_spaces', ...CENTER, 14))).toBeDefined();
    const res = await app.inject(`/collections/green_spaces/items/${fx.ids.park}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(fx.ids.park);
    const after = app.replicas.stats();
    expect(after.replicaReads - before.replicaReads).toBeGreaterThanOrEqual(2);
    expect(after.fallbacks + after.lagged).toBe(before.fallbacks + before.lagged);
  });

  it('shows an edit on the primary in the next tile while the replica has not replayed it, and reads the replica again once it has', async () => {
    const centerUrl = tileUrl('green_spaces', ...CENTER, 14);
    const movedUrl = tileUrl('green_spaces', ...MOVED, 14);
    expect(await parkIn(movedUrl)).toBeUndefined(); // cached from the replica, without the park
    expect((await app.inject(movedUrl)).headers['x-tile-cache']).toBe('hit');

    await replica.query('SELECT pg_wal_replay_pause()');
    for (let i = 0; (await replica.query(`SELECT pg_get_wal_replay_pause_state() AS s`)).rows[0].s !== 'paused'; i++) {
      if (i > 200) throw new Error('replay did not pause');
      await new Promise((r) => setTimeout(r, 10));
    }
    const invalidations = app.tiles.cache!.stats().invalidations;
    await primary.query(`UPDATE app.green_space SET geom = ST_GeomFromText($1, 4326) WHERE id = $2`, [square(...MOVED, 0.002), fx.ids.park]);
    await waitFor(() => app.tiles.cache!.stats().invalidations > invalidations);
    await waitFor(() => app.replicas.fence.requiredLsn() !== null);
    // The replica really is behind: it still has the park at the old place.
    expect(await parkXmin(replica)).toBeLessThan(CENTER[0]);

    const lagged = app.replicas.stats().lagged;
    expect(await parkIn(movedUrl)).toBeDefined();
    expect(await parkIn(centerUrl)).toBeUndefined();
    expect(app.replicas.stats().lagged).toBeGreaterThan(lagged);
    expect((await app.inject(movedUrl)).headers['x-tile-cache']).toBe('hit');
    expect(await parkIn(movedUrl)).toBeDefined();

    await replica.query('SELECT pg_wal_replay_resume()');
    for (let i = 0; (await parkXmin(replica)) < MOVED[0] - 0.01; i++) {
      if (i > 500) throw new Error('replica did not catch up');
      await new Promise((r) => setTimeout(r, 10));
    }
    const replicaReads = app.replicas.stats().replicaReads;
    expect(await parkIn(tileUrl('green_spaces', ...MOVED, 15))).toBeDefined();
    expect(app.replicas.stats().replicaReads).toBeGreaterThan(replicaReads);
  });

  it('runs read-only analysis reads on the replica through app.replicas.readDb, and refuses writes and transactions there', async () => {
    const before = app.replicas.stats().replicaReads;
    const { rows } = await sql<{ x: number }>`SELECT ST_XMin(geom) AS x FROM app.green_space WHERE id = ${fx.ids.park}`.execute(app.replicas.readDb);
    expect(rows[0].x).toBeCloseTo(MOVED[0] - 0.001, 6);
    expect(app.replicas.stats().replicaReads).toBe(before + 1);
    // The waterlogging report (GET /api/analysis/waterlogging) reads through it.
    const report = await app.inject(`/api/analysis/waterlogging?dataset=${fx.dataset}`);
    expect(report.statusCode).toBe(200);
    expect(report.json().summary.total).toBe(fx.ids.waterlogging.length);
    expect(app.replicas.stats().replicaReads).toBeGreaterThanOrEqual(before + 3);
    await expect(insertDataset('replica_write')).rejects.toMatchObject({ code: '25006' });
    await expect(app.replicas.readDb.transaction().execute(async () => 1)).rejects.toMatchObject({ code: 'REPLICA_READ_ONLY' });
  });

  it('falls back to the primary without a 5xx and with a warning when the replica is down, and reads it again once it is back', async () => {
    const warn = vi.spyOn(app.log, 'warn');
    stopCluster(REPLICA_DIR);
    const before = app.replicas.stats();
    for (const z of [16, 17]) expect(await parkIn(tileUrl('green_spaces', ...MOVED, z))).toBeDefined();
    const items = await app.inject(`/collections/green_spaces/items?bbox=${MOVED[0] - 0.01},${MOVED[1] - 0.01},${MOVED[0] + 0.01},${MOVED[1] + 0.01}`);
    expect(items.statusCode).toBe(200);
    expect(items.json().features.map((f: { id: number }) => f.id)).toContain(fx.ids.park);
    const after = app.replicas.stats();
    expect(after.fallbacks).toBeGreaterThan(before.fallbacks);
    expect(after.replicaReads).toBe(before.replicaReads);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ replica: `127.0.0.1:${REPLICA_PORT}/${DB}` }), expect.stringMatching(/read replica unavailable/));
    warn.mockRestore();
    // Read-only analysis reads fall back too, still read-only on the primary.
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM app.green_space WHERE id = ${fx.ids.park}`.execute(app.replicas.readDb);
    expect(rows[0].n).toBe(1);
    await expect(insertDataset('replica_write_fallback')).rejects.toMatchObject({ code: '25006' });
    expect((await primary.query(`SELECT count(*)::int AS n FROM app.dataset WHERE id LIKE 'replica_write%'`)).rows[0].n).toBe(0);

    ensureCluster({ dataDir: REPLICA_DIR, port: REPLICA_PORT, log: () => {} });
    const back = app.replicas.stats().replicaReads;
    for (let i = 0; app.replicas.stats().replicaReads === back; i++) {
      if (i > 300) throw new Error('reads did not return to the restarted replica');
      const res = await app.inject(`/collections/green_spaces/items/${fx.ids.park}`);
      expect(res.statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
