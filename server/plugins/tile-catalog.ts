/**
 * Tile services plugin: the immutable tile catalog, the tile cache, a tile query pool whose
 * connections carry the tile statement timeout, and the feature service. Decorates `app.tiles`
 * (TileService) and `app.features` (FeatureService).
 *
 * Why a separate pool rather than `BEGIN; SET LOCAL statement_timeout …; COMMIT` per tile: the
 * timeout is the same for every tile query, and setting it once per connection keeps a tile at one
 * round trip (three fewer per tile), which matters at 0.1–0.6 ms per z16 tile.
 */
import fp from 'fastify-plugin';
import pg from 'pg';
import { createCatalog, type TileCatalog } from '../../tiles/catalog.ts';
import { FeatureService } from '../../tiles/feature-service.ts';
import { createTableSource } from '../../tiles/table-source.ts';
import { LAYERS } from '../../tiles/layers.ts';
import { TileCache } from '../../tiles/tile-cache.ts';
import { TileService, type ByteBudget } from '../../tiles/tile-service.ts';
import type { TileSource } from '../../tiles/tile-source.ts';

declare module 'fastify' {
  interface FastifyInstance {
    tiles: TileService;
    features: FeatureService;
    tileCatalog: TileCatalog;
  }
}

/** Options of the tile services (all optional; defaults documented per field). */
export interface TilePluginOptions {
  /** Statement timeout of one tile query in ms (default 5000; env TILE_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
  /** Tile cache bound in bytes (default 128 MiB; env TILE_CACHE_MB); 0 disables the cache. */
  cacheBytes?: number;
  /** Connections of the tile pool (default 16). */
  maxConnections?: number;
  /** Extra sources added to the catalog (tests: e.g. a deliberately slow source). */
  extraSources?: TileSource[];
  /** Low-zoom byte budget (default tiles/tile-service.ts DEFAULT_BYTE_BUDGET). */
  byteBudget?: ByteBudget;
  /** Apply change-feed notices to the tile cache and feature metadata (default true; server/plugins/change-listener.ts). */
  listen?: boolean;
}

/** Thrown when TILE_STATEMENT_TIMEOUT_MS or TILE_CACHE_MB is not a valid number. */
export class TileConfigError extends Error {
  readonly code = 'TILE_CONFIG_ERROR';
}

function envInt(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new TileConfigError(`${name} must be an integer in ${min}–${max}, got "${raw}"`);
  return n;
}

export default fp<TilePluginOptions & { databaseUrl: string }>(
  async (app, opts) => {
    const tileTimeoutMs = opts.statementTimeoutMs ?? envInt('TILE_STATEMENT_TIMEOUT_MS', 5000, 10, 600_000);
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.maxConnections ?? 16,
      statement_timeout: tileTimeoutMs,
      application_name: 'citycheck-tiles',
    });
    // Tiles and features read from the replicas when DATABASE_READ_URL names some (server/plugins/replica.ts).
    const tileReader = app.replicas.reader({ statementTimeoutMs: tileTimeoutMs, maxConnections: opts.maxConnections ?? 16, applicationName: 'citycheck-tiles-replica' });
    pool.on('error', (err) => app.log.error({ err }, 'idle tile connection failed'));
    const catalog = createCatalog([...LAYERS.map((d) => createTableSource(d)), ...(opts.extraSources ?? [])]);
    const cacheBytes = opts.cacheBytes ?? envInt('TILE_CACHE_MB', 128, 0, 65_536) * 1024 * 1024;
    const tiles = new TileService({
      catalog,
      byteBudget: opts.byteBudget,
      cache: cacheBytes > 0 ? new TileCache(cacheBytes) : null,
      run: async (q) => {
        const r = await tileReader.query<{ mvt: Buffer | null }>(q, (p) => pool.query({ text: p.text, values: p.values as unknown[] }));
        return r.rows[0]?.mvt ?? Buffer.alloc(0);
      },
    });
    const features = new FeatureService(catalog, async (q) =>
      (await app.replicas.read.query(q, (p) => app.pg.query({ text: p.text, values: p.values as unknown[] }))).rows);
    app.decorate('tileCatalog', catalog);
    app.decorate('tiles', tiles);
    app.decorate('features', features);
    app.addHook('onClose', async () => {
      await pool.end();
    });
  },
  { name: 'tile-catalog', dependencies: ['db', 'replica'] },
);
