/** Shared helpers of the tile tests: an app with tile options, and tile addresses of a lon/lat. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import type { TilePluginOptions } from '../../server/plugins/tile-catalog.ts';
import { lonLatToTileXY } from '../../tiles/tile-math.ts';
import { testDatabaseUrl } from '../helpers/db.ts';

/** The real app against the test database with tile options (and the change feed ready). */
export async function tileTestApp(tiles: TilePluginOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp({ databaseUrl: testDatabaseUrl(), logLevel: 'silent', statementTimeoutMs: 20_000, tiles });
  await app.ready();
  if (tiles.listen !== false) await app.changeFeed.ready;
  return app;
}

/** The z/x/y of the tile holding a lon/lat. */
export function tileAt(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const [x, y] = lonLatToTileXY(lon, lat, z);
  return { z, x: Math.floor(x), y: Math.floor(y) };
}

/** `/tiles/{layers}/{z}/{x}/{y}.mvt` for a lon/lat. */
export function tileUrl(layers: string, lon: number, lat: number, z: number, query = ''): string {
  const t = tileAt(lon, lat, z);
  return `/tiles/${layers}/${t.z}/${t.x}/${t.y}.mvt${query}`;
}

/** Waits until `check` is true (polling), failing after `ms`. */
export async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
