/**
 * The tile service: catalog lookup → plan → cache / in-flight coalescing → query runner → ETag.
 * The query runner is injected (server/plugins/tile-catalog.ts passes one over a pg pool whose
 * connections carry the tile statement timeout), so this module has no HTTP and no pool of its own.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { TileCatalog } from './catalog.ts';
import type { ChangeNotice } from './change-notice.ts';
import { checkTile, type TileCoord } from './tile-math.ts';
import type { CachedTile, TileCache } from './tile-cache.ts';
import { planTile } from './tile-query.ts';
import type { CompiledSql } from './sql-compile.ts';

const gzip = promisify(gzipCb);

/** Runs a compiled tile query and returns the MVT bytes (empty buffer for no features). */
export type TileQueryRunner = (query: CompiledSql, signal?: AbortSignal) => Promise<Buffer>;

/** A finished tile. `data.length === 0` means an empty tile (HTTP 204). */
export interface TileResult {
  data: Buffer;
  /** Strong ETag (quoted), '' for empty tiles. */
  etag: string;
  /** Where it came from, for logs and the benchmark. */
  cache: 'hit' | 'miss' | 'off';
  /** The gzip form (computed once per cached tile). */
  gzipped(): Promise<Buffer>;
}

/** Low-zoom byte budget: a tile at z < `belowZoom` larger than `maxBytes` is rebuilt at `retryScale`. */
export interface ByteBudget {
  belowZoom: number;
  maxBytes: number;
  retryScale: number;
}

/** Default: tiles below z12 over 512 KiB are rebuilt with a quarter of the feature budget. */
export const DEFAULT_BYTE_BUDGET: ByteBudget = { belowZoom: 12, maxBytes: 512 * 1024, retryScale: 0.25 };

export interface TileServiceOptions {
  catalog: TileCatalog;
  byteBudget?: ByteBudget;
  run: TileQueryRunner;
  /** null disables caching (the benchmark's "cold" mode). */
  cache: TileCache | null;
}

/** Serves tiles for layer lists; see the module comment. */
export class TileService {
  readonly catalog: TileCatalog;
  readonly cache: TileCache | null;
  private readonly run: TileQueryRunner;
  private readonly byteBudget: ByteBudget;
  private readonly inflight = new Map<string, Promise<CachedTile>>();

  constructor(opts: TileServiceOptions) {
    this.catalog = opts.catalog;
    this.cache = opts.cache;
    this.run = opts.run;
    this.byteBudget = opts.byteBudget ?? DEFAULT_BYTE_BUDGET;
  }

  /**
   * Returns the tile of the comma-separated `layers` at z/x/y with an optional filter.
   * Throws UnknownLayerError, TileCoordError or FilterError for bad requests.
   * @example await service.getTile('roads,water', 14, 13703, 6671)
   */
  async getTile(layers: string, z: number, x: number, y: number, filter?: string, signal?: AbortSignal): Promise<TileResult> {
    const tile = checkTile(z, x, y);
    const sources = this.catalog.resolve(layers);
    // Keyed on the filter text as sent: hits skip planning entirely (the hot path of warm tiles).
    const key = `${sources.map((s) => s.id).join(',')}/${z}/${x}/${y}|${filter ?? ''}`;
    const cached = this.cache?.get(key);
    if (cached) return this.result(cached, 'hit');
    const plan = planTile(sources, tile, filter);
    if (!plan.query) return this.result(makeEntry(key, plan.layers, tile, Buffer.alloc(0)), this.cache ? 'miss' : 'off');

    let pending = this.inflight.get(key);
    if (!pending) {
      const epoch = this.cache?.epoch ?? 0;
      const query = plan.query;
      pending = this.run(query, signal).then(async (first) => {
        let data = first;
        const b = this.byteBudget;
        if (z < b.belowZoom && data.length > b.maxBytes) {
          const lighter = planTile(sources, tile, filter, { budgetScale: b.retryScale }).query;
          if (lighter) data = await this.run(lighter, signal);
        }
        const entry = makeEntry(key, plan.layers, tile, data);
        if (this.cache && this.cache.epoch === epoch) this.cache.set(entry);
        return entry;
      });
      this.inflight.set(key, pending);
      const clear = () => {
        if (this.inflight.get(key) === pending) this.inflight.delete(key);
      };
      pending.then(clear, clear);
    }
    return this.result(await pending, this.cache ? 'miss' : 'off');
  }

  /** Applies a change notice: drops the affected cached tiles. Returns how many were dropped. */
  invalidate(change: ChangeNotice): number {
    this.inflight.clear();
    if (!this.cache) return 0;
    const layers = new Set(change.tables.flatMap((t) => this.catalog.layersForTable(t)));
    if (layers.size === 0) return 0;
    return this.cache.invalidate(layers, change.boxes);
  }

  private result(entry: CachedTile, cache: TileResult['cache']): TileResult {
    const store = this.cache;
    return {
      data: entry.data,
      etag: entry.etag,
      cache,
      async gzipped() {
        if (entry.gzip) return entry.gzip;
        const gz = await gzip(entry.data, { level: 6 });
        store?.setGzip(entry.key, gz); // sets entry.gzip when the entry is still cached, counting its bytes
        entry.gzip ??= gz;
        return gz;
      },
    };
  }
}

function makeEntry(key: string, layers: string[], tile: TileCoord, data: Buffer): CachedTile {
  const etag = data.length ? `"${createHash('sha1').update(data).digest('base64url')}"` : '';
  return { key, layers, tile, data, etag };
}
