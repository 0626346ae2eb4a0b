/**
 * Typed calls to the health-check API (server/routes/check.ts). Types come from the server's contract
 * (server/contract/check.ts) as type-only imports + Static: the client holds no copy of them.
 * Every request names the city.
 */
import type { Static } from 'typebox';
import type {
  CatalogueSchema, CycleListSchema, CycleSchema, IndexSchema, ProblemListSchema, ProblemSchema, TrendSchema, ValueListSchema, ValueSchema,
} from '../../../server/contract/check.ts';
import { getJson, pathWith, sendJson } from '../../api/http.ts';

export type Catalogue = Static<typeof CatalogueSchema>;
export type Indicator = Catalogue['indicators'][number];
export type Cycle = Static<typeof CycleSchema>;
export type CycleList = Static<typeof CycleListSchema>;
export type CheckValue = Static<typeof ValueSchema>;
export type ValueList = Static<typeof ValueListSchema>;
export type HealthIndex = Static<typeof IndexSchema>;
export type Problem = Static<typeof ProblemSchema>;
export type ProblemList = Static<typeof ProblemListSchema>;
export type Trend = Static<typeof TrendSchema>;
export type UnitLevel = 'city' | 'district' | 'subdistrict' | 'community';

/** A value with its unit's geometry (values.geojson). */
export type ValueFeatureCollection = GeoJSON.FeatureCollection<GeoJSON.Geometry | null, {
  indicator: string; unitKind: string; unitId: number | null; unitName: string | null; value: number | null; unit: string | null;
  grade: string | null; warning: string | null; previousValue: number | null; yoyChange: number | null; year: number;
}>;

export const fetchCycle = (cycleId: number, signal?: AbortSignal) => getJson<Cycle>(`/api/check/cycles/${cycleId}`, signal);
export const fetchCycles = (city: string, signal?: AbortSignal) => getJson<CycleList>(pathWith('/api/check/cycles', { dataset: city }), signal);
export const fetchCatalogue = (city: string, framework: string, signal?: AbortSignal) =>
  getJson<Catalogue>(pathWith('/api/check/catalogue', { dataset: city, framework }), signal);
export const fetchValues = (cycleId: number, q: { unitKind?: string; indicator?: string }, signal?: AbortSignal) =>
  getJson<ValueList>(pathWith(`/api/check/cycles/${cycleId}/values`, q), signal);
export const valuesGeoJsonUrl = (cycleId: number, q: { unitKind?: string; indicator?: string }) => pathWith(`/api/check/cycles/${cycleId}/values.geojson`, q);
export const valuesCsvUrl = (cycleId: number) => `/api/check/cycles/${cycleId}/values.csv`;
export const fetchValueFeatures = (cycleId: number, q: { unitKind?: string; indicator?: string }, signal?: AbortSignal) =>
  getJson<ValueFeatureCollection>(valuesGeoJsonUrl(cycleId, q), signal);
export const fetchIndex = (cycleId: number, q: { level?: UnitLevel; norm?: 'target' | 'minmax'; weights?: 'equal' | 'entropy' }, signal?: AbortSignal) =>
  getJson<HealthIndex>(pathWith(`/api/check/cycles/${cycleId}/index`, q), signal);
export const fetchProblems = (city: string, q: { indicator?: string; severity?: string; status?: string; unitKind?: string }, signal?: AbortSignal) =>
  getJson<ProblemList>(pathWith('/api/check/problems', { dataset: city, ...q }), signal);
export const problemsCsvUrl = (city: string) => pathWith('/api/check/problems.csv', { dataset: city });
export const problemsGeoJsonUrl = (city: string) => pathWith('/api/check/problems.geojson', { dataset: city });
export type ManualResult = { dataset?: string; rows?: number; stored?: number; message?: string; errors?: { row: number; field: string; message: string }[] };
export const enterManualValue = (body: { dataset: string; indicator: string; unitKind: string; unitId?: number; year: number; value: number; source: string }) =>
  sendJson<ManualResult>('/api/check/manual-values/entry', 'POST', body);
export const uploadManualFile = (body: { dataset: string; source: string; fileName: string; format: 'csv' | 'xlsx'; contentBase64: string }) =>
  sendJson<ManualResult>('/api/check/manual-values/upload', 'POST', body);
export type ProblemAction = { action: 'annotate'; note: string; inTreatment?: boolean } | { action: 'dismiss'; reason: string } | { action: 'merge'; into: number; reason: string };
export const actOnProblem = (id: number, body: ProblemAction) => sendJson<Problem>(`/api/check/problems/${id}`, 'POST', body);
export const createCycle = (city: string, year: number, gradeScheme: 'three' | 'four') => sendJson<Cycle>('/api/check/cycles', 'POST', { dataset: city, year, gradeScheme });
export const computeCycle = (cycleId: number) => sendJson<Cycle>(`/api/check/cycles/${cycleId}/compute`, 'POST', {});
export const publishCycle = (cycleId: number) => sendJson<Cycle>(`/api/check/cycles/${cycleId}/publish`, 'POST', {});
