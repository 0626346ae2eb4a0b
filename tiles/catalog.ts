/**
 * The tile catalog: an immutable lookup of tile sources by layer id, built once (rebuild to reload).
 */
import { UnknownLayerError, TileRequestError } from './errors.ts';
import { LAYERS } from './layers.ts';
import { createTableSource } from './table-source.ts';
import type { TileSource } from './tile-source.ts';

/** Most layers one composite tile request may name. */
export const MAX_COMPOSITE_LAYERS = 32;

/** Immutable catalog of tile sources. */
export interface TileCatalog {
  readonly sources: readonly TileSource[];
  /** The source of a layer id; throws UnknownLayerError. */
  get(id: string): TileSource;
  /** Sources for a comma-separated list (`roads,water`), in request order, duplicates removed. */
  resolve(list: string): TileSource[];
  /** Ids of the layers that read an app.* table (for cache invalidation); `app.` prefix optional. */
  layersForTable(table: string): string[];
}

/** Builds a catalog; by default every layer of the contract (tiles/layers.ts) as a table source. */
export function createCatalog(sources: readonly TileSource[] = LAYERS.map((d) => createTableSource(d))): TileCatalog {
  const byId = new Map(sources.map((s) => [s.id, s]));
  const byTable = new Map<string, string[]>();
  for (const s of sources) {
    for (const t of s.def.tables) byTable.set(t, [...(byTable.get(t) ?? []), s.id]);
  }
  return Object.freeze({
    sources: Object.freeze([...sources]),
    get(id: string) {
      const s = byId.get(id);
      if (!s) throw new UnknownLayerError(id);
      return s;
    },
    resolve(list: string) {
      const ids = [...new Set(list.split(',').map((s) => s.trim()))];
      if (ids.length > MAX_COMPOSITE_LAYERS) throw new TileRequestError(`at most ${MAX_COMPOSITE_LAYERS} layers per tile`, 'TOO_MANY_LAYERS');
      return ids.map((id) => this.get(id));
    },
    layersForTable(table: string) {
      return byTable.get(table.replace(/^app\./, '')) ?? [];
    },
  });
}
