/**
 * Typed calls to the diagnosis API (server/routes/diagnosis.ts). Types come from the server's
 * contract (server/contract/diagnosis.ts, type-only imports). Requests name the city and carry only
 * what the planner changed; the server fills the rest and reports each value's origin.
 */
import type {
  DiagnosisExplain, DiagnosisInput, DiagnosisMethod, DiagnosisRecompute, DiagnosisRun, DiagnosisRunBody, DiagnosisUnit, DiagnosisWaterlogging, WaterloggingReport,
} from '../../../server/contract/diagnosis.ts';
import { getJson, pathWith, sendJson } from '../../api/http.ts';
import type { Cycle } from '../health-check/check-api.ts';

export { fetchCycles } from '../health-check/check-api.ts';
export type { Cycle };

export type { DiagnosisExplain, DiagnosisInput, DiagnosisMethod, DiagnosisWaterlogging, DiagnosisRecompute, DiagnosisRun, DiagnosisRunBody, DiagnosisUnit, WaterloggingReport };

/** Unit properties on the map (units.geojson): scores, classes and the raw indicators by code. */
export type UnitFeatureCollection = GeoJSON.FeatureCollection<GeoJSON.MultiPolygon, Record<string, unknown> & { unitNo: number }>;

export const runDiagnosis = (body: DiagnosisRunBody, signal?: AbortSignal) =>
  sendJson<DiagnosisRun>('/api/analysis/diagnosis', 'POST', body, signal);
export const recompute = (runId: number, body: DiagnosisMethod, signal?: AbortSignal) =>
  sendJson<DiagnosisRecompute>(`/api/analysis/diagnosis/${runId}/recompute`, 'POST', body, signal);
export const unitsGeoJsonUrl = (runId: number) => `/api/analysis/diagnosis/${runId}/units.geojson`;
export const unitsCsvUrl = (runId: number) => `/api/analysis/diagnosis/${runId}/units.csv`;
export const fetchUnits = (runId: number, signal?: AbortSignal) => getJson<UnitFeatureCollection>(unitsGeoJsonUrl(runId), signal);
export const fetchExplain = (runId: number, unitNo: number, signal?: AbortSignal) =>
  getJson<DiagnosisExplain>(`/api/analysis/diagnosis/${runId}/units/${unitNo}`, signal);
export const fetchUnitWaterlogging = (runId: number, signal?: AbortSignal) =>
  getJson<DiagnosisWaterlogging>(`/api/analysis/diagnosis/${runId}/waterlogging`, signal);
export const fetchWaterlogging = (city: string, distanceM?: number, signal?: AbortSignal) =>
  getJson<WaterloggingReport>(pathWith('/api/analysis/waterlogging', { dataset: city, distanceM }), signal);

/** Cycles a diagnosis can reuse: computed ones, newest year first. */
export const usableCycles = (cycles: readonly Cycle[]): Cycle[] =>
  cycles.filter((c) => c.computedAt !== null).sort((a, b) => b.year - a.year || b.id - a.id);

/** The cycle the 诊断 tab starts on: the latest published one, else the latest computed one, else none. */
export function defaultCycle(cycles: readonly Cycle[]): Cycle | null {
  const usable = usableCycles(cycles);
  return usable.find((c) => c.status === 'published') ?? usable[0] ?? null;
}
