/**
 * Pure deck.gl layer factory of the 更新 panel: `(data, settings) => Layer`, a stable id, `visible`
 * rather than removal, `updateTriggers` for the selection. Candidates are dots at a point inside the
 * estate, coloured by rank (top 10 in a dark-to-light red ramp, the rest grey); sites where only
 * micro-renewal is allowed (heritage) get a purple ring.
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Candidate } from './renewal-api.ts';

export type Rgba = [number, number, number, number];

/** Ranks 1–10, darkest first (ColorBrewer Reds, reversed). */
export const TOP_COLORS: Rgba[] = [
  [103, 0, 13, 240], [165, 15, 21, 235], [203, 24, 29, 230], [239, 59, 44, 225], [251, 106, 74, 220],
  [252, 146, 114, 215], [252, 187, 161, 210], [254, 224, 210, 210], [255, 235, 225, 205], [255, 245, 240, 200],
];
export const REST_COLOR: Rgba = [150, 150, 150, 160];
export const HERITAGE_RING: Rgba = [106, 61, 154, 255];

export const rankColor = (rank: number): Rgba => (rank >= 1 && rank <= TOP_COLORS.length ? TOP_COLORS[rank - 1] : REST_COLOR);

export interface CandidateLayerSettings { visible: boolean; selected: number | null }

export function createCandidateLayer(data: Candidate[] | null, s: CandidateLayerSettings) {
  return new ScatterplotLayer<Candidate>({
    id: 'renewal-candidates',
    data: data ?? [],
    visible: s.visible && !!data,
    pickable: false,
    radiusUnits: 'pixels',
    getPosition: (c) => [c.lon, c.lat],
    getRadius: (c) => (c.estateId === s.selected ? 11 : c.rank <= 10 ? 8 : 5),
    getFillColor: (c) => rankColor(c.rank),
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineColor: (c) => (c.constraint.mode === 'micro_renewal_only' ? HERITAGE_RING : [40, 40, 40, 200]),
    getLineWidth: (c) => (c.constraint.mode === 'micro_renewal_only' || c.estateId === s.selected ? 3 : 1),
    updateTriggers: { getRadius: [s.selected], getLineWidth: [s.selected] },
  });
}
