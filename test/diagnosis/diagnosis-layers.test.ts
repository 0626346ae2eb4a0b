/**
 * The 诊断 panel's pure pieces: class colours (FDR toggle), merging a recomputation into the map's
 * features, and finding the unit under a click.
 */
import { describe, expect, it } from 'vitest';
import { GI_BIN_COLORS, LISA_COLORS, diseaseColor, unitColor } from '../../client/panels/diagnosis/create-diagnosis-layers.ts';
import { mergeRecompute, unitAt } from '../../client/panels/diagnosis/diagnosis-panel.tsx';
import type { DiagnosisRecompute, UnitFeatureCollection } from '../../client/panels/diagnosis/diagnosis-api.ts';

const square = (x: number, unitNo: number, props: Record<string, unknown>) => ({
  type: 'Feature' as const,
  geometry: { type: 'MultiPolygon' as const, coordinates: [[[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]] },
  properties: { unitNo, ...props },
});
const fc: UnitFeatureCollection = { type: 'FeatureCollection', features: [square(0, 0, { giBin: 3, giFdr: false, disease: 0.9 }), square(1, 1, { giBin: -2, giFdr: true, disease: 0.1 })] };

describe('diagnosis layer colours', () => {
  it('colours Gi* bins, greys them out under FDR unless significant there', () => {
    expect(unitColor(fc.features[0].properties, 'gi', false)).toEqual(GI_BIN_COLORS[3]);
    expect(unitColor(fc.features[0].properties, 'gi', true)).toEqual(GI_BIN_COLORS[0]);
    expect(unitColor(fc.features[1].properties, 'gi', true)).toEqual(GI_BIN_COLORS[-2]);
  });

  it('colours LISA quadrants and the disease ramp, with no-data apart', () => {
    expect(unitColor({ lisaQuadrant: 'HH', lisaFdr: true }, 'lisa', true)).toEqual(LISA_COLORS.HH);
    expect(unitColor({ lisaQuadrant: 'HH', lisaFdr: false }, 'lisa', true)).toEqual(LISA_COLORS.ns);
    expect(diseaseColor(0.95)).not.toEqual(diseaseColor(0.05));
    expect(diseaseColor(1)).toEqual(diseaseColor(0.99));
    expect(unitColor({ disease: null }, 'disease', false)).toEqual(unitColor({ giBin: null }, 'gi', false));
  });
});

describe('diagnosis panel helpers', () => {
  it('merges a recomputation by unit number and finds the unit under a point', () => {
    const re = { units: [{ unitNo: 1, giBin: 3, disease: 0.8 }] } as unknown as DiagnosisRecompute;
    const merged = mergeRecompute(fc, re);
    expect(merged.features[1].properties).toMatchObject({ unitNo: 1, giBin: 3, disease: 0.8 });
    expect(merged.features[0].properties).toMatchObject({ giBin: 3, disease: 0.9 });
    expect(unitAt(fc, 1.5, 0.5)).toBe(1);
    expect(unitAt(fc, 0.2, 0.2)).toBe(0);
    expect(unitAt(fc, 5, 5)).toBeNull();
  });
});
