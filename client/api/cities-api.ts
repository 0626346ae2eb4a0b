/**
 * Cities (datasets) and their analysis parameters. Types come from the server's contract
 * (server/contract/datasets.ts) as type-only imports: the client holds no copy of them.
 */
import type { City, CityList, CityParameters } from '../../server/contract/datasets.ts';
import { getJson, sendJson } from './http.ts';

export type { City, CityList, CityParameters };

export const fetchCities = (signal?: AbortSignal) => getJson<CityList>('/api/datasets', signal);
/** What each analysis of a city uses when the planner changes nothing (value + origin per parameter). */
export const fetchCityParameters = (city: string, signal?: AbortSignal) =>
  getJson<CityParameters>(`/api/datasets/${encodeURIComponent(city)}/parameters`, signal);
export const renameCity = (city: string, name: string) => sendJson<City>(`/api/datasets/${encodeURIComponent(city)}`, 'PUT', { name });

/** The city to show: the one in the URL when loaded, else the server's default, else the first. */
export function pickCity(list: CityList, wanted: string | undefined): City | null {
  return list.cities.find((c) => c.id === wanted) ?? list.cities.find((c) => c.id === list.defaultCity) ?? list.cities[0] ?? null;
}
