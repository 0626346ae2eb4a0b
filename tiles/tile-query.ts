/**
 * Composes one SQL statement for a (possibly composite) tile: the MVT layers of each source in
 * range, concatenated (MVT layers concatenate as bytes), so a composite tile is one round trip.
 */
import { sql } from 'kysely';
import { compileFilter } from './filter-compiler.ts';
import { compileSql, type CompiledSql } from './sql-compile.ts';
import type { TileCoord } from './tile-math.ts';
import type { TileQueryOptions, TileSource } from './tile-source.ts';

/** A planned tile: the query (null when no source is in zoom range) and the layers it covers. */
export interface TilePlan {
  query: CompiledSql | null;
  layers: string[];
  /** Canonical filter text ('' when none), part of the cache key. */
  filterKey: string;
}

/**
 * Plans the tile query for sources at z/x/y (already validated) with an optional filter, which is
 * compiled against each source's fields (a field unknown to any source is a FilterError).
 */
export function planTile(sources: readonly TileSource[], tile: TileCoord, filterText?: string, opts?: TileQueryOptions): TilePlan {
  const parts = [];
  let filterKey = '';
  for (const s of sources) {
    const filter = compileFilter(filterText, s.fields, 't', s.def.codeDomains);
    if (filter) filterKey = filter.canonical;
    const part = s.buildTileQuery(tile, filter, opts);
    if (part) parts.push(part);
  }
  const layers = sources.map((s) => s.id);
  if (parts.length === 0) return { query: null, layers, filterKey };
  return { query: compileSql(sql`SELECT ${sql.join(parts, sql` || `)} AS mvt`), layers, filterKey };
}
