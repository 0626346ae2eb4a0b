/**
 * Static map figures of the annual report, drawn by MapLibre GL in a headless Chromium page from the
 * project's own vector tiles and API. The page lives on a private origin (REPORT_ORIGIN) that never reaches
 * the network: every request it makes is answered by `fetchResource` (the route wires it to the app itself
 * through `app.inject`), and MapLibre's own files are served from node_modules. Nothing here imports Fastify.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { REPO_ROOT } from '../config.ts';
import { basemapStyle } from '../../tiles/basemap-style.ts';

/** The private origin of the figure page; requests to it are answered in-process. */
export const REPORT_ORIGIN = 'http://report.citycheck.internal';

export interface FetchedResource { status: number; contentType: string; body: Buffer }
/** Answers a path + query of the app (e.g. `/tiles/roads/14/13700/6650.mvt`). */
export type FetchResource = (pathAndQuery: string) => Promise<FetchedResource>;

export interface MapFigure { id: string; png: Buffer; ms: number; legend?: { colour: string; label: string }[] }

/** A choropleth's classes: colours from light to dark, and the upper bounds between them. */
export interface Classes { colours: string[]; breaks: number[] }

const MAPLIBRE_DIR = path.join(REPO_ROOT, 'node_modules/maplibre-gl/dist');
const MAPLIBRE_FILES = new Set(['maplibre-gl.mjs', 'maplibre-gl-worker.mjs', 'maplibre-gl.css']);
const FIGURE_WIDTH = 1200;
const FIGURE_HEIGHT = 800;

/** Sequential 5-class palette (ColorBrewer YlGnBu), for benefit and cost indicators alike; the legend says which is good. */
export const PALETTE = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'];

/** Quantile breaks of the values, at most PALETTE.length classes, duplicates removed. */
export function quantileClasses(values: number[]): Classes {
  const v = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return { colours: [PALETTE[2]], breaks: [] };
  const n = Math.min(PALETTE.length, v.length);
  const breaks = [...new Set(Array.from({ length: n - 1 }, (_, i) => v[Math.floor(((i + 1) * v.length) / n)]))];
  const colours = breaks.length + 1 === PALETTE.length ? PALETTE : PALETTE.slice(PALETTE.length - breaks.length - 1);
  return { colours, breaks };
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="stylesheet" href="/__report/maplibre-gl.css">
<style>html,body{margin:0}#map{width:${FIGURE_WIDTH}px;height:${FIGURE_HEIGHT}px}</style></head>
<body><div id="map"></div>
<script type="module">
import * as maplibregl from '/__report/maplibre-gl.mjs';
maplibregl.setWorkerUrl('/__report/maplibre-gl-worker.mjs');
window.drawFigure = (style, bounds) => new Promise((resolve, reject) => {
  const map = new maplibregl.Map({ container: 'map', style, bounds, fitBoundsOptions: { padding: 24 }, attributionControl: false,
    interactive: false, fadeDuration: 0, canvasContextAttributes: { preserveDrawingBuffer: true } });
  map.on('error', (e) => console.error('map error', e.error?.message ?? e));
  map.once('idle', () => resolve(true));
  setTimeout(() => reject(new Error('the map did not finish drawing in 20 s')), 20000);
});
window.figureReady = true;
</script></body></html>`;

async function answer(fetchResource: FetchResource, url: URL): Promise<FetchedResource> {
  if (url.pathname === '/__report/figure.html') return { status: 200, contentType: 'text/html; charset=utf-8', body: Buffer.from(PAGE) };
  if (url.pathname.startsWith('/__report/')) {
    const file = url.pathname.slice('/__report/'.length);
    if (!MAPLIBRE_FILES.has(file)) return { status: 404, contentType: 'text/plain', body: Buffer.from('not found') };
    return { status: 200, contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: await readFile(path.join(MAPLIBRE_DIR, file)) };
  }
  return fetchResource(url.pathname + url.search);
}

type Style = Record<string, unknown> & { sources: Record<string, unknown>; layers: Record<string, unknown>[] };

/** The offline basemap with the city's admin units, green space and waterlogging points from the product tiles. */
export function overviewStyle(): Style {
  const style = basemapStyle(REPORT_ORIGIN) as Style;
  style.sources.product = { type: 'vector', tiles: [`${REPORT_ORIGIN}/tiles/green_spaces,admin_units,waterlogging/{z}/{x}/{y}.mvt`], minzoom: 10, maxzoom: 16 };
  style.layers.push(
    { id: 'green', type: 'fill', source: 'product', 'source-layer': 'green_spaces', paint: { 'fill-color': '#5aa95a', 'fill-opacity': 0.55 } },
    { id: 'units', type: 'line', source: 'product', 'source-layer': 'admin_units', paint: { 'line-color': '#7a3b8f', 'line-width': 1.6, 'line-dasharray': [3, 2] } },
    { id: 'waterlogging', type: 'circle', source: 'product', 'source-layer': 'waterlogging', paint: { 'circle-radius': 6, 'circle-color': '#d7301f', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } },
  );
  return style;
}

/** The basemap with a choropleth of one indicator's values (GeoJSON from the app's values.geojson) over its units. */
export function choroplethStyle(valuesGeoJsonPath: string, classes: Classes): Style {
  const style = basemapStyle(REPORT_ORIGIN) as Style;
  style.sources.values = { type: 'geojson', data: `${REPORT_ORIGIN}${valuesGeoJsonPath}` };
  const colour: unknown[] = ['step', ['to-number', ['get', 'value'], -1e12], classes.colours[0]];
  classes.breaks.forEach((b, i) => colour.push(b, classes.colours[i + 1]));
  style.layers.push(
    { id: 'choropleth', type: 'fill', source: 'values', filter: ['==', ['typeof', ['get', 'value']], 'number'], paint: { 'fill-color': colour, 'fill-opacity': 0.75 } },
    { id: 'no-value', type: 'fill', source: 'values', filter: ['!=', ['typeof', ['get', 'value']], 'number'], paint: { 'fill-color': '#bbbbbb', 'fill-opacity': 0.4 } },
    { id: 'outline', type: 'line', source: 'values', paint: { 'line-color': '#333', 'line-width': 1 } },
  );
  return style;
}

/** Colour of the residential land outside every park's service radius (shortfall figure). */
export const SHORTFALL_COLOUR = '#e34a33';

/**
 * The basemap with parks and the residential land outside every park's service radius
 * (coverage_shortfall tiles of the cycle's green-coverage run, layer uncovered_official).
 */
export function shortfallStyle(coverageRunId: number): Style {
  const style = basemapStyle(REPORT_ORIGIN) as Style;
  const filter = encodeURIComponent(`run_id=${coverageRunId};layer=uncovered_official`);
  style.sources.product = { type: 'vector', tiles: [`${REPORT_ORIGIN}/tiles/green_spaces/{z}/{x}/{y}.mvt`], minzoom: 10, maxzoom: 16 };
  style.sources.shortfall = { type: 'vector', tiles: [`${REPORT_ORIGIN}/tiles/coverage_shortfall/{z}/{x}/{y}.mvt?filter=${filter}`], minzoom: 10, maxzoom: 16 };
  style.layers.push(
    { id: 'green', type: 'fill', source: 'product', 'source-layer': 'green_spaces', paint: { 'fill-color': '#5aa95a', 'fill-opacity': 0.6 } },
    { id: 'shortfall', type: 'fill', source: 'shortfall', 'source-layer': 'coverage_shortfall', paint: { 'fill-color': SHORTFALL_COLOUR, 'fill-opacity': 0.7 } },
    { id: 'shortfall-line', type: 'line', source: 'shortfall', 'source-layer': 'coverage_shortfall', paint: { 'line-color': '#a3200f', 'line-width': 1 } },
  );
  return style;
}

export interface FigureRequest { id: string; style: Style; legend?: MapFigure['legend'] }

/**
 * Draws each figure in a fresh page of `context` and returns PNGs of the map, in order.
 * @param bounds lon/lat WGS-84 [west, south, east, north] the figures are fitted to
 */
export async function renderMapFigures(context: BrowserContext, fetchResource: FetchResource, bounds: [number, number, number, number], figures: FigureRequest[]): Promise<MapFigure[]> {
  await context.route(`${REPORT_ORIGIN}/**`, async (route) => {
    try {
      const r = await answer(fetchResource, new URL(route.request().url()));
      await route.fulfill({ status: r.status, contentType: r.contentType, body: r.body, headers: { 'access-control-allow-origin': '*' } });
    } catch (err) {
      await route.fulfill({ status: 500, contentType: 'text/plain', body: (err as Error).message });
    }
  });
  const out: MapFigure[] = [];
  for (const f of figures) {
    const t0 = performance.now();
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width: FIGURE_WIDTH, height: FIGURE_HEIGHT });
      await page.goto(`${REPORT_ORIGIN}/__report/figure.html`);
      await page.waitForFunction(() => (window as unknown as { figureReady?: boolean }).figureReady === true);
      await page.evaluate(([style, b]) => (window as unknown as { drawFigure: (s: unknown, b: unknown) => Promise<boolean> }).drawFigure(style, b), [f.style, bounds] as const);
      const png = await page.locator('#map').screenshot({ type: 'png' });
      out.push({ id: f.id, png, ms: Math.round(performance.now() - t0), legend: f.legend });
    } finally {
      await page.close();
    }
  }
  return out;
}
