/**
 * Data out as GeoPackage: GET /api/export/{layer}.gpkg writes a real GeoPackage (read back with
 * GDAL's ogrinfo) with the layer's features, narrowed by the same filters as the tiles; an unknown
 * layer is 404 and a bad bbox 400.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authApp, authDatabase } from './auth-app.ts';

let app: FastifyInstance;
let dir: string;

beforeAll(async () => {
  app = await authApp(await authDatabase('export'), { auth: { signInRateLimit: false } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citycheck-gpkg-'));
}, 60_000);

afterAll(async () => {
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** ogrinfo's summary of a GeoPackage answer: layer name, feature count, geometry type. */
function ogrSummary(body: Buffer): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.gpkg`);
  fs.writeFileSync(file, body);
  return execFileSync('ogrinfo', ['-so', '-al', file], { encoding: 'utf8' });
}

describe('GET /api/export/{layer}.gpkg', () => {
  it('writes every feature of a layer into a GeoPackage table named after it', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/export/green_spaces.gpkg' });
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toContain('application/geopackage+sqlite3');
    expect(res.headers['content-disposition']).toContain('green_spaces.gpkg');
    expect(res.rawPayload.subarray(0, 15).toString()).toBe('SQLite format 3');
    const info = ogrSummary(res.rawPayload);
    expect(info).toMatch(/Layer name: green_spaces/);
    expect(info).toMatch(/Feature Count: 2/);
    expect(info).toMatch(/Polygon/);
    expect(info).toMatch(/name: String/);
  });

  it('applies the tiles\' filters (bbox)', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/export/green_spaces.gpkg?bbox=118.69,31.99,118.75,32.01' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-feature-count']).toBe('1');
    expect(ogrSummary(res.rawPayload)).toMatch(/Feature Count: 1/);
  });

  it('answers 404 for an unknown layer and 400 for a bad bbox', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/export/no_such_layer.gpkg' })).statusCode).toBe(404);
    const bad = await app.inject({ method: 'GET', url: '/api/export/green_spaces.gpkg?bbox=1,2,3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/bbox/);
  });
});
