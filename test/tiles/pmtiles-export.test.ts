/**
 * `npm run export -- pmtiles` over the default city (central Nanjing): the archive read back with
 * the `pmtiles` reader holds, for every tile of the city's extent in the zoom range, exactly the
 * bytes the server answers for the same z/x/y with the city's dataset filter (and nothing where the
 * server answers 204).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { FileSource, PMTiles, TileType } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { exportCityPmtiles } from '../../server/cli/export.ts';
import { tilesInBox } from '../../tiles/pmtiles-export.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';
import { dumpTile } from './decode.ts';

const LAYERS = 'estates,buildings,green_spaces,roads,waterlogging';
const MINZOOM = 12;
const MAXZOOM = 14;

let app: FastifyInstance;
let url: string;
let dir: string;
let archive: PMTiles;
let exported: Awaited<ReturnType<typeof exportCityPmtiles>>;
let city: { id: string; bbox: [number, number, number, number]; datasets: string[] };

beforeAll(async () => {
  url = await defaultCityUrl();
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', tiles: { listen: false }, auth: { mode: 'off' } });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'citycheck-pmtiles-'));
  const out = path.join(dir, 'nanjing.pmtiles');
  exported = await exportCityPmtiles({ databaseUrl: url, layers: LAYERS, minzoom: MINZOOM, maxzoom: MAXZOOM, out });
  archive = new PMTiles(new FileSource(new File([await fs.readFile(out)], 'nanjing.pmtiles')));
  city = (await app.inject('/api/datasets')).json().cities.find((c: { id: string }) => c.id === exported.dataset);
}, 300_000);

afterAll(async () => {
  await app?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('PMTiles export of a city', () => {
  it('states the zoom range and the city extent in the header', async () => {
    const h = await archive.getHeader();
    expect([h.minZoom, h.maxZoom]).toEqual([MINZOOM, MAXZOOM]);
    expect(h.tileType).toBe(TileType.Mvt);
    for (const [got, want] of [[h.minLon, city.bbox[0]], [h.minLat, city.bbox[1]], [h.maxLon, city.bbox[2]], [h.maxLat, city.bbox[3]]] as const) {
      expect(Math.abs(got - want)).toBeLessThan(1e-6);
    }
  });

  it('holds, for every tile of the extent, the server’s bytes for that z/x/y (none where the server answers 204)', async () => {
    const filter = encodeURIComponent(exported.filter);
    let compared = 0;
    let withData = 0;
    for (let z = MINZOOM; z <= MAXZOOM; z++) {
      for (const { x, y } of tilesInBox(city.bbox, z)) {
        const res = await app.inject(`/tiles/${LAYERS}/${z}/${x}/${y}.mvt?filter=${filter}`);
        const got = await archive.getZxy(z, x, y);
        if (res.statusCode === 204) {
          expect(got, `${z}/${x}/${y}`).toBeUndefined();
        } else {
          expect(res.statusCode).toBe(200);
          expect(got, `${z}/${x}/${y}`).toBeDefined();
          expect(Buffer.from(got!.data).equals(res.rawPayload), `${z}/${x}/${y}`).toBe(true);
          withData++;
        }
        compared++;
      }
    }
    expect(compared).toBe(exported.tilesRequested);
    expect(withData).toBe(exported.tilesWritten);
    expect(withData).toBeGreaterThan(3);
  });

  it('keeps to the city’s datasets and carries the layers, OSM attribution and dataset in its metadata', async () => {
    expect(exported.filter).toBe(`dataset_id=${city.datasets.join('|')}`);
    const meta = (await archive.getMetadata()) as { attribution: string; vector_layers: { id: string; fields: Record<string, string> }[]; dataset: string };
    expect(meta.attribution).toContain('© OpenStreetMap contributors');
    expect(meta.vector_layers.map((l) => l.id)).toEqual(LAYERS.split(','));
    expect(meta.vector_layers.find((l) => l.id === 'buildings')!.fields.height_m).toBe('Number');
    expect(meta.dataset).toBe(city.id);
    const z14 = tilesInBox(city.bbox, 14);
    const tile = (await Promise.all(z14.map((t) => archive.getZxy(14, t.x, t.y)))).find((t) => t && t.data.byteLength > 1000)!;
    const features = Object.values(dumpTile(Buffer.from(tile.data))).flat();
    expect(features.length).toBeGreaterThan(0);
    for (const f of features) expect(city.datasets).toContain(f.props.dataset_id);
  });

  it('answers an unknown city or layer with a message naming it', async () => {
    const out = path.join(dir, 'x.pmtiles');
    await expect(exportCityPmtiles({ databaseUrl: url, dataset: 'atlantis', layers: 'buildings', minzoom: 12, maxzoom: 12, out })).rejects.toThrow(/unknown dataset "atlantis"; choose one of: nanjing-core/);
    await expect(exportCityPmtiles({ databaseUrl: url, layers: 'buildings,nope', minzoom: 12, maxzoom: 12, out })).rejects.toThrow(/Unknown layer "nope"/);
    await expect(exportCityPmtiles({ databaseUrl: url, layers: 'buildings', minzoom: 14, maxzoom: 12, out })).rejects.toThrow(/zoom range/);
    await expect(fs.stat(out)).rejects.toThrow();
  });
});
