/**
 * The declarative description of a published layer: what tiles/table-source.ts turns into tile and
 * feature queries, and what the catalog, TileJSON and OGC collections report.
 */

/** Attribute types a layer may declare; they drive filter parsing and TileJSON field types. */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

/** Geometry kind of a layer (MVT has points, lines and polygons; `mixed` holds several). */
export type GeometryKind = 'point' | 'line' | 'polygon' | 'mixed';

/** Per-zoom restriction of one attribute to a list of values (e.g. road classes by zoom). */
export interface ZoomValueRule {
  field: string;
  /** Values allowed below each zoom: the entry with the smallest `belowZoom` > z applies. */
  steps: { belowZoom: number; values: string[] }[];
}

/** One published layer. */
export interface LayerDef {
  /** Layer id: URL segment, MVT source-layer name, OGC collection id, and view name in schema `tiles`. */
  id: string;
  title_zh: string;
  title_en: string;
  description?: string;
  minzoom: number;
  maxzoom: number;
  geometry: GeometryKind;
  /** Declared attributes (besides the promoted id and the common props). */
  fields: Record<string, FieldType>;
  /** app.* tables whose changes (citycheck_change) affect this layer's tiles. */
  tables: string[];
  attribution?: string;
  /** True for the offline basemap layers. */
  basemap?: boolean;
  zoomRule?: ZoomValueRule;
  /**
   * Coded text fields → their app.code_label domain. Filters on these accept the code, the Chinese
   * label or the English label (`status=未治理` ≡ `status=untreated`); tiles still carry the code.
   */
  codeDomains?: Record<string, string>;
}

/** Provenance props every layer carries (where present). */
export const COMMON_FIELDS: Record<string, FieldType> = { is_sample: 'boolean', check_year: 'integer', dataset_id: 'string' };

/** All fields of a layer: declared + common, in a stable order. */
export function allFields(def: LayerDef): Record<string, FieldType> {
  return { ...def.fields, ...COMMON_FIELDS };
}
