/**
 * Pure deck.gl layer factories for the green-coverage panel: `(data, settings) => Layer`, stable ids,
 * `visible` instead of removing layers, `updateTriggers` for accessor inputs. Coordinates lon/lat
 * (EPSG:4326).
 */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { PocketParkPick, ShortfallLayerName } from './green-coverage-api.ts';

type Rgba = [number, number, number, number];

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Fill / outline per shortfall layer: 盲区 red (buffer) and orange-red (walking), detour violet. */
export const SHORTFALL_STYLE: Record<ShortfallLayerName, { fill: Rgba; line: Rgba }> = {
  uncovered_official: { fill: [215, 38, 61, 150], line: [140, 0, 20, 230] },
  uncovered_walking: { fill: [244, 109, 67, 140], line: [170, 60, 20, 230] },
  detour: { fill: [123, 50, 148, 130], line: [80, 20, 110, 230] },
};
export const NEW_COVERAGE_COLOR: Rgba = [26, 152, 80, 170];
export const DRAFT_COLOR: Rgba = [0, 109, 44, 255];
export const DRAFT_FILL: Rgba = [116, 196, 118, 170];
export const POCKET_COLOR: Rgba = [255, 196, 0, 200];

export const layerId = {
  shortfall: (name: ShortfallLayerName) => `green-coverage-${name.replace('_', '-')}`,
  newlyCovered: 'green-coverage-newly-covered',
  draft: 'green-coverage-draft',
  pocketParks: 'green-coverage-pocket-parks',
} as const;

/** Uncovered residential land (盲区) or the detour layer of a run. */
export function createShortfallLayer(name: ShortfallLayerName, data: GeoJSON.FeatureCollection | null, settings: { visible: boolean }) {
  const style = SHORTFALL_STYLE[name];
  return new GeoJsonLayer({
    id: layerId.shortfall(name),
    data: data ?? EMPTY,
    visible: settings.visible && !!data,
    pickable: false,
    filled: true,
    stroked: true,
    getFillColor: style.fill,
    getLineColor: style.line,
    lineWidthMinPixels: 1,
  });
}

/** Land a what-if park would newly cover (GeoJSON geometry from the what-if answer). */
export function createNewlyCoveredLayer(geometry: GeoJSON.Geometry | null, settings: { visible: boolean }) {
  return new GeoJsonLayer({
    id: layerId.newlyCovered,
    data: geometry ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry }] } : EMPTY,
    visible: settings.visible && !!geometry,
    pickable: false,
    getFillColor: NEW_COVERAGE_COLOR,
    getLineColor: [0, 90, 40, 255],
    lineWidthMinPixels: 1,
  });
}

/**
 * The what-if drawing: finished park polygons (drawn, or pocket-park sites marked as built), the open
 * ring being drawn and its vertices.
 * @param parks finished park features (Polygon / MultiPolygon, lon/lat)
 * @param open vertices (lon/lat) of the polygon being drawn
 * @example createDraftLayer([], [[118.78, 32.04], [118.781, 32.04]], { visible: true })
 */
export function createDraftLayer(parks: GeoJSON.Feature[], open: [number, number][], settings: { visible: boolean }) {
  const features: GeoJSON.Feature[] = [
    ...parks.map((f): GeoJSON.Feature => ({ ...f, properties: { ...f.properties, part: 'park' } })),
    ...(open.length > 1 ? [{ type: 'Feature', properties: { part: 'edge' }, geometry: { type: 'LineString', coordinates: open } } as GeoJSON.Feature] : []),
    ...open.map((p): GeoJSON.Feature => ({ type: 'Feature', properties: { part: 'vertex' }, geometry: { type: 'Point', coordinates: p } })),
  ];
  return new GeoJsonLayer({
    id: layerId.draft,
    data: { type: 'FeatureCollection', features },
    visible: settings.visible && features.length > 0,
    pickable: false,
    pointType: 'circle',
    getFillColor: (f: GeoJSON.Feature) => (f.properties?.part === 'park' ? DRAFT_FILL : [255, 255, 255, 255]),
    getLineColor: DRAFT_COLOR,
    getPointRadius: 5,
    pointRadiusUnits: 'pixels',
    lineWidthMinPixels: 2,
  });
}

/** Suggested pocket-park sites, labelled on hover by their pick order (tooltip uses `name`). */
export function createPocketParkLayer(picks: PocketParkPick[], settings: { visible: boolean; highlight: number | null }) {
  return new GeoJsonLayer({
    id: layerId.pocketParks,
    data: {
      type: 'FeatureCollection',
      features: picks.map((p): GeoJSON.Feature => ({ type: 'Feature', properties: { pick: p.pick, name: `${p.pick}. ${p.name ?? p.candidateId}` }, geometry: p.geom })),
    },
    visible: settings.visible && picks.length > 0,
    pickable: true,
    getFillColor: (f: GeoJSON.Feature) => (f.properties?.pick === settings.highlight ? [255, 140, 0, 230] : POCKET_COLOR),
    getLineColor: [150, 90, 0, 255],
    lineWidthMinPixels: 2,
    updateTriggers: { getFillColor: [settings.highlight] },
  });
}
