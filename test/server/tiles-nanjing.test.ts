/**
 * Tiles from the real default city (central Nanjing OSM extract + sample ledgers), loaded once into
 * the default-city database (test/helpers/city-db.ts) so other test files' fixtures and import
 * notifications cannot interfere.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';
import { dumpTile } from '../tiles/decode.ts';
import { tileUrl } from '../tiles/helpers.ts';

const XINJIEKOU: [number, number] = [118.7786, 32.0416];
let app: FastifyInstance;

beforeAll(async () => {
  const url = await defaultCityUrl();
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', tiles: { listen: false } });
}, 300_000);
afterAll(async () => {
  await app?.close();
});

describe('tiles over central Nanjing', () => {
  it('a z14 tile over 新街口 has buildings with ids, names and render heights', async () => {
    const res = await app.inject(tileUrl('buildings', ...XINJIEKOU, 14));
    expect(res.statusCode).toBe(200);
    const b = dumpTile(res.rawPayload).buildings!;
    expect(b.length).toBeGreaterThan(50);
    for (const f of b) {
      expect(Number.isInteger(f.id)).toBe(true);
      expect(f.type).toBe('Polygon');
      expect(typeof f.props.render_height).toBe('number');
      expect(f.props.dataset_id).toBe('nanjing-core');
    }
  });

  it('a composite basemap tile carries every requested layer that has data there', async () => {
    const res = await app.inject(tileUrl('roads,buildings,green_spaces,landuse,places', ...XINJIEKOU, 15));
    const dump = dumpTile(res.rawPayload);
    expect(Object.keys(dump).sort()).toEqual(expect.arrayContaining(['buildings', 'roads']));
    expect(dump.roads!.every((f) => typeof f.props.class === 'string')).toBe(true);
  });

  it('keeps every z10–z11 tile of all layers small', async () => {
    const all = app.tileCatalog.sources.map((s) => s.id).join(',');
    for (const z of [10, 11]) {
      const res = await app.inject(tileUrl(all, ...XINJIEKOU, z));
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.length).toBeLessThan(512 * 1024);
    }
  });

  it('answers 204 for a tile in the sea', async () => {
    expect((await app.inject(tileUrl('roads,buildings,water', 123.5, 31.0, 12))).statusCode).toBe(204);
  });

  it('filters the sample estates to old ones in tiles and items alike', async () => {
    const items = (await app.inject('/collections/estates/items?limit=1000&filter=is_old%3Dtrue')).json();
    expect(items.features.length).toBeGreaterThan(0);
    expect(items.features.every((f: { properties: { is_old: boolean; build_year: number } }) => f.properties.is_old && f.properties.build_year <= 2000)).toBe(true);
    const meta = (await app.inject('/collections/estates')).json();
    expect(meta.datasets.map((d: { is_sample: boolean }) => d.is_sample)).toContain(true);
  });

  it('reports TileJSON bounds around the city', async () => {
    const tj = (await app.inject('/tiles/buildings.json')).json();
    const [w, s, e, n] = tj.bounds;
    expect(w).toBeGreaterThan(118.6);
    expect(e).toBeLessThan(119.0);
    expect(s).toBeGreaterThan(31.9);
    expect(n).toBeLessThan(32.2);
  });
});
