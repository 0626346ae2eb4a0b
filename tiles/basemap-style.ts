/**
 * The offline basemap as a MapLibre style: background, land use, water (sea and coastline included),
 * roads by class with casing, building footprints, place and road labels. No `glyphs` and no `sprite`: MapLibre ≥ 5.11
 * draws text with local fonts (WenQuanYi Zen Hei covers Chinese). The vector source is one
 * composite tile URL, absolute, built from the request's base URL.
 */

/** Local fonts named in `text-font` (installed with Debian fonts-wqy-zenhei). */
export const LABEL_FONTS = ['WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'sans-serif'];

/** Basemap layers carried by the style's one source. */
export const BASEMAP_LAYERS = ['landuse', 'water', 'roads', 'buildings', 'places'];

const ROADS: { cls: string[]; color: string; casing: string; w: [number, number, number, number] }[] = [
  { cls: ['path'], color: '#ffffff', casing: '#d6d0c8', w: [15, 0.5, 18, 2] },
  { cls: ['service', 'minor'], color: '#ffffff', casing: '#cfc8bd', w: [12, 0.5, 18, 10] },
  { cls: ['tertiary'], color: '#ffffff', casing: '#c9c0b3', w: [11, 0.6, 18, 14] },
  { cls: ['secondary'], color: '#fdf2c8', casing: '#d9c58f', w: [9, 0.6, 18, 18] },
  { cls: ['primary', 'trunk'], color: '#fde2a7', casing: '#d8a960', w: [8, 0.8, 18, 22] },
  { cls: ['motorway'], color: '#f9c88b', casing: '#c98c44', w: [8, 1, 18, 24] },
];

const width = (w: [number, number, number, number], k = 1) =>
  ['interpolate', ['exponential', 1.5], ['zoom'], w[0], w[1] * k, w[2], w[3] * k];

/** Builds the style; `baseUrl` like `http://127.0.0.1:8080` (no trailing slash). */
export function basemapStyle(baseUrl: string): Record<string, unknown> {
  const src = 'citycheck';
  const roadFilter = (cls: string[]) => ['in', ['get', 'class'], ['literal', cls]];
  return {
    version: 8,
    name: 'CityCheck basemap 城检底图',
    center: [118.79, 32.05],
    zoom: 13,
    sources: {
      [src]: {
        type: 'vector',
        tiles: [`${baseUrl}/tiles/${BASEMAP_LAYERS.join(',')}/{z}/{x}/{y}.mvt`],
        minzoom: 8,
        maxzoom: 16,
        attribution: '© OpenStreetMap contributors',
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } },
      {
        id: 'landuse', type: 'fill', source: src, 'source-layer': 'landuse',
        paint: {
          'fill-color': ['match', ['get', 'kind'],
            ['park', 'grass', 'forest', 'meadow', 'recreation_ground', 'cemetery'], '#d8ebc6',
            ['residential'], '#ece7de', ['commercial', 'retail'], '#f3e3dc', ['industrial'], '#e6e0ea',
            ['education', 'university', 'school'], '#f1ebcf', '#ebe6dc'],
          'fill-opacity': 0.8,
        },
      },
      // Lakes, riverbanks and the sea (kind 'sea', built from natural=coastline by the OSM importer).
      { id: 'water-area', type: 'fill', source: src, 'source-layer': 'water', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#aacbe8' } },
      {
        id: 'water-line', type: 'line', source: src, 'source-layer': 'water',
        filter: ['all', ['==', ['geometry-type'], 'LineString'], ['!=', ['get', 'kind'], 'coastline']],
        paint: { 'line-color': '#aacbe8', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 18, 6] },
      },
      // The shore itself, drawn even where the extract gives no sea polygon (a coastline cut by the extract).
      {
        id: 'coastline', type: 'line', source: src, 'source-layer': 'water',
        filter: ['all', ['==', ['geometry-type'], 'LineString'], ['==', ['get', 'kind'], 'coastline']],
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#6f9cc4', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.6, 18, 2] },
      },
      ...ROADS.map((r) => ({
        id: `road-${r.cls[0]}-casing`, type: 'line', source: src, 'source-layer': 'roads', filter: roadFilter(r.cls),
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': r.casing, 'line-width': width(r.w, 1.25) },
      })),
      {
        id: 'rail', type: 'line', source: src, 'source-layer': 'roads', filter: roadFilter(['rail', 'subway']),
        paint: { 'line-color': '#9a9a9a', 'line-width': 1.2, 'line-dasharray': [3, 2] },
      },
      ...ROADS.map((r) => ({
        id: `road-${r.cls[0]}`, type: 'line', source: src, 'source-layer': 'roads', filter: roadFilter(r.cls),
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': r.color, 'line-width': width(r.w) },
      })),
      {
        id: 'building', type: 'fill', source: src, 'source-layer': 'buildings', minzoom: 13,
        paint: { 'fill-color': '#dcd6cc', 'fill-outline-color': '#c5bdb1', 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 13, 0.4, 16, 0.9] },
      },
      {
        id: 'road-label', type: 'symbol', source: src, 'source-layer': 'roads', minzoom: 13,
        filter: ['all', ['has', 'name'], roadFilter(['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'minor'])],
        layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': LABEL_FONTS, 'text-size': 12 },
        paint: { 'text-color': '#5a5147', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
      {
        id: 'place-label', type: 'symbol', source: src, 'source-layer': 'places',
        filter: ['has', 'name'],
        layout: {
          'text-field': ['get', 'name'], 'text-font': LABEL_FONTS,
          'text-size': ['interpolate', ['linear'], ['get', 'rank'], 1, 18, 10, 12, 50, 11],
          'symbol-sort-key': ['get', 'rank'],
        },
        paint: { 'text-color': '#3b352e', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
    ],
  };
}
