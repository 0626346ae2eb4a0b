import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPool } from '../helpers/db.ts';
import { dumpTile } from '../tiles/decode.ts';
import { insertFixture, square, type Fixture } from '../tiles/fixtures.ts';
import { tileTestApp, tileUrl, waitFor } from '../tiles/helpers.ts';

// East of 新街口, away from the other test files' fixtures.
const CENTER: [number, number] = [118.8386, 32.0416];
const FAR: [number, number] = [118.95, 32.15];
const MOVED: [number, number] = [CENTER[0] + 0.1, CENTER[1]];
let app: FastifyInstance;
let pool: pg.Pool;
let fx: Fixture;

beforeAll(async () => {
  pool = testPool();
  fx = await insertFixture(pool, 'tiles_invalidation', CENTER, FAR);
  app = await tileTestApp();
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

const parkIn = async (url: string) => {
  const res = await app.inject(url);
  if (res.statusCode === 204) return undefined;
  return dumpTile(res.rawPayload).green_spaces?.find((f) => f.id === fx.ids.park);
};

describe('tile cache invalidation on citycheck_change', () => {
  it('shows a moved park in the next tile at several zooms, while an unrelated cached tile stays cached', async () => {
    // At z10 both places share one tile: there the park's position inside the tile must change.
    const z10 = tileUrl('green_spaces', ...CENTER, 10);
    expect(tileUrl('green_spaces', ...MOVED, 10)).toBe(z10);
    const z10Before = (await parkIn(z10))!.bbox;
    const zooms = [12, 14, 16];
    for (const z of zooms) {
      expect(await parkIn(tileUrl('green_spaces', ...CENTER, z))).toBeDefined();
      expect(await parkIn(tileUrl('green_spaces', ...MOVED, z))).toBeUndefined();
    }
    const farUrl = tileUrl('green_spaces', ...FAR, 14);
    expect((await app.inject(farUrl)).headers['x-tile-cache']).toBe('miss');
    expect((await app.inject(farUrl)).headers['x-tile-cache']).toBe('hit');
    const roadsUrl = tileUrl('roads', ...CENTER, 14);
    await app.inject(roadsUrl);

    const cache = app.tiles.cache!;
    const before = cache.stats();
    await pool.query(`UPDATE app.green_space SET geom = ST_GeomFromText($1, 4326) WHERE id = $2`, [square(...MOVED, 0.002), fx.ids.park]);
    await waitFor(() => cache.stats().invalidations > before.invalidations);

    expect((await parkIn(z10))!.bbox[0]).toBeGreaterThan(z10Before[0]);
    for (const z of [16, 14, 12]) {
      expect(await parkIn(tileUrl('green_spaces', ...CENTER, z))).toBeUndefined();
      expect(await parkIn(tileUrl('green_spaces', ...MOVED, z))).toBeDefined();
    }
    // The far tile and the (other layer's) roads tile were not dropped.
    expect((await app.inject(farUrl)).headers['x-tile-cache']).toBe('hit');
    expect((await app.inject(roadsUrl)).headers['x-tile-cache']).toBe('hit');
    expect(cache.stats().dropped - before.dropped).toBeGreaterThanOrEqual(zooms.length + 1);
  });

  it('drops every tile of the named tables for an import notice without a bbox', async () => {
    const farUrl = tileUrl('green_spaces', ...FAR, 13);
    const roadsUrl = tileUrl('roads', ...CENTER, 13);
    await app.inject(farUrl);
    await app.inject(roadsUrl);
    const before = app.tiles.cache!.stats().invalidations;
    await pool.query(`SELECT pg_notify('citycheck_change', $1)`, [JSON.stringify({ run: 1, tables: ['green_space'], bbox: null })]);
    await waitFor(() => app.tiles.cache!.stats().invalidations > before);
    expect((await app.inject(farUrl)).headers['x-tile-cache']).toBe('miss');
    expect((await app.inject(roadsUrl)).headers['x-tile-cache']).toBe('hit');
  });

  it('drops building tiles when a setting that shapes them changes, and the next tile shows the new value', async () => {
    const url = tileUrl('buildings', CENTER[0] + 0.0015, CENTER[1] + 0.0015, 16);
    const heights = async () => Object.values(dumpTile((await app.inject(url)).rawPayload).buildings ?? []).map((f) => f.props.render_height);
    const before = await heights();
    expect((await app.inject(url)).headers['x-tile-cache']).toBe('hit');
    const stats = app.tiles.cache!.stats().invalidations;
    const client = await pool.connect();
    try {
      await client.query(`UPDATE app.setting SET value = '9.5' WHERE key = 'default_building_height_m'`);
      await waitFor(() => app.tiles.cache!.stats().invalidations > stats);
      const res = await app.inject(url);
      expect(res.headers['x-tile-cache']).toBe('miss');
      expect(before).toContain(9);
      expect(await heights()).toContain(9.5);
      const audit = await client.query(`SELECT old_row->>'value' AS old, new_row->>'value' AS new FROM app.audit_log WHERE table_name = 'setting' ORDER BY id DESC LIMIT 1`);
      expect(audit.rows[0]).toEqual({ old: '9.0', new: '9.5' });
    } finally {
      await client.query(`UPDATE app.setting SET value = '9.0' WHERE key = 'default_building_height_m'`);
      client.release();
    }
  });
});
