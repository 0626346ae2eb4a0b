/**
 * Validation of user GeoJSON polygons before any work: structure, coordinates in degrees, closed
 * rings of ≥ 4 positions, holes inside their shell, and limits on vertices, polygons, nesting and
 * extent. Returns every problem with its path (e.g. `parks.features[2].geometry.coordinates[0]`)
 * instead of throwing; `polygonInput` throws one GeometryInputError (400) listing them.
 *
 * What GEOS alone can judge (self-intersections, overlapping parts of a MultiPolygon) is checked in
 * the database on the normalised MultiPolygon (see `GeometryInputError` users in repositories).
 */
import { HttpError } from '../errors.ts';

export interface GeoJsonIssue {
  path: string;
  message: string;
}

export interface GeoJsonLimits {
  /** Positions over all rings. Default 100,000. */
  maxVertices: number;
  /** Polygons over the whole input. Default 1,000. */
  maxPolygons: number;
  /** Nesting depth of Features and collections (a FeatureCollection of Features is 2). Default 4. */
  maxDepth: number;
  /** Largest longitude or latitude span of the whole input, degrees (a park is not a continent). Default 2°. */
  maxSpanDeg: number;
}

export const DEFAULT_GEOJSON_LIMITS: GeoJsonLimits = { maxVertices: 100_000, maxPolygons: 1_000, maxDepth: 4, maxSpanDeg: 2 };

/** Polygons ready for the database: MultiPolygon coordinates, and the input path of each polygon. */
export interface PolygonInput {
  multiPolygon: { type: 'MultiPolygon'; coordinates: number[][][][] };
  paths: string[];
}

/** A 400 naming each problem of a GeoJSON input. */
export class GeometryInputError extends HttpError {
  constructor(readonly issues: GeoJsonIssue[]) {
    super(400, `Invalid GeoJSON: ${issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`, 'INVALID_GEOMETRY');
  }
}

const MAX_ISSUES = 20;

/**
 * Checks a GeoJSON input and collects its polygons. `name` is the request field (path prefix).
 *
 * @example
 *   checkPolygons({ type: 'Polygon', coordinates: [[[118.78, 32.04], [118.781, 32.04], [118.781, 32.041], [118.78, 32.04]]] }, 'parks')
 *   // → { issues: [], polygons: [[[...ring]]], paths: ['parks.coordinates'] }
 */
export function checkPolygons(input: unknown, name: string, limits: GeoJsonLimits = DEFAULT_GEOJSON_LIMITS) {
  const issues: GeoJsonIssue[] = [];
  const polygons: number[][][][] = [];
  const paths: string[] = [];
  let vertices = 0;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const issue = (path: string, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ path, message });
  };
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

  const position = (p: unknown, path: string): p is number[] => {
    if (!Array.isArray(p) || p.length < 2 || p.length > 3) {
      issue(path, 'a position must be an array [lon, lat] (optionally with a height)');
      return false;
    }
    if (!p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      issue(path, 'coordinates must be finite numbers');
      return false;
    }
    const [x, y] = p as number[];
    if (x < -180 || x > 180 || y < -90 || y > 90) {
      issue(path, `[${x}, ${y}] is not lon/lat in degrees (EPSG:4326: lon −180…180, lat −90…90; projected metres are not accepted)`);
      return false;
    }
    return true;
  };

  const ring = (r: unknown, path: string): number[][] | null => {
    if (!Array.isArray(r)) {
      issue(path, 'a linear ring must be an array of positions');
      return null;
    }
    if (r.length < 4) {
      issue(path, `a linear ring needs at least 4 positions (first = last), got ${r.length}`);
      return null;
    }
    vertices += r.length;
    if (vertices > limits.maxVertices) return null; // reported once, below
    let ok = true;
    r.forEach((p, k) => {
      if (!position(p, `${path}[${k}]`)) ok = false;
    });
    if (!ok) return null;
    const pts = r as number[][];
    const [a, b] = [pts[0], pts[pts.length - 1]];
    if (a[0] !== b[0] || a[1] !== b[1]) {
      issue(path, 'the ring is not closed (its first and last positions differ)');
      return null;
    }
    if (new Set(pts.slice(0, -1).map((p) => `${p[0]},${p[1]}`)).size < 3) {
      issue(path, 'the ring has fewer than 3 distinct positions (no area)');
      return null;
    }
    for (const [x, y] of pts) {
      minX = Math.min(minX, x); maxX = Math.max(maxX, x);
      minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
    return pts.map((p) => [p[0], p[1]]);
  };

  const polygon = (coords: unknown, path: string) => {
    if (!Array.isArray(coords) || coords.length === 0) {
      issue(path, 'Polygon coordinates must be a non-empty array of linear rings');
      return;
    }
    if (polygons.length >= limits.maxPolygons) {
      issue(path, `more than ${limits.maxPolygons} polygons`);
      return;
    }
    const rings = coords.map((r, k) => ring(r, `${path}[${k}]`));
    if (rings.some((r) => r === null)) return;
    const [shell, ...holes] = rings as number[][][];
    holes.forEach((h, k) => {
      // a hole vertex strictly outside the shell puts the hole (partly) outside it
      const out = h.findIndex((p) => !inOrOnRing(p, shell));
      if (out >= 0) issue(`${path}[${k + 1}][${out}]`, 'the hole lies (partly) outside its shell');
    });
    polygons.push(rings as number[][][]);
    paths.push(path);
  };

  const geometry = (g: unknown, path: string, depth: number) => {
    if (!isObject(g)) {
      issue(path, 'must be a GeoJSON object');
      return;
    }
    if (depth > limits.maxDepth) {
      issue(path, `nested deeper than ${limits.maxDepth} collections`);
      return;
    }
    switch (g.type) {
      case 'Polygon':
        polygon(g.coordinates, `${path}.coordinates`);
        return;
      case 'MultiPolygon':
        if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) {
          issue(`${path}.coordinates`, 'MultiPolygon coordinates must be a non-empty array of polygons');
          return;
        }
        g.coordinates.forEach((p, k) => polygon(p, `${path}.coordinates[${k}]`));
        return;
      case 'Feature':
        if (g.geometry === null) return issue(`${path}.geometry`, 'a Feature without geometry adds no polygon');
        geometry(g.geometry, `${path}.geometry`, depth + 1);
        return;
      case 'FeatureCollection':
        if (!Array.isArray(g.features)) return issue(`${path}.features`, 'must be an array of Features');
        g.features.forEach((f, k) => {
          if (isObject(f) && f.type !== 'Feature') issue(`${path}.features[${k}].type`, 'a FeatureCollection holds Features');
          else geometry(f, `${path}.features[${k}]`, depth + 1);
        });
        return;
      case 'GeometryCollection':
        if (!Array.isArray(g.geometries)) return issue(`${path}.geometries`, 'must be an array of geometries');
        g.geometries.forEach((x, k) => geometry(x, `${path}.geometries[${k}]`, depth + 1));
        return;
      default:
        issue(`${path}.type`, `expected Polygon, MultiPolygon, Feature, FeatureCollection or GeometryCollection, got ${JSON.stringify(g.type)?.slice(0, 40)}`);
    }
  };

  geometry(input, name, 0);
  if (vertices > limits.maxVertices) issue(name, `more than ${limits.maxVertices} positions in all`);
  if (issues.length === 0 && polygons.length === 0) issue(name, 'no polygon given');
  if (issues.length === 0 && (maxX - minX > limits.maxSpanDeg || maxY - minY > limits.maxSpanDeg)) {
    issue(name, `the polygons span ${Math.max(maxX - minX, maxY - minY).toFixed(2)}° (limit ${limits.maxSpanDeg}°): draw parks, not regions`);
  }
  return { issues, polygons, paths };
}

/** Validated polygons for the database, or a GeometryInputError (400) naming every problem. */
export function polygonInput(input: unknown, name: string, limits: GeoJsonLimits = DEFAULT_GEOJSON_LIMITS): PolygonInput {
  const { issues, polygons, paths } = checkPolygons(input, name, limits);
  if (issues.length) throw new GeometryInputError(issues);
  return { multiPolygon: { type: 'MultiPolygon', coordinates: polygons }, paths };
}

/** Point in ring by ray casting; points on the boundary count as inside. */
function inOrOnRing([px, py]: number[], ring: number[][]): boolean {
  let inside = false;
  for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
    const [xa, ya] = ring[a], [xb, yb] = ring[b];
    const cross = (xb - xa) * (py - ya) - (yb - ya) * (px - xa);
    if (cross === 0 && px >= Math.min(xa, xb) && px <= Math.max(xa, xb) && py >= Math.min(ya, yb) && py <= Math.max(ya, yb)) return true;
    if (ya > py !== yb > py && px < ((xb - xa) * (py - ya)) / (yb - ya) + xa) inside = !inside;
  }
  return inside;
}
