/**
 * Catalog entries and TileJSON 3.0.0 documents for tile sources. URLs are absolute, built from a
 * base URL the server derives from the request (e.g. `http://127.0.0.1:8080`).
 */
import type { FieldType } from './layer-def.ts';
import { OSM_ATTRIBUTION } from './layers.ts';
import type { LonLatBox } from './tile-math.ts';
import type { TileSource } from './tile-source.ts';

/** One row of GET /tiles/catalog. */
export interface CatalogEntry {
  id: string;
  title_zh: string;
  title_en: string;
  minzoom: number;
  maxzoom: number;
  geometry_type: string;
  fields: Record<string, FieldType>;
  attribution: string | null;
  basemap: boolean;
  tilejson: string;
  tiles: string;
}

/** Catalog entry of a source. */
export function catalogEntry(s: TileSource, baseUrl: string): CatalogEntry {
  return {
    id: s.id, title_zh: s.def.title_zh, title_en: s.def.title_en, minzoom: s.def.minzoom, maxzoom: s.def.maxzoom,
    geometry_type: s.def.geometry, fields: { ...s.fields }, attribution: s.def.attribution ?? null, basemap: !!s.def.basemap,
    tilejson: `${baseUrl}/tiles/${s.id}.json`, tiles: `${baseUrl}/tiles/${s.id}/{z}/{x}/{y}.mvt`,
  };
}

const TILEJSON_TYPE: Record<FieldType, string> = { string: 'String', integer: 'Number', number: 'Number', boolean: 'Boolean', date: 'String' };

/** A loaded city as TileJSON sees it: its extent and the centre of that extent (lon/lat). */
export interface CityExtent {
  bbox: LonLatBox;
  center: [number, number];
}

/**
 * The centre of a layer spanning `bounds`: the centre of the largest city whose extent meets the
 * bounds, so a layer holding two distant cities never centres on the empty land between them;
 * the centre of the bounds when no city meets them.
 */
export function centerAmong(bounds: LonLatBox, cities: readonly CityExtent[]): [number, number] {
  const meets = cities.filter((c) => c.bbox[0] <= bounds[2] && c.bbox[2] >= bounds[0] && c.bbox[1] <= bounds[3] && c.bbox[3] >= bounds[1]);
  const area = (b: LonLatBox) => (b[2] - b[0]) * (b[3] - b[1]);
  const best = meets.sort((a, b) => area(b.bbox) - area(a.bbox))[0];
  return best ? best.center : [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2];
}

/**
 * TileJSON 3.0.0 for one or more sources (a composite id `a,b` serves both in one tile URL).
 * `bounds` are lon/lat (EPSG:4326); the whole world when unknown. `center` (lon/lat) defaults to
 * the centre of the bounds; pass centerAmong(…) when the layer spans several cities.
 */
export function tileJson(sources: TileSource[], baseUrl: string, bounds: LonLatBox | null, center?: [number, number]): Record<string, unknown> {
  const id = sources.map((s) => s.id).join(',');
  const minzoom = Math.min(...sources.map((s) => s.def.minzoom));
  const maxzoom = Math.max(...sources.map((s) => s.def.maxzoom));
  const b = bounds ?? [-180, -85.0511, 180, 85.0511];
  const centerZoom = Math.max(minzoom, Math.min(14, maxzoom));
  const attributions = [...new Set(sources.map((s) => s.def.attribution).filter(Boolean))];
  return {
    tilejson: '3.0.0',
    name: id,
    description: sources.map((s) => `${s.def.title_zh} ${s.def.title_en}`).join('; '),
    version: '1.0.0',
    scheme: 'xyz',
    tiles: [`${baseUrl}/tiles/${id}/{z}/{x}/{y}.mvt`],
    minzoom,
    maxzoom,
    bounds: b,
    center: [...(center ?? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]), centerZoom],
    attribution: attributions.length ? attributions.join('; ') : undefined,
    vector_layers: sources.map((s) => ({
      id: s.id,
      description: s.def.title_en,
      minzoom: s.def.minzoom,
      maxzoom: s.def.maxzoom,
      fields: Object.fromEntries(Object.entries(s.fields).map(([k, t]) => [k, TILEJSON_TYPE[t]])),
    })),
  };
}

export { OSM_ATTRIBUTION };
