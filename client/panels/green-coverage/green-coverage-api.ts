/**
 * Typed calls to the green-coverage API (server/routes/green-coverage.ts). Same-origin HTTP only.
 * Geometry in and out is GeoJSON in EPSG:4326 (lon/lat); areas are m², distances metres, shares 0–1,
 * percentages 0–100.
 */
export type CoverageMode = 'official' | 'walking' | 'both';
export type CoverageTarget = 'residential_land' | 'estate' | 'residential_building';
export type ShortfallLayerName = 'uncovered_official' | 'uncovered_walking' | 'detour';

/** Rule parameters (indicators.md §4); undefined = the server's documented default. */
export interface CoverageRules {
  largeMinM2?: number;
  largeRadiusM?: number;
  smallMinM2?: number;
  smallRadiusM?: number;
  /** UNCONFIRMED rule (historic districts: parks ≥ historicMinM2 get historicRadiusM). */
  historicVariant?: boolean;
  historicMinM2?: number;
  historicRadiusM?: number;
}

export interface CoverageRequest {
  mode: CoverageMode;
  target: CoverageTarget;
  rules: CoverageRules;
}

export interface CoverageSummary {
  target_m2: number | null;
  official_m2: number | null;
  walking_m2: number | null;
  official_pct: number | null;
  walking_pct: number | null;
  detour_m2: number | null;
  residents: number | null;
  official_residents_pct: number | null;
  walking_residents_pct: number | null;
  eligible_parks: number;
  estates: number;
}

export type UnitKind = 'city' | 'district' | 'subdistrict' | 'community';

export interface CoverageUnit {
  unitKind: UnitKind;
  unitId: number | string;
  name: string | null;
  targetM2: number | null;
  officialPct: number | null;
  walkingPct: number | null;
}

export interface CoverageEstate {
  estateId: number | string;
  name: string | null;
  residents: number | null;
  areaM2: number | null;
  officialShare: number | null;
  walkingShare: number | null;
  coveredOfficial: boolean | null;
  coveredWalking: boolean | null;
  straightDistanceM: number | null;
  straightParkId: number | string | null;
  walkDistanceM: number | null;
  nearestParkId: number | string | null;
  nearestParkName: string | null;
}

export interface CoverageRun {
  runId: number;
  mode: CoverageMode;
  target: CoverageTarget;
  ruleVersion: Record<string, unknown> & { confidence?: Record<string, string> };
  summary: CoverageSummary;
  durationMs: number;
  units: CoverageUnit[];
  estates: CoverageEstate[];
}

export interface WhatIfCity {
  target_m2: number;
  official_m2_before: number;
  official_m2_after: number;
  official_pct_before: number | null;
  official_pct_after: number | null;
  walking_m2_before: number | null;
  walking_m2_after: number | null;
  walking_pct_before: number | null;
  walking_pct_after: number | null;
}

export interface WhatIfResult {
  run_id: number;
  parks: { id: number | string; area_m2: number; radius_m: number }[];
  city: WhatIfCity;
  newly_covered_official: GeoJSON.Geometry | null;
  newly_covered_walking: GeoJSON.Geometry | null;
}

export interface PocketParkPick {
  pick: number;
  candidateId: string;
  name: string | null;
  kind: string | null;
  areaM2: number;
  radiusM: number;
  gainM2: number;
  gainPct: number;
  coveragePctAfter: number;
  geom: GeoJSON.Geometry;
}

export interface PocketParkRequest {
  k: number;
  minAreaM2?: number;
  mode: 'official' | 'walking';
  /** User-drawn candidate polygons; absent = the server's candidate layers. */
  candidates?: GeoJSON.FeatureCollection;
}

/** The POST body for a run: only rule fields the planner set, so the server fills the documented defaults. */
export function coverageBody(req: CoverageRequest): Record<string, unknown> {
  const rules = Object.fromEntries(Object.entries(req.rules).filter(([, v]) => v !== undefined && !(typeof v === 'number' && !Number.isFinite(v))));
  return { mode: req.mode, target: req.target, ...(Object.keys(rules).length ? { rules } : {}) };
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) } });
  if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? res.statusText);
  return (await res.json()) as T;
}

const base = (runId: number) => `/api/analysis/green-coverage/${runId}`;

export const runCoverage = (req: CoverageRequest, signal?: AbortSignal) =>
  json<CoverageRun>('/api/analysis/green-coverage', { method: 'POST', body: JSON.stringify(coverageBody(req)), signal });
export const shortfallUrl = (runId: number, layer: ShortfallLayerName) => `${base(runId)}/shortfall.geojson?layer=${layer}`;
export const fetchShortfall = (runId: number, layer: ShortfallLayerName, signal?: AbortSignal) =>
  json<GeoJSON.FeatureCollection>(shortfallUrl(runId, layer), { signal });
export const estatesCsvUrl = (runId: number) => `${base(runId)}/estates.csv`;
export const postWhatIf = (runId: number, parks: GeoJSON.FeatureCollection, signal?: AbortSignal) =>
  json<WhatIfResult>(`${base(runId)}/what-if`, { method: 'POST', body: JSON.stringify({ parks }), signal });
export const postPocketParks = (runId: number, req: PocketParkRequest, signal?: AbortSignal) =>
  json<{ runId: number; picks: PocketParkPick[] }>(`${base(runId)}/pocket-parks`, { method: 'POST', body: JSON.stringify(req), signal });

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
