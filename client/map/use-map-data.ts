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

export function useMapData(): { data: MapData | null; error: ApiError | Error | null; loading: boolean; retry: () => void } {
  const [data, setData] = useState<MapData | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    Promise.all([fetchBasemapStyle(ac.signal), fetchCatalog(ac.signal), fetchLabels(ac.signal), fetchAdminUnits(ac.signal)])
      .then(([style, catalog, labels, adminUnits]) => setData({ style, catalog, labels, adminUnits }))
      .catch((err: Error) => {
        if (err.name !== 'AbortError') setError(err);
      });
    return () => ac.abort();
  }, [attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading: !data && !error, retry };
}
