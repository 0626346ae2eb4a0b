/**
 * Loads what the map needs before it can draw: basemap style, tile catalog, labels and admin units.
 * A failure sets `error` (the banner shows it) instead of leaving a blank map; `retry()` loads again.
 */
import { useCallback, useEffect, useState } from 'react';
import type { StyleSpecification } from 'maplibre-gl';
import { ApiError } from '../api/http.ts';
import { fetchAdminUnits, fetchBasemapStyle, fetchCatalog, fetchLabels, type AdminUnit, type CatalogEntry, type Labels } from '../api/map-api.ts';

export interface MapData {
  style: StyleSpecification;
  catalog: CatalogEntry[];
  labels: Labels;
  adminUnits: AdminUnit[];
}

let prefetched: Promise<MapData> | null = null;

function loadMapData(signal?: AbortSignal): Promise<MapData> {
  return Promise.all([fetchBasemapStyle(signal), fetchCatalog(signal), fetchLabels(signal), fetchAdminUnits(signal)]).then(
    ([style, catalog, labels, adminUnits]) => ({ style, catalog, labels, adminUnits }),
  );
}

/** Starts loading the map's data while the map chunk itself is still downloading (first use only). */
export function prefetchMapData(): void {
  prefetched ??= loadMapData();
  prefetched.catch(() => {}); // reported when useMapData awaits it
}

export function useMapData(): { data: MapData | null; error: ApiError | Error | null; loading: boolean; retry: () => void } {
  const [data, setData] = useState<MapData | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    const first = attempt === 0 ? prefetched : null;
    prefetched = null; // a retry or a remount loads afresh
    (first ?? loadMapData(ac.signal))
      .then((d) => !ac.signal.aborted && setData(d))
      .catch((err: Error) => {
        if (err.name !== 'AbortError' && !ac.signal.aborted) setError(err);
      });
    return () => ac.abort();
  }, [attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading: !data && !error, retry };
}
