import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYERS } from '../../tiles/layers.ts';
import type { TileSource } from '../../tiles/tile-source.ts';
import { testPool } from '../helpers/db.ts';
import { dumpTile } from '../tiles/decode.ts';
import { insertFixture, type Fixture } from '../tiles/fixtures.ts';
import { tileTestApp, tileUrl } from '../tiles/helpers.ts';

// 新街口, Nanjing (shifted a little so other test files' fixtures are elsewhere).
const CENTER: [number, number] = [118.7786, 32.0416];
let app: FastifyInstance;
let pool: pg.Pool;
let fx: Fixture;

beforeAll(async () => {
  pool = testPool();
  fx = await insertFixture(pool, 'tiles_http', CENTER, [118.9, 32.2]);
  app = await tileTestApp({ listen: false });
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

describe('GET /tiles/{layer}/{z}/{x}/{y}.mvt', () => {
  it('serves a z14 tile over 新街口 with buildings, ids promoted and render heights derived', async () => {
    const res = await app.inject(tileUrl('buildings', ...CENTER, 14));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const dump = dumpTile(res.rawPayload);
    expect(Object.keys(dump)).toEqual(['buildings']);
    const mine = dump.buildings!.filter((f) => f.props.dataset_id === 'tiles_http');
    expect(mine.map((f) => [f.id, f.type, f.props.name, f.props.render_height, f.props.build_year ?? null])).toEqual([
      [fx.ids.buildings[0], 'Polygon', '高楼', 90, 2005],
      [fx.ids.buildings[1], 'Polygon', '老楼', 18, 1985],
      [fx.ids.buildings[2], 'Polygon', '无名', 9, null],
    ]);
    expect(Object.keys(mine[0]!.props).sort()).toEqual(['build_year', 'check_year', 'dataset_id', 'height_m', 'is_sample', 'levels', 'name', 'render_height', 'use']);
  });

  it('answers 204 for a tile in the sea off the data', async () => {
    const res = await app.inject(tileUrl('buildings,green_spaces,roads', 125.0, 30.0, 14));
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
  });

  it('answers 204 outside the layer zoom range without querying', async () => {
    const res = await app.inject(tileUrl('buildings', ...CENTER, 11));
    expect(res.statusCode).toBe(204);
  });

  it('carries every requested layer in a composite tile, in request order', async () => {
    const res = await app.inject(tileUrl('roads,green_spaces,waterlogging', ...CENTER, 15));
    expect(res.statusCode).toBe(200);
    const dump = dumpTile(res.rawPayload);
    expect(Object.keys(dump).sort()).toEqual(['green_spaces', 'roads', 'waterlogging']);
    expect(dump.green_spaces!.find((f) => f.id === fx.ids.park)?.props).toMatchObject({ name: '测试公园', kind: 'park', is_park: true, check_year: 2024 });
    expect(dump.waterlogging!.filter((f) => f.props.dataset_id === 'tiles_http').map((f) => f.props.status)).toEqual(['untreated', 'in_progress', 'closed']);
  });

  it('keeps minor roads out of low zooms', async () => {
    const z12 = dumpTile((await app.inject(tileUrl('roads', ...CENTER, 12))).rawPayload);
    expect(z12.roads!.filter((f) => f.props.dataset_id === 'tiles_http').map((f) => f.props.class)).toEqual(['primary']);
    const z15 = dumpTile((await app.inject(tileUrl('roads', ...CENTER, 15))).rawPayload);
    expect(z15.roads!.filter((f) => f.props.dataset_id === 'tiles_http').map((f) => f.props.class)).toEqual(['primary', 'path']);
  });

  it('applies a filter with bound values', async () => {
    const res = await app.inject(tileUrl('waterlogging', ...CENTER, 15, `?filter=${encodeURIComponent("status=untreated|in_progress;max_depth_cm>=30;dataset_id='tiles_http'")}`));
    const dump = dumpTile(res.rawPayload);
    expect(dump.waterlogging!.map((f) => f.props.name)).toEqual(['中山路积水点']);
  });

  it('answers 304 when If-None-Match matches the strong ETag', async () => {
    const url = tileUrl('green_spaces', ...CENTER, 14);
    const first = await app.inject(url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBeDefined();
    const second = await app.inject({ url, headers: { 'if-none-match': etag } });
    expect(second.statusCode).toBe(304);
    expect(second.headers.etag).toBe(etag);
  });

  it('gzips tiles for clients that accept gzip', async () => {
    const url = tileUrl('buildings,roads,green_spaces,waterlogging', ...CENTER, 15);
    const plain = await app.inject(url);
    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const { gunzipSync } = await import('node:zlib');
    expect(gunzipSync(gz.rawPayload).equals(plain.rawPayload)).toBe(true);
  });

  it.each([
    ['/tiles/buildings/23/0/0.mvt', 'z must be'],
    ['/tiles/buildings/3/8/0.mvt', 'x and y must be < 8'],
    ['/tiles/buildings/3/1/-1.mvt', 'y must be'],
    ['/tiles/buildings/3/a/1.mvt', 'x must be'],
    ['/tiles/buildings/3/1/1.png', 'y must be'],
  ])('answers 400 with a message for %s', async (url, message) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(message);
  });

  it('answers 404 naming an unknown layer, also inside a composite', async () => {
    const res = await app.inject('/tiles/roads,nope/14/13598/6699.mvt');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('"nope"');
  });

  it('answers 400 naming an unknown filter field', async () => {
    const res = await app.inject(tileUrl('buildings', ...CENTER, 14, '?filter=colour=red'));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('unknown field "colour"');
  });
});

describe('tile statement timeout', () => {
  it('answers 503 with Retry-After when a tile query runs past the tile statement timeout', async () => {
    const def = { ...LAYERS[0]!, id: 'slow', minzoom: 0, maxzoom: 22 };
    const slow: TileSource = {
      id: 'slow', def, fields: {},
      buildTileQuery: () => sql<Buffer>`(SELECT ''::bytea FROM pg_sleep(1))`,
    };
    const slowApp = await tileTestApp({ listen: false, statementTimeoutMs: 100, extraSources: [slow], cacheBytes: 0 });
    try {
      const res = await slowApp.inject('/tiles/slow/1/0/0.mvt');
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await slowApp.close();
    }
  });
});

describe('GET /tiles/catalog and TileJSON', () => {
  it('lists every layer of the contract with fields and zoom ranges', async () => {
    const res = await app.inject('/tiles/catalog');
    const body = res.json() as { id: string; minzoom: number; fields: Record<string, string> }[];
    expect(body.map((l) => l.id)).toEqual([
      'estates', 'buildings', 'green_spaces', 'waterlogging', 'heritage_districts', 'heritage_zones', 'heritage_sites',
      'facilities', 'admin_units', 'walk_network', 'coverage_shortfall', 'life_circle_shortfall', 'renewal_projects', 'roads', 'water', 'landuse', 'places',
    ]);
    expect(body.find((l) => l.id === 'estates')).toMatchObject({ minzoom: 12, fields: { is_old: 'boolean', renovation_class: 'string', dataset_id: 'string' } });
  });

  it('serves TileJSON 3.0.0 with absolute tile URLs, bounds and vector_layers', async () => {
    const res = await app.inject({ url: '/tiles/buildings.json', headers: { host: 'maps.example:8080' } });
    const tj = res.json();
    expect(tj).toMatchObject({
      tilejson: '3.0.0', minzoom: 13, maxzoom: 22, attribution: '© OpenStreetMap contributors',
      tiles: ['http://maps.example:8080/tiles/buildings/{z}/{x}/{y}.mvt'],
    });
    expect(tj.vector_layers[0]).toMatchObject({ id: 'buildings', fields: { render_height: 'Number', name: 'String', is_sample: 'Boolean' } });
    expect(tj.bounds).toHaveLength(4);
    expect(tj.center).toHaveLength(3);
  });

  it('answers 404 for TileJSON of an unknown layer', async () => {
    expect((await app.inject('/tiles/nope.json')).statusCode).toBe(404);
  });
});

describe('GET /styles/basemap.json', () => {
  it('is an offline style with local fonts, no glyphs or sprite, and absolute tile URLs', async () => {
    const style = (await app.inject({ url: '/styles/basemap.json', headers: { host: '127.0.0.1:8080' } })).json();
    expect(style.version).toBe(8);
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(style.sources.citycheck.tiles[0]).toBe('http://127.0.0.1:8080/tiles/landuse,water,roads,buildings,places/{z}/{x}/{y}.mvt');
    expect(style.sources.citycheck.attribution).toBe('© OpenStreetMap contributors');
    const labels = style.layers.filter((l: { type: string }) => l.type === 'symbol');
    expect(labels.map((l: { id: string }) => l.id)).toEqual(['road-label', 'place-label']);
    for (const l of labels) expect(l.layout['text-font'][0]).toBe('WenQuanYi Zen Hei');
    expect(style.layers.map((l: { id: string }) => l.id)).toEqual(expect.arrayContaining(['background', 'landuse', 'water-area', 'road-primary-casing', 'road-primary', 'building']));
  });
});
