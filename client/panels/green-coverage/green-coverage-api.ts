/**
 * Typed calls to the green-coverage API (server/routes/green-coverage.ts). Request and response
 * types are derived from the server's contract (server/contract/green-coverage.ts, type-only
 * imports), so reading a field the server does not send fails `tsc`. Same-origin HTTP only.
 * Geometry in and out is GeoJSON in EPSG:4326 (lon/lat); areas m², distances metres, shares 0–1,
 * percentages 0–100. Rule defaults live on the server: requests carry only what the planner changed.
 */
import type {
  CoverageEstate, CoverageRules, CoverageRun, CoverageRunBody, CoverageUnit, PocketBody, PocketParkPick, WhatIfResult,
} from '../../../server/contract/green-coverage.ts';
import type { EffectiveParam, EffectiveParams } from '../../../server/contract/common.ts';
import { getJson, sendJson } from '../../api/http.ts';

export type { CoverageEstate, CoverageRules, CoverageRun, CoverageUnit, EffectiveParam, EffectiveParams, PocketParkPick, WhatIfResult };
export type CoverageMode = CoverageRun['mode'];
export type CoverageTarget = CoverageRun['target'];
export type UnitKind = CoverageUnit['unitKind'];
export type ShortfallLayerName = 'uncovered_official' | 'uncovered_walking' | 'detour';

/** What the planner changed in the form (everything else: the city's settings or the defaults). */
export interface CoverageEdits {
  mode?: CoverageMode;
  target?: CoverageTarget;
  rules: Partial<CoverageRules>;
}

/** The POST body of a run: the city and only the fields the planner set (finite numbers only). */
export function coverageBody(city: string, edits: CoverageEdits): CoverageRunBody {
  const rules = Object.fromEntries(Object.entries(edits.rules).filter(([, v]) => v !== undefined && !(typeof v === 'number' && !Number.isFinite(v))));
  return {
    dataset: city,
    ...(edits.mode ? { mode: edits.mode } : {}),
    ...(edits.target ? { target: edits.target } : {}),
    ...(Object.keys(rules).length ? { rules } : {}),
  };
}

const base = (runId: number) => `/api/analysis/green-coverage/${runId}`;

export const runCoverage = (city: string, edits: CoverageEdits, signal?: AbortSignal) =>
  sendJson<CoverageRun>('/api/analysis/green-coverage', 'POST', coverageBody(city, edits), signal);
export const shortfallUrl = (runId: number, layer: ShortfallLayerName) => `${base(runId)}/shortfall.geojson?layer=${layer}`;
export const fetchShortfall = (runId: number, layer: ShortfallLayerName, signal?: AbortSignal) =>
  getJson<GeoJSON.FeatureCollection>(shortfallUrl(runId, layer), signal);
export const estatesCsvUrl = (runId: number) => `${base(runId)}/estates.csv`;
export const postWhatIf = (runId: number, parks: GeoJSON.FeatureCollection, signal?: AbortSignal) =>
  sendJson<WhatIfResult>(`${base(runId)}/what-if`, 'POST', { parks }, signal);
/** Pocket-park request; drawn candidates as a FeatureCollection (the contract checks the envelope only). */
export type PocketRequest = Omit<PocketBody, 'candidates'> & { candidates?: GeoJSON.FeatureCollection };
export const postPocketParks = (runId: number, req: PocketRequest, signal?: AbortSignal) =>
  sendJson<{ runId: number; picks: PocketParkPick[] }>(`${base(runId)}/pocket-parks`, 'POST', req, signal);

/** Which shortfall layers a run of this mode has. */
export function shortfallLayersOf(mode: CoverageMode): ShortfallLayerName[] {
  // Walking runs also store the buffer's shortfall (the detour layer is buffer minus walking reach).
  return mode === 'official' ? ['uncovered_official'] : ['uncovered_official', 'uncovered_walking', 'detour'];
}

/** Closed polygon ring from clicked vertices (lon/lat); null below three distinct vertices. */
export function ringOf(vertices: [number, number][]): [number, number][] | null {
  const v = vertices.filter((p, i) => i === 0 || Math.hypot(p[0] - vertices[i - 1][0], p[1] - vertices[i - 1][1]) > 1e-7);
  if (v.length > 1 && Math.hypot(v[0][0] - v[v.length - 1][0], v[0][1] - v[v.length - 1][1]) <= 1e-7) v.pop();
  return v.length >= 3 ? [...v, v[0]] : null;
}

/** A drawn ring as a park feature (lon/lat). */
export function drawnPark(ring: [number, number][], n: number): GeoJSON.Feature {
  return { type: 'Feature', properties: { drawn: n }, geometry: { type: 'Polygon', coordinates: [ring] } };
}
