/**
 * Declared input coordinate systems of a ledger and their conversion to WGS-84 (EPSG:4326).
 *
 * - `wgs84`: GPS / OSM coordinates, kept as they are.
 * - `cgcs2000` (EPSG:4490, the national geodetic system, 2000国家大地坐标系): treated as WGS-84.
 *   Both are ITRF-based geocentric frames whose realisations differ by a few centimetres — far
 *   below what a planning map or a ledger point can resolve — so no transform is applied.
 *   (Projected CGCS2000 Gauss–Krüger files must carry a .prj; ogr2ogr unprojects them first.)
 * - `gcj02`: 高德/腾讯 "Mars" coordinates, inverted iteratively (sub-millimetre).
 * - `bd09`: 百度 coordinates, BD-09 → GCJ-02 → WGS-84.
 */
import { bd09ToGcj02, gcj02ToWgs84, type LonLat } from './gcj02.ts';

export const INPUT_CRS = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const;
export type InputCrs = (typeof INPUT_CRS)[number];

/** A declared CRS name that is not one of {@link INPUT_CRS}. */
export class UnknownCrsError extends Error {
  readonly code = 'UNKNOWN_CRS';
  constructor(readonly crs: string) {
    super(`Unknown coordinate system "${crs}": expected one of ${INPUT_CRS.join(', ')} (坐标系应为 ${INPUT_CRS.join(' / ')})`);
  }
}

/** Normalises user spellings (e.g. "GCJ-02", "EPSG:4490", "百度") to an {@link InputCrs}; throws UnknownCrsError. */
export function parseInputCrs(name: string): InputCrs {
  const n = name.trim().toLowerCase().replace(/[-_\s]/g, '');
  if (['wgs84', 'epsg:4326', '4326', 'gps'].includes(n)) return 'wgs84';
  if (['cgcs2000', 'epsg:4490', '4490', '国家2000', '2000'].includes(n)) return 'cgcs2000';
  if (['gcj02', 'gcj', '火星', '高德', 'amap', '腾讯'].includes(n)) return 'gcj02';
  if (['bd09', 'bd09ll', 'baidu', '百度'].includes(n)) return 'bd09';
  throw new UnknownCrsError(name);
}

/** Converts one position (degrees) from `crs` to WGS-84 lon/lat. */
export function toWgs84(lon: number, lat: number, crs: InputCrs): LonLat {
  switch (crs) {
    case 'wgs84':
    case 'cgcs2000':
      return [lon, lat];
    case 'gcj02':
      return gcj02ToWgs84(lon, lat);
    case 'bd09': {
      const [gx, gy] = bd09ToGcj02(lon, lat);
      return gcj02ToWgs84(gx, gy);
    }
  }
}

/** Minimal GeoJSON geometry type (RFC 7946), enough for ledger input. */
export type Geometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'MultiPoint' | 'LineString'; coordinates: number[][] }
  | { type: 'MultiLineString' | 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

type Coords = number[] | Coords[];

function mapCoords(c: Coords, crs: InputCrs): Coords {
  if (typeof c[0] === 'number') {
    const p = c as number[];
    const [x, y] = toWgs84(p[0], p[1], crs);
    return p.length > 2 ? [x, y, ...p.slice(2)] : [x, y];
  }
  return (c as Coords[]).map((x) => mapCoords(x, crs));
}

/** Returns a copy of `g` with every vertex converted from `crs` to WGS-84 (z/m values are kept). */
export function geometryToWgs84(g: Geometry, crs: InputCrs): Geometry {
  if (crs === 'wgs84' || crs === 'cgcs2000') return g;
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: g.geometries.map((x) => geometryToWgs84(x, crs)) };
  return { type: g.type, coordinates: mapCoords(g.coordinates as Coords, crs) } as Geometry;
}
