/**
 * A bytes-bounded LRU of finished tiles with targeted invalidation: a change drops exactly the
 * cached tiles (any zoom) of the affected layers whose extent, grown by the MVT buffer, touches
 * a changed box.
 */
import { tileTouchesBox, type LonLatBox, type TileCoord } from './tile-math.ts';
import { MVT_BUFFER, MVT_EXTENT } from './tile-source.ts';

/** One cached tile. `gzip` is filled in lazily the first time a client accepts gzip. */
export interface CachedTile {
  key: string;
  layers: readonly string[];
  tile: TileCoord;
  data: Buffer;
  gzip?: Buffer;
  etag: string;
}

/** Counters for tests, logs and the benchmark. */
export interface TileCacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
  invalidations: number;
  dropped: number;
}

/** Per-entry bookkeeping cost in bytes on top of the tile bytes (key, object, map slot). */
const ENTRY_OVERHEAD = 256;

/** Bytes-limited LRU of tiles. Not shared between processes. */
export class TileCache {
  private readonly map = new Map<string, CachedTile>();
  private bytes = 0;
  private counters = { hits: 0, misses: 0, evictions: 0, invalidations: 0, dropped: 0 };
  /** Incremented by every invalidation; a query started under an older epoch must not be cached. */
  epoch = 0;

  /** @param maxBytes upper bound of cached tile bytes (raw + gzip + overhead). */
  constructor(readonly maxBytes: number) {}

  /** Returns a tile and marks it recently used. */
  get(key: string): CachedTile | undefined {
    const e = this.map.get(key);
    if (!e) {
      this.counters.misses++;
      return undefined;
    }
    this.counters.hits++;
    this.map.delete(key);
    this.map.set(key, e);
    return e;
  }

  /** True when the key is cached; does not touch the LRU order or counters. */
  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Stores a tile (replacing one with the same key) and evicts the least recently used beyond the bound. */
  set(entry: CachedTile): void {
    const size = sizeOf(entry);
    if (size > this.maxBytes) return;
    this.delete(entry.key);
    this.map.set(entry.key, entry);
    this.bytes += size;
    this.evict();
  }

  /** Attaches the gzip form of a cached tile (if it is still cached). */
  setGzip(key: string, gzip: Buffer): void {
    const e = this.map.get(key);
    if (!e || e.gzip) return;
    e.gzip = gzip;
    this.bytes += gzip.length;
    this.evict();
  }

  /**
   * Drops cached tiles of `layers` touching any of `boxes` (lon/lat, EPSG:4326), at every zoom;
   * `boxes` null drops every tile of those layers. Returns how many were dropped.
   */
  invalidate(layers: ReadonlySet<string>, boxes: readonly LonLatBox[] | null): number {
    this.epoch++;
    this.counters.invalidations++;
    const buffer = MVT_BUFFER / MVT_EXTENT;
    let n = 0;
    for (const e of [...this.map.values()]) {
      if (!e.layers.some((l) => layers.has(l))) continue;
      if (boxes && !boxes.some((b) => tileTouchesBox(e.tile, b, buffer))) continue;
      this.delete(e.key);
      n++;
    }
    this.counters.dropped += n;
    return n;
  }

  /** Drops everything (e.g. after the change feed reconnects and may have missed notices). */
  clear(): void {
    this.epoch++;
    this.map.clear();
    this.bytes = 0;
  }

  stats(): TileCacheStats {
    return { entries: this.map.size, bytes: this.bytes, maxBytes: this.maxBytes, ...this.counters };
  }

  private delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.bytes -= sizeOf(e);
  }

  private evict(): void {
    while (this.bytes > this.maxBytes) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
      this.counters.evictions++;
    }
  }
}

function sizeOf(e: CachedTile): number {
  return e.data.length + (e.gzip?.length ?? 0) + e.key.length * 2 + ENTRY_OVERHEAD;
}
