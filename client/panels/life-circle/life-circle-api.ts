/** Typed calls to the life-circle API (server/routes/life-circle.ts). Same-origin HTTP only. */
export interface ChecklistItem {
  type: string;
  standardM: number;
  status: 'met' | 'not_met' | 'none';
  distanceM: number | null;
  minutes: number | null;
  note?: string;
}
export interface EstateResult {
  id: number;
  name: string | null;
  residents: number | null;
  district: { id: number; name: string } | null;
  subdistrict: { id: number; name: string } | null;
  checklist: ChecklistItem[];
  completeCommunity: { required: number; present: number; score: number; missing: string[] };
}
export interface TypeShare { type: string; estates: number; met: number; share: number | null; residentShare: number | null }
export interface AreaSummary {
  level: 'city' | 'district' | 'subdistrict';
  id: number | null;
  name: string;
  estates: number;
  byType: TypeShare[];
  completeCommunity: { meanScore: number | null; allPresent: number };
  mostMissing: { type: string; estatesMissing: number; share: number }[];
}
export interface CatalogRow { code: string; nameZh: string; nameEn: string; tier: string | null; standardDistanceM: number | null; confidence: string }
export interface LifeCircleReport {
  params: { speedMPerMin: number; maxDistanceM: number };
  catalog: CatalogRow[];
  estates: EstateResult[];
  summary: AreaSummary[];
}
export interface LifeCircleQuery { types: string[]; tiers: string[]; speed: number }

/** Query string shared by the JSON, CSV and shortfall endpoints. */
export function lifeCircleQuery(q: LifeCircleQuery): string {
  const p = new URLSearchParams();
  if (q.types.length) p.set('types', q.types.join(','));
  if (q.tiers.length) p.set('tier', q.tiers.join(','));
  p.set('speed', String(q.speed));
  return p.toString();
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) } });
  if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? res.statusText);
  return (await res.json()) as T;
}

export const fetchLifeCircle = (q: LifeCircleQuery, signal?: AbortSignal) =>
  json<LifeCircleReport>(`/api/analysis/life-circle?${lifeCircleQuery(q)}`, { signal });
export const csvUrl = (q: LifeCircleQuery) => `/api/analysis/life-circle/estates.csv?${lifeCircleQuery(q)}`;
export const shortfallUrl = (type: string, speed: number) => `/api/analysis/life-circle/shortfall/${encodeURIComponent(type)}?speed=${speed}`;
export const fetchShortfall = (type: string, speed: number, signal?: AbortSignal) => json<GeoJSON.FeatureCollection>(shortfallUrl(type, speed), { signal });
export const fetchIsochrone = (lon: number, lat: number, speed: number, signal?: AbortSignal) =>
  json<GeoJSON.FeatureCollection & { origin: { lon: number; lat: number } }>(`/api/analysis/isochrone?lon=${lon}&lat=${lat}&minutes=5,10,15&speed=${speed}`, { signal });
export interface WhatIfResult {
  type: string;
  standardM: number;
  newlyCovered: { id: number; name: string | null; beforeM: number | null; afterM: number }[];
  metBefore: number;
  metAfter: number;
  estates: number;
}
export const postWhatIf = (type: string, lon: number, lat: number, speed: number) =>
  json<WhatIfResult>('/api/analysis/life-circle/what-if', { method: 'POST', body: JSON.stringify({ type, lon, lat, speed }) });
