/**
 * Readiness facts on `window.__citycheck` for end-to-end tests and the client benchmark: map idle,
 * deck.gl frames, deck tiles loaded, errors, and the live map for `project()`.
 */
import type { Map as MlMap } from 'maplibre-gl';

export interface Readiness {
  map: MlMap | null;
  mapIdle: boolean;
  idleCount: number;
  deckFrames: number;
  deckLoaded: boolean;
  errors: string[];
  /** Screen pixel (CSS px, map container origin) of a lon/lat. */
  project: (lon: number, lat: number) => { x: number; y: number } | null;
  navigationStart: number;
  firstIdleAt: number | null;
}

declare global {
  interface Window {
    __citycheck: Readiness;
  }
}

export function readiness(): Readiness {
  window.__citycheck ??= {
    map: null,
    mapIdle: false,
    idleCount: 0,
    deckFrames: 0,
    deckLoaded: false,
    errors: [],
    project: (lon, lat) => {
      const p = window.__citycheck.map?.project([lon, lat]);
      return p ? { x: p.x, y: p.y } : null;
    },
    navigationStart: performance.timeOrigin,
    firstIdleAt: null,
  };
  return window.__citycheck;
}
