/**
 * Valid and malformed GeoJSON for the fields that take geometry (what-if parks, pocket-park
 * candidates): missing or string coordinates, 2-point and unclosed rings, holes outside their shell,
 * the whole world, poles and the antimeridian, out-of-range and metric coordinates, 100k vertices,
 * deep GeometryCollections. Positions are lon/lat WGS-84 around `centre`.
 */
import { RawJson, type JsonLike } from './hostile-values.ts';
import type { Rng } from './rng.ts';

type Position = JsonLike[];

/** A closed square ring of half-width `d` degrees around [lon, lat]. */
export function square([lon, lat]: readonly number[], d: number): number[][] {
  return [[lon! - d, lat! - d], [lon! + d, lat! - d], [lon! + d, lat! + d], [lon! - d, lat! + d], [lon! - d, lat! - d]];
}

/** A closed circle ring of `n` vertices (4 decimals) and radius `d` degrees. */
function circle([lon, lat]: readonly number[], d: number, n: number): number[][] {
  const ring = Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    return [Math.round((lon! + d * Math.cos(a)) * 1e4) / 1e4, Math.round((lat! + d * Math.sin(a)) * 1e4) / 1e4];
  });
  ring.push(ring[0]!);
  return ring;
}

const polygon = (...rings: Position[][]): JsonLike => ({ type: 'Polygon', coordinates: rings });

/** A valid small park polygon near `centre`, as a bare geometry, a Feature or a FeatureCollection. */
export function validParks(centre: readonly number[], r: Rng): JsonLike {
  const c = [centre[0]! + (r.next() - 0.5) * 0.02, centre[1]! + (r.next() - 0.5) * 0.02];
  const geom = r.chance(0.7) ? polygon(square(c, 0.0005 + r.next() * 0.002)) : { type: 'MultiPolygon', coordinates: [[square(c, 0.001)], [square([c[0]! + 0.004, c[1]!], 0.0008)]] };
  const roll = r.next();
  if (roll < 0.4) return geom;
  if (roll < 0.7) return { type: 'Feature', properties: { name: '口袋公园' }, geometry: geom };
  return { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: geom }] };
}

let bigRings: { v20k: number[][]; v100k: number[][] } | undefined;
/** Large rings are built once per process: 20k vertices fits a 1 MiB body, 100k does not. */
function bigRing(centre: readonly number[], which: 'v20k' | 'v100k'): number[][] {
  bigRings ??= { v20k: circle(centre, 0.003, 20_000), v100k: circle(centre, 0.003, 100_000) };
  return bigRings[which];
}

/** Malformed, degenerate or extreme geometries, one per case name. */
export function hostileGeometries(centre: readonly number[]): Record<string, () => JsonLike> {
  const [lon, lat] = centre as [number, number];
  const sq = square(centre, 0.002);
  return {
    missingCoordinates: () => ({ type: 'Polygon' }),
    nullCoordinates: () => ({ type: 'Polygon', coordinates: null }),
    stringCoordinates: () => ({ type: 'Polygon', coordinates: `${lon},${lat}` }),
    stringPositions: () => polygon(sq.map(([x, y]) => [String(x), String(y)])),
    nullPositions: () => polygon(sq.map(() => [null, null])),
    emptyCoordinates: () => ({ type: 'Polygon', coordinates: [] }),
    emptyRing: () => polygon([]),
    twoPointRing: () => polygon([[lon, lat], [lon + 0.001, lat]]),
    threePointRing: () => polygon([[lon, lat], [lon + 0.001, lat], [lon, lat]]),
    unclosedRing: () => polygon(sq.slice(0, 4)),
    collinearRing: () => polygon([[lon, lat], [lon + 0.001, lat], [lon + 0.002, lat], [lon, lat]]),
    bowtie: () => polygon([[lon, lat], [lon + 0.002, lat + 0.002], [lon + 0.002, lat], [lon, lat + 0.002], [lon, lat]]),
    holeOutsideShell: () => polygon(sq, square([lon + 0.01, lat + 0.01], 0.001)),
    holeEqualShell: () => polygon(sq, sq),
    wholeWorld: () => polygon([[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]),
    northPole: () => polygon([[lon, 89.999], [lon + 1, 89.999], [lon + 1, 90], [lon, 90], [lon, 89.999]]),
    southPole: () => polygon([[lon, -90], [lon + 1, -90], [lon + 1, -89.999], [lon, -89.999], [lon, -90]]),
    antimeridian: () => polygon([[179.999, 0], [-179.999, 0], [-179.999, 0.001], [179.999, 0.001], [179.999, 0]]),
    lon180: () => polygon([[180, lat], [180, lat + 0.001], [-180, lat + 0.001], [-180, lat], [180, lat]]),
    outOfRange: () => polygon(sq.map(([x, y]) => [x! + 400, y! - 200])),
    hugeNumbers: () => polygon([[new RawJson('1e308'), new RawJson('1e308')], [new RawJson('-1e308'), 0], [0, new RawJson('-1e308')], [new RawJson('1e308'), new RawJson('1e308')]]),
    infinity: () => polygon([[new RawJson('1e999'), lat], [lon, new RawJson('-1e999')], [lon, lat], [new RawJson('1e999'), lat]]),
    negativeZero: () => polygon([[new RawJson('-0'), new RawJson('-0')], [0.001, 0], [0.001, 0.001], [new RawJson('-0'), new RawJson('-0')]]),
    metresAsDegrees: () => polygon(sq.map(([x, y]) => [x! * 111_320, y! * 110_540])),
    webMercator: () => ({ ...(polygon(sq.map(([x, y]) => [x! * 111_320, y! * 110_540])) as object), crs: { type: 'name', properties: { name: 'EPSG:3857' } } }),
    onePositionNumbers: () => polygon([[lon], [lat], [lon], [lat]]),
    fiveDimensions: () => polygon(sq.map(([x, y]) => [x!, y!, 10, 20, 30])),
    tooDeep: () => ({ type: 'Polygon', coordinates: [[[[[[[[sq]]]]]]]] }),
    point: () => ({ type: 'Point', coordinates: [lon, lat] }),
    lineString: () => ({ type: 'LineString', coordinates: sq }),
    lowerCaseType: () => ({ type: 'polygon', coordinates: [sq] }),
    unknownType: () => ({ type: 'Banana', coordinates: [sq] }),
    featureNullGeometry: () => ({ type: 'Feature', properties: {}, geometry: null }),
    featureNoGeometry: () => ({ type: 'Feature', properties: {} }),
    featuresNotArray: () => ({ type: 'FeatureCollection', features: { type: 'Feature' } }),
    manyEmptyFeatures: () => ({ type: 'FeatureCollection', features: Array.from({ length: 10_000 }, () => ({ type: 'Feature', properties: {}, geometry: null })) }),
    nestedCollection: () => {
      let g: JsonLike = polygon(sq);
      for (let i = 0; i < 500; i++) g = { type: 'GeometryCollection', geometries: [g] };
      return g;
    },
    manySquares: () => ({ type: 'MultiPolygon', coordinates: Array.from({ length: 5_000 }, (_, i) => [square([lon + (i % 70) * 0.0003, lat + Math.floor(i / 70) * 0.0003], 0.0001)]) }),
    vertices20k: () => polygon(bigRing(centre, 'v20k')),
    vertices100k: () => polygon(bigRing(centre, 'v100k')),
    farAway: () => polygon(square([-60, -75], 0.01)),
    halfTheEarth: () => polygon([[0, -80], [179, -80], [179, 80], [0, 80], [0, -80]]),
  };
}

/** A hostile GeoJSON value: a malformed geometry, maybe wrapped in a Feature or FeatureCollection. */
export function hostileGeoJson(centre: readonly number[], r: Rng): JsonLike {
  const cases = hostileGeometries(centre);
  const names = Object.keys(cases);
  const name = names[r.int(names.length)]!;
  const geom = cases[name]!();
  const roll = r.next();
  if (roll < 0.6) return geom;
  if (roll < 0.8) return { type: 'Feature', properties: {}, geometry: geom };
  return { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: geom }, { type: 'Feature', properties: {}, geometry: polygon(square(centre, 0.001)) }] };
}
