/** Typed fetch functions for the map: basemap style, tile catalog, search, admin units and labels. */
import type { StyleSpecification } from 'maplibre-gl';
import type { AdminUnit, Labels, SearchHit } from '../../server/contract/map.ts';
import { absoluteUrl, getJson, pathWith } from './http.ts';

/** [west, south, east, north], lon/lat WGS-84. */
export type Bbox = [number, number, number, number];

export interface CatalogEntry {
  id: string;
  title_zh: string;
  title_en: string;
  minzoom: number;
  maxzoom: number;
  geometry?: string;
  geometry_type?: string;
  fields: Record<string, string>;
  attribution?: string | null;
}

// Search hits, admin units and labels as the server's contract defines them (type-only import).
export type { AdminUnit, Labels, SearchHit } from '../../server/contract/map.ts';

/** The offline basemap style, with relative source/tile URLs made absolute. */
export async function fetchBasemapStyle(signal?: AbortSignal): Promise<StyleSpecification> {
  const style = await getJson<StyleSpecification>('/styles/basemap.json', signal);
  for (const src of Object.values(style.sources)) {
    const s = src as { url?: string; tiles?: string[] };
    if (s.url) s.url = absoluteUrl(s.url);
    if (s.tiles) s.tiles = s.tiles.map((t) => (t.startsWith('http') ? t : absoluteUrl(t).replaceAll('%7B', '{').replaceAll('%7D', '}')));
  }
  return style;
}

export const fetchCatalog = (signal?: AbortSignal) => getJson<CatalogEntry[]>('/tiles/catalog', signal);
export const fetchLabels = (signal?: AbortSignal) => getJson<Labels>('/api/labels', signal);
export const fetchAdminUnits = (signal?: AbortSignal) => getJson<AdminUnit[]>('/api/admin-units', signal);
/** Name search within one city (its datasets); `city` undefined searches every city. */
export const searchByName = (q: string, city: string | undefined, signal?: AbortSignal) =>
  getJson<SearchHit[]>(pathWith('/api/search', { q, limit: 12, dataset: city }), signal);

/** Tile URL template for a catalog layer, absolute, with {z}/{x}/{y} placeholders. */
export const tileUrl = (layer: string): string => `${location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;
