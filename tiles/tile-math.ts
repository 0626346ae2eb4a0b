/**
 * Web-Mercator tile arithmetic (EPSG:3857, XYZ scheme, origin top-left).
 */
import { TileCoordError } from './errors.ts';

/** Half the Web-Mercator world width in metres. */
export const MERC_HALF = 20037508.342789244;

/** A tile address. */
export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/** Lon/lat box [minLon, minLat, maxLon, maxLat] in degrees (EPSG:4326). */
export type LonLatBox = [number, number, number, number];

/** Highest zoom served. */
export const MAX_ZOOM = 22;

/**
 * Validates integers 0 ≤ z ≤ 22 and 0 ≤ x, y < 2^z; throws TileCoordError naming the problem.
 */
export function checkTile(z: number, x: number, y: number): TileCoord {
  for (const [k, v] of [['z', z], ['x', x], ['y', y]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new TileCoordError(`${k} must be a non-negative integer, got ${v}`);
  }
  if (z > MAX_ZOOM) throw new TileCoordError(`z must be ≤ ${MAX_ZOOM}, got ${z}`);
  const n = 2 ** z;
  if (x >= n || y >= n) throw new TileCoordError(`x and y must be < ${n} at z${z}, got ${x}/${y}`);
  return { z, x, y };
}

/** Tile bounds in degrees: [west, south, east, north]. */
export function tileToLonLat({ z, x, y }: TileCoord): LonLatBox {
  const n = 2 ** z;
  const lon = (i: number) => (i / n) * 360 - 180;
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

/** Fractional tile x/y of a lon/lat at zoom z (latitude clamped to the Mercator range). */
export function lonLatToTileXY(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const clamped = Math.max(-85.0511287798, Math.min(85.0511287798, lat));
  const r = (clamped * Math.PI) / 180;
  return [((lon + 180) / 360) * n, ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n];
}

/** Ground size of one tile pixel (of a 256-px tile) at zoom z, in Mercator metres. */
export function pixelSizeM(z: number): number {
  return (2 * MERC_HALF) / (256 * 2 ** z);
}

/**
 * True when the tile, grown by `bufferFraction` of its width on every side (the MVT buffer), touches
 * the lon/lat box. Comparison is in fractional tile units, so it is exact at every zoom.
 */
export function tileTouchesBox(t: TileCoord, box: LonLatBox, bufferFraction: number): boolean {
  const [x0, y1] = lonLatToTileXY(box[0], box[1], t.z);
  const [x1, y0] = lonLatToTileXY(box[2], box[3], t.z);
  return x1 >= t.x - bufferFraction && x0 <= t.x + 1 + bufferFraction && y1 >= t.y - bufferFraction && y0 <= t.y + 1 + bufferFraction;
}
