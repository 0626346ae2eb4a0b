/**
 * Small geodesy helpers for the walking graph. Distances in metres, coordinates lon/lat WGS-84.
 * A local equirectangular frame centred on a reference latitude is accurate to well under 0.1 %
 * over the few kilometres one snap or one isochrone spans; it is never used across cities.
 */
export const EARTH_RADIUS_M = 6_371_008.8;
export const M_PER_DEG_LAT = (Math.PI / 180) * EARTH_RADIUS_M;

/** Metres per degree of longitude at a latitude (degrees). */
export function metresPerDegLon(lat: number): number {
  return M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
}

/** A local metric frame: x east, y north, metres from (lon0, lat0). */
export interface LocalFrame {
  lon0: number;
  lat0: number;
  kx: number; // metres per degree lon
  ky: number; // metres per degree lat
}

export function localFrame(lon0: number, lat0: number): LocalFrame {
  return { lon0, lat0, kx: metresPerDegLon(lat0), ky: M_PER_DEG_LAT };
}

export const toX = (f: LocalFrame, lon: number) => (lon - f.lon0) * f.kx;
export const toY = (f: LocalFrame, lat: number) => (lat - f.lat0) * f.ky;
export const toLon = (f: LocalFrame, x: number) => f.lon0 + x / f.kx;
export const toLat = (f: LocalFrame, y: number) => f.lat0 + y / f.ky;

/** Closest point of segment (ax,ay)–(bx,by) to (px,py): parameter t in [0,1] and squared distance. */
export function closestOnSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): { t: number; d2: number } {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return { t, d2: cx * cx + cy * cy };
}
