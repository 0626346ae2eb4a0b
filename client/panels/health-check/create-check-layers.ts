/**
 * Pure deck.gl layer factory of the 体检 panel: the choropleth of one indicator over 区/街道/社区
 * (`(data, settings) => Layer`, stable id, `visible` rather than removal, `updateTriggers`), and the
 * class breaks its legend shows. Colours: five equal-interval classes from bad to good (ColorBrewer
 * RdYlGn, reversed for cost indicators so that red is always bad); a comparison of two years uses a
 * diverging scheme for the change (better = green, worse = red).
 */
import { GeoJsonLayer } from '@deck.gl/layers';

export type Rgba = [number, number, number, number];

/** Bad → good. */
export const GOOD_BAD_COLORS: Rgba[] = [
  [215, 48, 39, 215], [252, 141, 89, 210], [254, 224, 139, 205], [145, 207, 96, 210], [26, 152, 80, 215],
];
export const NO_DATA: Rgba = [200, 200, 200, 110];

export interface ChoroplethClasses {
  /** Lower bounds of classes 2…5 (ascending values). */
  breaks: number[];
  min: number;
  max: number;
  /** true: higher values are better (benefit, or a change of a benefit indicator). */
  higherIsBetter: boolean;
  /** A change centred on 0: the middle class is "no change". */
  diverging?: boolean;
}

/** Five equal-interval classes over the finite values; null when there are none. */
export function classesOf(values: readonly (number | null)[], higherIsBetter: boolean): ChoroplethClasses | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return null;
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const step = (max - min) / 5;
  return { breaks: step > 0 ? [1, 2, 3, 4].map((i) => min + i * step) : [], min, max, higherIsBetter };
}

/**
 * Classes of a year-on-year change, symmetric around 0: strongly better, better, about the same
 * (|Δ| < 20 % of the largest change), worse, strongly worse.
 */
export function changeClassesOf(values: readonly (number | null)[], higherIsBetter: boolean): ChoroplethClasses | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return null;
  const m = Math.max(...xs.map(Math.abs));
  return { breaks: m > 0 ? [-0.6 * m, -0.2 * m, 0.2 * m, 0.6 * m] : [], min: -m, max: m, higherIsBetter, diverging: true };
}

/** Class index 0–4 of a value, counted from the bad end. */
export function classOf(v: number, c: ChoroplethClasses): number {
  let i = 0;
  while (i < c.breaks.length && v >= c.breaks[i]) i++;
  if (c.breaks.length === 0) return c.diverging ? 2 : c.higherIsBetter ? 4 : 0; // all equal: no change; else good for benefit, bad for cost
  return c.higherIsBetter ? i : 4 - i;
}

export function colorOfValue(v: number | null | undefined, c: ChoroplethClasses | null): Rgba {
  if (v === null || v === undefined || !Number.isFinite(v) || !c) return NO_DATA;
  return GOOD_BAD_COLORS[classOf(v, c)];
}

export interface ChoroplethSettings {
  visible: boolean;
  /** The feature property coloured: the value, or the year-on-year change in comparison mode. */
  field: 'value' | 'change';
  classes: ChoroplethClasses | null;
  selectedUnit: number | null;
}

/** Units without geometry (the city when it has no admin polygon) are left off the map. */
export function drawable(data: GeoJSON.FeatureCollection<GeoJSON.Geometry | null> | null): GeoJSON.FeatureCollection {
  return { type: 'FeatureCollection', features: (data?.features ?? []).filter((f): f is GeoJSON.Feature => f.geometry !== null) };
}

export function createChoroplethLayer(data: GeoJSON.FeatureCollection | null, s: ChoroplethSettings) {
  return new GeoJsonLayer({
    id: 'health-check-choropleth',
    data: data ?? { type: 'FeatureCollection', features: [] },
    visible: s.visible && !!data,
    pickable: false,
    stroked: true,
    filled: true,
    getFillColor: (f: GeoJSON.Feature) => colorOfValue(f.properties?.[s.field] as number | null, s.classes),
    getLineColor: (f: GeoJSON.Feature) => (f.properties?.unitId === s.selectedUnit ? [20, 20, 20, 255] : [90, 90, 90, 160]),
    getLineWidth: (f: GeoJSON.Feature) => (f.properties?.unitId === s.selectedUnit ? 3 : 1),
    lineWidthUnits: 'pixels',
    updateTriggers: { getFillColor: [s.field, s.classes], getLineColor: [s.selectedUnit], getLineWidth: [s.selectedUnit] },
  });
}
