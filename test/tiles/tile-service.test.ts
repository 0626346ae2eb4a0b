import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../tiles/catalog.ts';
import type { CompiledSql } from '../../tiles/sql-compile.ts';
import { TileCache } from '../../tiles/tile-cache.ts';
import { TileService } from '../../tiles/tile-service.ts';

/** A service over a fake query runner that records the queries it was given. */
function fakeService(sizes: number[], cache: TileCache | null = null) {
  const seen: CompiledSql[] = [];
  const service = new TileService({
    catalog: createCatalog(),
    cache,
    byteBudget: { belowZoom: 12, maxBytes: 1000, retryScale: 0.25 },
    run: async (q) => {
      seen.push(q);
      return Buffer.alloc(sizes[seen.length - 1] ?? 0, 1);
    },
  });
  return { service, seen };
}

describe('TileService', () => {
  it('rebuilds an over-budget low-zoom tile with a quarter of the feature budget', async () => {
    const { service, seen } = fakeService([5000, 800]);
    const tile = await service.getTile('green_spaces', 10, 853, 415);
    expect(tile.data.length).toBe(800);
    expect(seen).toHaveLength(2);
    const limit = (q: CompiledSql) => q.values.at(-1);
    expect(limit(seen[0]!)).toBe(3000);
    expect(limit(seen[1]!)).toBe(750);
  });

  it('leaves an over-budget tile at z ≥ 12 alone', async () => {
    const { service, seen } = fakeService([5000]);
    await service.getTile('green_spaces', 14, 13650, 6650);
    expect(seen).toHaveLength(1);
  });

  it('shares one query between identical concurrent requests and serves the next from the cache', async () => {
    const { service, seen } = fakeService([2000, 2000, 2000], new TileCache(1e6));
    const [a, b] = await Promise.all([service.getTile('roads', 14, 1, 1), service.getTile('roads', 14, 1, 1)]);
    expect(a.etag).toBe(b.etag);
    expect(seen).toHaveLength(1);
    expect((await service.getTile('roads', 14, 1, 1)).cache).toBe('hit');
  });

  it('does not cache a tile whose query started before an invalidation', async () => {
    const cache = new TileCache(1e6);
    let release!: () => void;
    const service = new TileService({
      catalog: createCatalog(), cache,
      run: () => new Promise((r) => (release = () => r(Buffer.alloc(10, 1)))),
    });
    const pending = service.getTile('roads', 14, 1, 1);
    await new Promise((r) => setTimeout(r, 0));
    service.invalidate({ tables: ['base_road'], boxes: null });
    release();
    await pending;
    expect(cache.stats().entries).toBe(0);
  });
});
