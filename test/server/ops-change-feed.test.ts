/**
 * Every import path and every edit reaches the one change feed (citycheck_change), and through it
 * the next tile and the walking graph: OSM import, dataset import (CLI), ledger import, a row edit,
 * setting and facility-catalogue edits. Runs in a database of its own (`<test db>_ops_feed`), so
 * imports into well-known dataset ids cannot disturb other files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImportCli } from '../../geodata/cli.ts';
import { getDataset } from '../../geodata/datasets.ts';
import { importLedger } from '../../geodata/ledger/import-ledger.ts';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { buildApp } from '../../server/app.ts';
import type { FeedEvent } from '../../server/plugins/change-listener.ts';
import { ownDatabase } from '../helpers/db.ts';
import { dumpTile } from '../tiles/decode.ts';
import { tileUrl, waitFor } from '../tiles/helpers.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const OSM_FIXTURE = path.join(FIXTURES, 'osm/walk-topology.osm.xml');
/** A point on the fixture's walking network (47° N, 10° E). */
const NET: [number, number] = [10.001, 47.0];
/** The first waterlogging point of the ledger fixture. */
const WATER: [number, number] = [118.7801, 32.0402];

let app: FastifyInstance;
let pool: pg.Pool;
let url: string;
const events: FeedEvent[] = [];

beforeAll(async () => {
  url = await ownDatabase('_ops_feed');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000 });
  await app.ready();
  await app.changeFeed.ready;
  app.changeFeed.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

/** Waits for a feed event naming `table` after index `from`. */
async function noticeOf(table: string, from: number): Promise<void> {
  await waitFor(() => events.slice(from).some((e) => !e.everything && e.change.tables.includes(table)));
}

/** Features of `layer` in the tile at lon/lat/z; asserts the request succeeded. */
async function tileFeatures(layer: string, lonLat: [number, number], z: number) {
  const res = await app.inject(tileUrl(layer, ...lonLat, z));
  expect([200, 204]).toContain(res.statusCode);
  return { cache: res.headers['x-tile-cache'], features: res.statusCode === 204 ? [] : (dumpTile(res.rawPayload)[layer] ?? []) };
}

describe('change notifications for every import path and edit', () => {
  it('an OSM import: LISTEN sees its tables, the cached tile and the walking graph show the new network', async () => {
    const graph0 = await app.walkGraph.get();
    expect((await tileFeatures('walk_network', NET, 16)).features).toHaveLength(0);
    expect((await tileFeatures('walk_network', NET, 16)).cache).toBe('hit'); // the empty tile is cached
    const from = events.length;
    const r = await importOsm(pool, { source: OSM_FIXTURE, dataset: { id: 'ops-osm', name: 'ops OSM fixture' }, checkYear: 2026 });
    await noticeOf('walk_edge', from);
    const notice = events.slice(from).find((e) => !e.everything && e.change.tables.includes('walk_edge'));
    expect(notice && !notice.everything && notice.change.tables).toEqual(expect.arrayContaining(['walk_vertex', 'building', 'facility']));
    const tile = await tileFeatures('walk_network', NET, 16);
    expect(tile.cache).toBe('miss');
    expect(tile.features.length).toBeGreaterThan(0);
    const graph1 = await app.walkGraph.get();
    expect(graph1).not.toBe(graph0);
    expect(graph1.edgeCount).toBe(graph0.edgeCount + r.counts.walk_edge);
    expect(r.counts.walk_edge).toBeGreaterThan(0);
  });

  it('a dataset import (npm run import -- dataset …): notified, tiles and graph show the second copy', async () => {
    // The dataset's local file, made from the hand-made fixture (osm2pgsql reads .pbf by its name).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-geodata-'));
    try {
      const d = getDataset('liechtenstein');
      const target = path.join(dir, d.localPath);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const conv = spawnSync('osmium', ['cat', OSM_FIXTURE, '-o', target, '--overwrite'], { encoding: 'utf8' });
      expect(conv.status, conv.stderr).toBe(0);
      const before = (await tileFeatures('walk_network', NET, 16)).features.length;
      const graph0 = await app.walkGraph.get();
      const from = events.length;
      const lines: string[] = [];
      const code = await runImportCli(['dataset', 'liechtenstein', '--year', '2026'], { databaseUrl: url, geodataDir: dir }, (l) => lines.push(l));
      expect(code, lines.join('\n')).toBe(0);
      await noticeOf('walk_edge', from);
      const after = await tileFeatures('walk_network', NET, 16);
      expect(after.cache).toBe('miss');
      expect(after.features.length).toBe(2 * before);
      const graph1 = await app.walkGraph.get();
      expect(graph1.edgeCount).toBe(2 * graph0.edgeCount);
      const ds = await pool.query(`SELECT id FROM app.dataset WHERE id = 'liechtenstein'`);
      expect(ds.rowCount).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a ledger import: notified, the waterlogging tile shows the points', async () => {
    expect((await tileFeatures('waterlogging', WATER, 16)).features).toHaveLength(0);
    const from = events.length;
    await importLedger(pool, { layer: 'waterlogging_point', file: path.join(FIXTURES, 'ledger/waterlogging-wgs84.geojson'), crs: 'wgs84', dataset: 'ops-ledger', checkYear: 2026 });
    await noticeOf('waterlogging_point', from);
    const tile = await tileFeatures('waterlogging', WATER, 16);
    expect(tile.cache).toBe('miss');
    expect(tile.features.length).toBeGreaterThan(0);
  });

  it('a row edit of the walking network: notified, the graph is rebuilt without the edge, the tile without it', async () => {
    const graph0 = await app.walkGraph.get();
    const version0 = app.walkGraph.version;
    const tile0 = await tileFeatures('walk_network', NET, 16);
    const { rows } = await pool.query<{ id: number }>(`SELECT id FROM app.walk_edge WHERE dataset_id = 'ops-osm' ORDER BY id LIMIT 1`);
    const from = events.length;
    await pool.query(`DELETE FROM app.walk_edge WHERE id = $1`, [rows[0].id]);
    await noticeOf('walk_edge', from);
    expect(app.walkGraph.version).toBeGreaterThan(version0);
    const graph1 = await app.walkGraph.get();
    expect(graph1.edgeCount).toBe(graph0.edgeCount - 1);
    expect([...graph1.edgeId]).not.toContain(rows[0].id);
    const tile1 = await tileFeatures('walk_network', NET, 16);
    expect(tile1.features.length).toBe(tile0.features.length - 1);
  });

  it('a setting edit and a facility-catalogue edit: notified, the tiles they shape are dropped', async () => {
    for (const [layer, table, edit] of [
      ['buildings', 'setting', `UPDATE app.setting SET value = '12' WHERE key = 'default_building_height_m'`],
      ['facilities', 'facility_type', `UPDATE app.facility_type SET name_en = name_en || '' WHERE code = (SELECT min(code) FROM app.facility_type)`],
    ] as const) {
      await tileFeatures(layer, NET, 16);
      expect((await tileFeatures(layer, NET, 16)).cache).toBe('hit');
      const from = events.length;
      await pool.query(edit);
      await noticeOf(table, from);
      expect((await tileFeatures(layer, NET, 16)).cache, `${table} → ${layer}`).toBe('miss');
    }
  });

  it('per-city catalogue and setting edits reach the feed (their readers query per request)', async () => {
    for (const [table, edit] of [
      ['facility_type_city', `INSERT INTO app.facility_type_city (dataset_id, code, standard_distance_m)
         SELECT 'ops-osm', min(code), 400 FROM app.facility_type ON CONFLICT (dataset_id, code) DO UPDATE SET standard_distance_m = 401`],
      ['dataset_setting', `INSERT INTO app.dataset_setting (dataset_id, key, value) VALUES ('ops-osm', 'walking_speed_m_per_min', '70')
         ON CONFLICT (dataset_id, key) DO UPDATE SET value = '71'`],
    ] as const) {
      const from = events.length;
      await pool.query(edit);
      await noticeOf(table, from);
    }
  });
});
