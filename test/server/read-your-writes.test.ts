/**
 * Read-your-writes through the tile cache: the answer to a write request leaves only after the
 * change feed applied the write's own notice (server/plugins/change-listener.ts, barrier on
 * `citycheck_barrier`). So the client's next tile request after a PATCH can never get the tile cached
 * before it. Runs in a database of its own (`<test db>_ryw`): it edits a ledger layer.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLedger } from '../../geodata/ledger/import-ledger.ts';
import { buildApp } from '../../server/app.ts';
import type { FeedEvent } from '../../server/plugins/change-listener.ts';
import { ownDatabase } from '../helpers/db.ts';
import { dumpTile } from '../tiles/decode.ts';
import { tileUrl } from '../tiles/helpers.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/ledger/waterlogging-wgs84.geojson');

let app: FastifyInstance;
let pool: pg.Pool;
const events: FeedEvent[] = [];

beforeAll(async () => {
  const url = await ownDatabase('_ryw');
  pool = new pg.Pool({ connectionString: url, max: 2 });
  await importLedger(pool, { layer: 'waterlogging_point', file: FIXTURE, crs: 'wgs84', dataset: 'ryw', checkYear: 2026 });
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000, auth: { mode: 'off' } });
  await app.ready();
  await app.changeFeed.ready;
  app.changeFeed.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

async function pointTile(lonLat: [number, number]) {
  const res = await app.inject(tileUrl('waterlogging', ...lonLat, 16));
  expect(res.statusCode).toBe(200);
  return { cache: res.headers['x-tile-cache'], features: dumpTile(res.rawPayload).waterlogging ?? [] };
}

describe('a write answers only after its change reached the caches', () => {
  it('sync() returns true once a barrier sent after a committed change came back, the change applied first', async () => {
    const from = events.length;
    await pool.query(`UPDATE app.waterlogging_point SET props = props || '{"ryw": 1}' WHERE id = (SELECT min(id) FROM app.waterlogging_point WHERE dataset_id = 'ryw')`);
    expect(await app.changeFeed.sync()).toBe(true);
    // No waiting: by the time the barrier is back the UPDATE's notice has been handed to subscribers.
    expect(events.slice(from).some((e) => !e.everything && e.change.tables.includes('waterlogging_point'))).toBe(true);
  });

  it('PATCH a point\'s status (已销号 → 未治理): the very next tile request misses the cache and shows the new status', async () => {
    const { rows: [p] } = await pool.query<{ id: number; lon: number; lat: number; status: string }>(
      `SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, status FROM app.waterlogging_point
        WHERE dataset_id = 'ryw' AND status = 'closed' ORDER BY id LIMIT 1`);
    expect(p).toBeDefined();
    const lonLat: [number, number] = [p.lon, p.lat];
    await pointTile(lonLat);
    const warm = await pointTile(lonLat);
    expect(warm.cache).toBe('hit');
    const before = warm.features.find((f) => f.id === p.id);
    expect(before?.props.status).toBe('closed');

    const from = events.length;
    const res = await app.inject({ method: 'PATCH', url: `/api/waterlogging-points/${p.id}`, payload: { status: 'untreated', note: 'reopened: read-your-writes' } });
    expect(res.statusCode, res.body).toBe(200);
    // Already applied when the answer arrived (no waitFor here, on purpose).
    expect(events.slice(from).some((e) => !e.everything && e.change.tables.includes('waterlogging_point'))).toBe(true);
    const after = await pointTile(lonLat);
    expect(after.cache).toBe('miss');
    expect(after.features.find((f) => f.id === p.id)?.props.status).toBe('untreated');
  });

  it('a refused write (409: 未治理 → 已销号) does not wait for a barrier and changes nothing', async () => {
    const { rows: [p] } = await pool.query<{ id: number }>(
      `SELECT id FROM app.waterlogging_point WHERE dataset_id = 'ryw' AND status = 'untreated' ORDER BY id LIMIT 1`);
    const received = app.changeFeed.received;
    const res = await app.inject({ method: 'PATCH', url: `/api/waterlogging-points/${p.id}`, payload: { status: 'closed' } });
    expect(res.statusCode).toBe(409);
    expect(await app.changeFeed.sync()).toBe(true);
    expect(app.changeFeed.received).toBe(received);
  });
});
