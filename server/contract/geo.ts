/**
 * Shared request schemas for numbers and geometry (TypeBox), used by every route that takes a
 * number, a point or a GeoJSON polygon.
 *
 * Why a keyword of our own: the server's Ajv coerces query strings, and the string "Infinity" becomes
 * Infinity — and Ajv checks minimum/maximum only on finite numbers, so even `maximum: 180` lets it
 * through (a JSON body's 1e999 parses to Infinity the same way). Every schema made here carries
 * `x-finite: true`, which `finiteNumbersAjvPlugin` (registered on the app's Ajv in server/app.ts)
 * turns into a check after coercion; and bounds (±1e12 unless narrower), so ±1e308 fails too.
 * "NaN" is never coerced to a number. Failures are ordinary validation errors: 400 naming the field.
 */
import type { Ajv } from 'ajv';
import { Type, type TNumberOptions } from 'typebox';

/** Largest magnitude any numeric API field accepts unless its schema says less. */
export const FINITE_LIMIT = 1e12;

/** Ajv plugin: the `x-finite` keyword (true → the value, after coercion, must be a finite number). */
export function finiteNumbersAjvPlugin(ajv: Ajv): Ajv {
  return ajv.addKeyword({
    keyword: 'x-finite',
    schemaType: 'boolean',
    error: { message: 'must be a finite number' },
    validate: (on: boolean, data: unknown) => !on || typeof data !== 'number' || Number.isFinite(data),
  });
}

/** A finite number: bounds default to ±FINITE_LIMIT; pass narrower ones as usual. */
export function FiniteNumber(options: TNumberOptions = {}) {
  return Type.Number({ minimum: -FINITE_LIMIT, maximum: FINITE_LIMIT, 'x-finite': true, ...options });
}

/** Longitude, degrees WGS-84 (−180 … 180). */
export function Lon(options: TNumberOptions = {}) {
  return Type.Number({ minimum: -180, maximum: 180, 'x-finite': true, description: 'longitude, degrees WGS-84', ...options });
}

/** Latitude, degrees WGS-84 (−90 … 90; the poles are valid input and simply lie far from any network). */
export function Lat(options: TNumberOptions = {}) {
  return Type.Number({ minimum: -90, maximum: 90, 'x-finite': true, description: 'latitude, degrees WGS-84', ...options });
}

/**
 * GeoJSON polygon input (Polygon, MultiPolygon, Feature, FeatureCollection or GeometryCollection
 * holding them; EPSG:4326 degrees). The schema checks only the envelope; the geometry itself is
 * checked by `polygonInput` (server/validation/geojson.ts), which names the path and the reason of
 * each problem (ring not closed, fewer than 4 positions, hole outside its shell, coordinates out of
 * range, vertex and nesting limits).
 */
export function GeoJsonPolygonInput(description = 'GeoJSON Polygon/MultiPolygon, Feature or FeatureCollection (EPSG:4326 degrees)') {
  return Type.Object({ type: Type.String({ maxLength: 40 }) }, { additionalProperties: true, description });
}

/**
 * Marks every `number` / `integer` node of a JSON schema with `x-finite` (in place; idempotent), so a
 * route whose schema was written with a plain Type.Number / Type.Integer still refuses "Infinity" and
 * 1e309 (the fuzzer found such routes storing Infinity). Walks properties, items, unions and the like;
 * a node that allows other types too (e.g. ['number','null']) is marked as well: the keyword only
 * checks numbers.
 */
export function markFiniteNumbers(schema: unknown, seen = new Set<object>()): void {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  const node = schema as Record<string, unknown>;
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes('number') || types.includes('integer')) {
    if (node['x-finite'] === undefined) node['x-finite'] = true;
    // An integer beyond 2^53 cannot be told apart from its neighbours; bound it unless narrower.
    if (types.includes('integer') && node.maximum === undefined && node.exclusiveMaximum === undefined) node.maximum = Number.MAX_SAFE_INTEGER;
    if (types.includes('integer') && node.minimum === undefined && node.exclusiveMinimum === undefined) node.minimum = Number.MIN_SAFE_INTEGER;
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const v of value) markFiniteNumbers(v, seen);
    else if (value && typeof value === 'object') markFiniteNumbers(value, seen);
  }
}
