/**
 * Pure deck.gl layer factory of the 更新 panel: `(data, settings) => Layer`, a stable id, `visible`
 * rather than removal, `updateTriggers` for the selection. Candidates are dots at a point inside the
 * estate, coloured by rank (top 10 in a dark-to-light red ramp, the rest grey); sites where only
 * micro-renewal is allowed (heritage) get a purple ring. Blocks (街区) and drawn sites are also drawn
 * as outlines in their rank colour; projects with a site as blue outlines (the selected one thicker).
 */
import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Feature, Geometry } from 'geojson';
import type { Candidate, Project } from './renewal-api.ts';

export type Rgba = [number, number, number, number];

/** Ranks 1–10, darkest first (ColorBrewer Reds, reversed). */
export const TOP_COLORS: Rgba[] = [
  [103, 0, 13, 240], [165, 15, 21, 235], [203, 24, 29, 230], [239, 59, 44, 225], [251, 106, 74, 220],
  [252, 146, 114, 215], [252, 187, 161, 210], [254, 224, 210, 210], [255, 235, 225, 205], [255, 245, 240, 200],
];
export const REST_COLOR: Rgba = [150, 150, 150, 160];
export const HERITAGE_RING: Rgba = [106, 61, 154, 255];

export const rankColor = (rank: number): Rgba => (rank >= 1 && rank <= TOP_COLORS.length ? TOP_COLORS[rank - 1] : REST_COLOR);

export interface CandidateLayerSettings { visible: boolean; selected: string | null }

export function createCandidateLayer(data: Candidate[] | null, s: CandidateLayerSettings) {
  return new ScatterplotLayer<Candidate>({
    id: 'renewal-candidates',
    data: data ?? [],
    visible: s.visible && !!data,
    pickable: false,
    radiusUnits: 'pixels',
    getPosition: (c) => [c.lon, c.lat],
    getRadius: (c) => (c.key === s.selected ? 11 : c.rank <= 10 ? 8 : 5),
    getFillColor: (c) => rankColor(c.rank),
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineColor: (c) => (c.constraint.mode === 'micro_renewal_only' ? HERITAGE_RING : [40, 40, 40, 200]),
    getLineWidth: (c) => (c.constraint.mode === 'micro_renewal_only' || c.key === s.selected ? 3 : 1),
    updateTriggers: { getRadius: [s.selected], getLineWidth: [s.selected] },
  });
}


/** Outlines of the block and drawn-site candidates (estates have no geometry in the result). */
export function createCandidateAreaLayer(data: Candidate[] | null, s: CandidateLayerSettings) {
  const features: Feature<Geometry, { rank: number; key: string }>[] = (data ?? []).flatMap((c) => (c.geometry ? [{ type: 'Feature' as const, geometry: c.geometry, properties: { rank: c.rank, key: c.key } }] : []));
  return new GeoJsonLayer<{ rank: number; key: string }>({
    id: 'renewal-candidate-areas',
    data: features,
    visible: s.visible && features.length > 0,
    pickable: false,
    stroked: true,
    filled: true,
    getFillColor: (f) => { const [r, g, b] = rankColor(f.properties.rank); return [r, g, b, 50]; },
    getLineColor: (f) => rankColor(f.properties.rank),
    lineWidthUnits: 'pixels',
    getLineWidth: (f) => (f.properties.key === s.selected ? 4 : 2),
    updateTriggers: { getLineWidth: [s.selected] },
  });
}

export const PROJECT_COLOR: Rgba = [33, 102, 172, 255];
export const FACILITY_POINT_COLOR: Rgba = [230, 85, 13, 255];

/** The point picked on the map for a project's new facility (预测效果), or nothing. */
export function createFacilityPointLayer(point: { lon: number; lat: number } | null, s: { visible: boolean }) {
  return new ScatterplotLayer<{ lon: number; lat: number }>({
    id: 'renewal-facility-point',
    data: point ? [point] : [],
    visible: s.visible && point !== null,
    pickable: false,
    radiusUnits: 'pixels',
    getPosition: (p) => [p.lon, p.lat],
    getRadius: 9,
    getFillColor: FACILITY_POINT_COLOR,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineColor: [255, 255, 255, 255],
    getLineWidth: 2,
  });
}

/** Project sites drawn on the map (from the project library), the selected project thicker. */
export function createProjectLayer(data: Project[], s: { visible: boolean; selected: number | null }) {
  const features: Feature<Geometry, { id: number; name: string }>[] = data.flatMap((p) => (p.geometry ? [{ type: 'Feature' as const, geometry: p.geometry, properties: { id: p.id, name: p.name } }] : []));
  return new GeoJsonLayer<{ id: number; name: string }>({
    id: 'renewal-projects',
    data: features,
    visible: s.visible && features.length > 0,
    pickable: false,
    stroked: true,
    filled: true,
    getFillColor: [PROJECT_COLOR[0], PROJECT_COLOR[1], PROJECT_COLOR[2], 60],
    getLineColor: PROJECT_COLOR,
    lineWidthUnits: 'pixels',
    getLineWidth: (f) => (f.properties.id === s.selected ? 5 : 2.5),
    updateTriggers: { getLineWidth: [s.selected] },
  });
}
