/**
 * Pure deck.gl layer factories of the 诊断 panel: `(data, settings) => Layer`, stable ids, `visible`
 * instead of removing layers, `updateTriggers` for accessor inputs. Colours: the standard diverging
 * hot-spot scheme (ArcGIS Hot Spot Analysis / ColorBrewer RdBu: red hot, blue cold, pale = not
 * significant), the LISA cluster colours of GeoDa, and a sequential YlOrRd ramp for the disease score.
 */
import { GeoJsonLayer } from '@deck.gl/layers';

export type Rgba = [number, number, number, number];
export type DiagnosisView = 'disease' | 'gi' | 'lisa';

/** Gi* confidence bins −3..3 (99/95/90 % cold … hot); 0 = not significant. */
export const GI_BIN_COLORS: Record<number, Rgba> = {
  [-3]: [69, 117, 181, 230], [-2]: [132, 158, 186, 220], [-1]: [192, 204, 190, 210],
  0: [240, 240, 232, 150],
  1: [250, 185, 132, 210], 2: [237, 117, 81, 220], 3: [214, 47, 39, 230],
};
/** Local Moran quadrants: HH/LL clusters, HL/LH outliers, ns. */
export const LISA_COLORS: Record<string, Rgba> = {
  HH: [215, 25, 28, 230], LL: [44, 123, 182, 230], HL: [253, 174, 97, 220], LH: [171, 217, 233, 220], ns: [240, 240, 232, 150],
};
/** Disease score classes (0–1 in fifths), light to dark. */
export const DISEASE_COLORS: Rgba[] = [
  [255, 255, 178, 200], [254, 204, 92, 210], [253, 141, 60, 215], [240, 59, 32, 225], [189, 0, 38, 235],
];
const NO_DATA: Rgba = [200, 200, 200, 90];

export const diseaseColor = (d: number | null): Rgba => (d === null ? NO_DATA : DISEASE_COLORS[Math.min(4, Math.max(0, Math.floor(d * 5)))]);

/** A unit's colour in a view; with `fdr`, Gi* bins and LISA clusters count only where FDR keeps them. */
export function unitColor(p: Record<string, unknown>, view: DiagnosisView, fdr: boolean): Rgba {
  if (view === 'disease') return diseaseColor((p.disease as number | null) ?? null);
  if (view === 'gi') {
    if (p.giBin === null || p.giBin === undefined) return NO_DATA;
    return GI_BIN_COLORS[fdr && !p.giFdr ? 0 : (p.giBin as number)];
  }
  const q = (p.lisaQuadrant as string | null) ?? null;
  if (q === null) return NO_DATA;
  return LISA_COLORS[fdr && !p.lisaFdr ? 'ns' : q];
}

/** `data` is a new object after every recomputation, so accessors re-run; the triggers cover the view switches. */
export interface UnitLayerSettings { visible: boolean; view: DiagnosisView; fdr: boolean; selected: number | null }

export function createUnitLayer(data: GeoJSON.FeatureCollection | null, s: UnitLayerSettings) {
  return new GeoJsonLayer({
    id: 'diagnosis-units',
    data: data ?? { type: 'FeatureCollection', features: [] },
    visible: s.visible && !!data,
    pickable: false,
    stroked: true,
    filled: true,
    getFillColor: (f: GeoJSON.Feature) => unitColor(f.properties ?? {}, s.view, s.fdr),
    getLineColor: (f: GeoJSON.Feature) => (f.properties?.unitNo === s.selected ? [20, 20, 20, 255] : [120, 120, 120, 120]),
    getLineWidth: (f: GeoJSON.Feature) => (f.properties?.unitNo === s.selected ? 3 : 1),
    lineWidthUnits: 'pixels',
    updateTriggers: { getFillColor: [s.view, s.fdr], getLineColor: [s.selected], getLineWidth: [s.selected] },
  });
}
