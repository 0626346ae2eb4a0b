/**
 * The one TileSource interface (after maplibre/martin): a source knows its layer definition and
 * builds a parameterised MVT expression for one tile. tiles/table-source.ts implements it for the
 * `tiles.<layer>` views; tests add function-like sources (e.g. a slow one for timeouts).
 */
import type { RawBuilder } from 'kysely';
import type { CompiledFilter } from './filter-compiler.ts';
import type { FieldType, LayerDef } from './layer-def.ts';
import type { TileCoord } from './tile-math.ts';

/** MVT geometry extent (units per tile side) and buffer (units beyond each edge). */
export const MVT_EXTENT = 4096;
export const MVT_BUFFER = 64;

/** Per-request knobs of a tile query. */
export interface TileQueryOptions {
  /**
   * Budget scale in (0, 1]: the feature budget is multiplied and the minimum polygon area divided
   * by it. The tile service retries an over-budget low-zoom tile with a smaller scale.
   */
  budgetScale?: number;
}

/** A tile source. Immutable once built. */
export interface TileSource {
  readonly id: string;
  readonly def: LayerDef;
  /** Declared + common fields with their types (the filter whitelist and the TileJSON fields). */
  readonly fields: Readonly<Record<string, FieldType>>;
  /**
   * A bytea expression producing this source's MVT layer (named by its id) for the tile, or null
   * when the zoom is outside the source's range. z/x/y and filter values are bound parameters.
   */
  buildTileQuery(tile: TileCoord, filter: CompiledFilter | null, opts?: TileQueryOptions): RawBuilder<Buffer> | null;
}
