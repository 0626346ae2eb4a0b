/**
 * TileSource over a view `tiles.<layer id>` (migration 030): one ST_AsMVT sub-select per layer,
 * with zoom-dependent simplification, dropping of sub-pixel polygons, per-zoom value rules and a
 * feature budget so low-zoom tiles stay small.
 */
import { sql, type RawBuilder } from 'kysely';
import type { CompiledFilter } from './filter-compiler.ts';
import { allFields, type LayerDef } from './layer-def.ts';
import { pixelSizeM, type TileCoord } from './tile-math.ts';
import { MVT_BUFFER, MVT_EXTENT, type TileQueryOptions, type TileSource } from './tile-source.ts';

/** Zoom-dependent generalisation knobs (per source; defaults below). */
export interface Generalisation {
  /** Below this zoom, lines and polygons are simplified with a tolerance of `simplifyPx` pixels. */
  simplifyBelowZoom: number;
  simplifyPx: number;
  /** Below this zoom, polygons smaller than `minAreaPx2` square pixels are dropped. */
  dropBelowZoom: number;
  minAreaPx2: number;
  /** Feature budget per layer and tile by zoom: the first step with z < belowZoom applies. */
  featureBudget: { belowZoom: number; max: number }[];
}

/** Defaults: simplify to ¼ px below z15, drop polygons under ½ px² below z14, 3k/12k/50k features. */
export const DEFAULT_GENERALISATION: Generalisation = {
  simplifyBelowZoom: 15,
  simplifyPx: 0.25,
  dropBelowZoom: 14,
  minAreaPx2: 0.5,
  featureBudget: [
    { belowZoom: 12, max: 3000 },
    { belowZoom: 14, max: 12000 },
    { belowZoom: 99, max: 50000 },
  ],
};

/** Creates the TileSource of a layer definition backed by view `tiles.<def.id>`. */
export function createTableSource(def: LayerDef, gen: Generalisation = DEFAULT_GENERALISATION): TileSource {
  const fields = Object.freeze(allFields(def));
  const columns = Object.keys(fields).map((f) => sql.ref(`t.${f}`));
  const table = sql.table(`tiles.${def.id}`);
  const isPolygonal = def.geometry === 'polygon' || def.geometry === 'mixed';
  const isLinear = def.geometry !== 'point';

  return {
    id: def.id,
    def,
    fields,
    buildTileQuery(tile: TileCoord, filter: CompiledFilter | null, opts: TileQueryOptions = {}): RawBuilder<Buffer> | null {
      const { z, x, y } = tile;
      const scale = opts.budgetScale ?? 1;
      if (z < def.minzoom || z > def.maxzoom) return null;
      const env = sql`ST_TileEnvelope(${z}::integer, ${x}::integer, ${y}::integer)`;
      const px = pixelSizeM(z);
      const geom = isLinear && z < gen.simplifyBelowZoom
        ? sql`ST_Simplify(t.geom_3857, ${px * gen.simplifyPx}::float8, true)`
        : sql`t.geom_3857`;
      const where: RawBuilder<unknown>[] = [
        sql`t.geom_3857 && ST_TileEnvelope(${z}::integer, ${x}::integer, ${y}::integer, margin => ${MVT_BUFFER / MVT_EXTENT}::float8)`,
      ];
      const values = zoomValues(def, z);
      if (values) where.push(sql`${sql.ref(`t.${def.zoomRule!.field}`)} = ANY(${values}::text[])`);
      const dropping = isPolygonal && (z < gen.dropBelowZoom || scale < 1);
      if (dropping) {
        const minArea = (gen.minAreaPx2 * px * px) / scale;
        where.push(def.geometry === 'polygon'
          ? sql`ST_Area(t.geom_3857) >= ${minArea}::float8`
          : sql`(GeometryType(t.geom_3857) NOT IN ('POLYGON', 'MULTIPOLYGON') OR ST_Area(t.geom_3857) >= ${minArea}::float8)`);
      }
      if (filter) where.push(filter.where);
      const budget = Math.max(1, Math.floor((gen.featureBudget.find((b) => z < b.belowZoom)?.max ?? 50000) * scale));
      const order = z < gen.dropBelowZoom || scale < 1 ? orderBySize(def) : sql``;
      return sql<Buffer>`(SELECT coalesce(ST_AsMVT(q, ${def.id}::text, ${sql.lit(MVT_EXTENT)}, 'geom', 'id'), ''::bytea) FROM (
  SELECT t.id, ${sql.join(columns)}, ST_AsMVTGeom(${geom}, ${env}, ${sql.lit(MVT_EXTENT)}, ${sql.lit(MVT_BUFFER)}, true) AS geom
  FROM ${table} t
  WHERE ${sql.join(where, sql` AND `)}${order}
  LIMIT ${budget}::integer
) q WHERE q.geom IS NOT NULL)`;
    },
  };
}

/** Values of the zoom rule's field allowed at zoom z, or null when every value is. */
function zoomValues(def: LayerDef, z: number): string[] | null {
  return def.zoomRule?.steps.find((s) => z < s.belowZoom)?.values ?? null;
}

/** Larger features first when a budget may cut: areas for polygons, lengths for lines, rank for places. */
function orderBySize(def: LayerDef): RawBuilder<unknown> {
  if (def.geometry === 'polygon') return sql`\n  ORDER BY ST_Area(t.geom_3857) DESC`;
  if (def.geometry === 'line') return sql`\n  ORDER BY ST_Length(t.geom_3857) DESC`;
  if (def.fields.rank === 'integer') return sql`\n  ORDER BY t.rank`;
  return sql``;
}
