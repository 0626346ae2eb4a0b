/**
 * Pure deck.gl layer factories for the life-circle panel: `(data, settings) => Layer`, stable ids,
 * `visible` instead of removing layers, `updateTriggers` for accessor inputs.
 */
import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';

type Rgba = [number, number, number, number];

/** Shortfall colour by how far beyond the standard an estate is (gap in metres; null = none at all). */
export function shortfallColor(gapM: number | null): Rgba {
  if (gapM === null) return [120, 20, 30, 220];
  if (gapM <= 100) return [253, 174, 97, 200];
  if (gapM <= 300) return [244, 109, 67, 210];
  return [215, 48, 39, 220];
}

/** Isochrone band colour, 5 / 10 / 15 minutes (smaller = darker). */
export function bandColor(minutes: number): Rgba {
  if (minutes <= 5) return [8, 104, 172, 110];
  if (minutes <= 10) return [67, 162, 202, 90];
  return [123, 204, 196, 70];
}

export function createShortfallLayer(data: GeoJSON.FeatureCollection | null, settings: { visible: boolean }) {
  return new GeoJsonLayer({
    id: 'life-circle-shortfall',
    data: data ?? { type: 'FeatureCollection', features: [] },
    visible: settings.visible && !!data,
    pickable: true,
    stroked: true,
    filled: true,
    getFillColor: (f: GeoJSON.Feature) => shortfallColor((f.properties?.gapM as number | null) ?? null),
    getLineColor: [90, 0, 0, 255],
    lineWidthMinPixels: 1,
  });
}

export function createIsochroneLayer(data: GeoJSON.FeatureCollection | null, settings: { visible: boolean }) {
  return new GeoJsonLayer({
    id: 'life-circle-isochrone',
    data: data ?? { type: 'FeatureCollection', features: [] },
    visible: settings.visible && !!data,
    pickable: false,
    stroked: true,
    getFillColor: (f: GeoJSON.Feature) => bandColor(Number(f.properties?.minutes)),
    getLineColor: [8, 64, 129, 200],
    lineWidthMinPixels: 1,
  });
}

export function createWhatIfLayer(point: { lon: number; lat: number } | null, settings: { visible: boolean }) {
  return new ScatterplotLayer<{ lon: number; lat: number }>({
    id: 'life-circle-what-if',
    data: point ? [point] : [],
    visible: settings.visible && !!point,
    getPosition: (d) => [d.lon, d.lat],
    getFillColor: [0, 150, 60, 255],
    getLineColor: [255, 255, 255, 255],
    stroked: true,
    radiusMinPixels: 7,
    lineWidthMinPixels: 2,
  });
}
