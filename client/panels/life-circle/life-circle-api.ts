/**
 * Typed calls to the life-circle API (server/routes/life-circle.ts). Types are derived from the
 * server's contract (server/contract/life-circle.ts, type-only imports), so reading a field the
 * server does not send fails `tsc`. Requests name the city and carry only what the planner
 * changed; the server fills speed and cut-off from the city's settings or the defaults.
 */
import type {
  AreaSummary, CatalogRow, ChecklistItem, Isochrone, LifeCircleEstate, LifeCircleReport, LifeCircleWhatIf, TypeShare,
} from '../../../server/contract/life-circle.ts';
import type { Static } from 'typebox';
import type { ShortfallSchema } from '../../../server/contract/life-circle.ts';
import { getJson, pathWith, sendJson } from '../../api/http.ts';

export type { AreaSummary, CatalogRow, ChecklistItem, Isochrone, LifeCircleEstate, LifeCircleReport, LifeCircleWhatIf, TypeShare };
export type Shortfall = Static<typeof ShortfallSchema>;

/** The planner's choices: facility types and tiers (empty = all), speed only when changed. */
export interface LifeCircleQuery {
  city: string;
  types: string[];
  tiers: string[];
  /** m/min; undefined = the city's setting or the default. */
  speed?: number;
}

/** Query string shared by the JSON, CSV and shortfall endpoints (only the set fields). */
export function lifeCircleQuery(q: LifeCircleQuery): Record<string, string | number | readonly string[] | undefined> {
  return { dataset: q.city, types: q.types, tier: q.tiers, speed: q.speed };
}

export const fetchLifeCircle = (q: LifeCircleQuery, signal?: AbortSignal) =>
  getJson<LifeCircleReport>(pathWith('/api/analysis/life-circle', lifeCircleQuery(q)), signal);
export const csvUrl = (q: LifeCircleQuery) => pathWith('/api/analysis/life-circle/estates.csv', lifeCircleQuery(q));
export const shortfallUrl = (q: Pick<LifeCircleQuery, 'city' | 'speed'>, type: string) =>
  pathWith(`/api/analysis/life-circle/shortfall/${encodeURIComponent(type)}`, { dataset: q.city, speed: q.speed });
export const fetchShortfall = (q: Pick<LifeCircleQuery, 'city' | 'speed'>, type: string, signal?: AbortSignal) =>
  getJson<Shortfall>(shortfallUrl(q, type), signal);
export const fetchIsochrone = (q: Pick<LifeCircleQuery, 'city' | 'speed'>, lon: number, lat: number, signal?: AbortSignal) =>
  getJson<Isochrone>(pathWith('/api/analysis/isochrone', { dataset: q.city, lon, lat, minutes: '5,10,15', speed: q.speed }), signal);
export const postWhatIf = (q: Pick<LifeCircleQuery, 'city' | 'speed'>, type: string, lon: number, lat: number) =>
  sendJson<LifeCircleWhatIf>('/api/analysis/life-circle/what-if', 'POST', { dataset: q.city, type, lon, lat, ...(q.speed !== undefined ? { speed: q.speed } : {}) });

/** Share (0–1) → heat-map cell colour, light to dark green; grey when unknown. */
export function shareColor(share: number | null): string {
  if (share === null) return '#eee';
  const s = Math.max(0, Math.min(1, share));
  const l = 95 - s * 60; // lightness 95 % (none) → 35 % (all)
  return `hsl(140, 45%, ${l.toFixed(0)}%)`;
}
