/**
 * Typed calls to the diagnosis API (server/routes/diagnosis.ts). Types come from the server's
 * contract (server/contract/diagnosis.ts, type-only imports). Requests name the city and carry only
 * what the planner changed; the server fills the rest and reports each value's origin.
 */
import type {
  DiagnosisExplain, DiagnosisMethod, DiagnosisRecompute, DiagnosisRun, DiagnosisRunBody, DiagnosisUnit, WaterloggingReport,
} from '../../../server/contract/diagnosis.ts';
import { getJson, pathWith, sendJson } from '../../api/http.ts';

export type { DiagnosisExplain, DiagnosisMethod, DiagnosisRecompute, DiagnosisRun, DiagnosisRunBody, DiagnosisUnit, WaterloggingReport };

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
export const fetchWaterlogging = (city: string, distanceM?: number, signal?: AbortSignal) =>
  getJson<WaterloggingReport>(pathWith('/api/analysis/waterlogging', { dataset: city, distanceM }), signal);
