/**
 * Hostile values for every kind of parameter: numbers that JSON Schema lets through or that break
 * arithmetic (Infinity, NaN, -0, 1e308), strings that break parsers and SQL (empty, very long,
 * unicode, NUL, lone surrogates, SQL and CQL fragments), wrong types and deep nesting. Values are
 * plain JSON, or `RawJson` / `RawUrl` where a token must reach the server exactly as written.
 */
import type { Rng } from './rng.ts';

/** A JSON token written verbatim into a request body (e.g. `1e999`, `-0`, or broken JSON). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A query or path value that is already percent-encoded (e.g. `%zz`, `%00`, an overlong UTF-8 dot). */
export class RawUrl {
  constructor(readonly text: string) {}
}

export type JsonLike = null | boolean | number | string | RawJson | JsonLike[] | { [k: string]: JsonLike };
export type UrlValue = string | RawUrl;

/** JSON text of a value that may hold RawJson tokens. */
export function jsonText(v: JsonLike | undefined): string {
  if (v instanceof RawJson) return v.text;
  if (v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

/** Percent-encodes a value; a lone surrogate (which encodeURIComponent refuses) becomes its CESU-8 bytes. */
export function encodeUrlValue(v: UrlValue): string {
  if (v instanceof RawUrl) return v.text;
  let out = '';
  for (const ch of v) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      const c = ch.charCodeAt(0);
      out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    }
  }
  return out;
}

/** Printable form of a value for reports (long values shortened, with their length). */
export function shortText(s: string, max = 300): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} chars)`;
}

const LONG = 'x'.repeat(10_000);

/** Strings that break parsers, SQL, CQL, paths and unicode handling. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '\u0000', 'a\u0000b', '\t\r\n', '\u202e\u0645\u0631\u062d\u0628\u0627', '😀城检', '\ud800', '\udfff', 'İǅﬃ', '０１２',
  "'", '"', '`', "' OR '1'='1", "'; DROP TABLE app.building; --", '1; SELECT pg_sleep(30)', '$1', '%', '_', '\\', '\\x00',
  "name LIKE '%'", 'build_year<2000;status=untreated', "status IN ('a','b')", 'build_year BETWEEN 1 AND 1e309', '1=1 OR 1=1',
  'S_INTERSECTS(geom,POLYGON((0 0,1 0,1 1,0 0)))', 'S_INTERSECTS(geometry,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))',
  'S_DWITHIN(geometry,POINT(118.78 32.04),1e308,meters)', "CASEI(name) LIKE '%'", 'name IS NOT NULL AND NOT NOT NOT true',
  '('.repeat(3_000) + 'a=1' + ')'.repeat(3_000), 'NOT '.repeat(2_000) + 'true', 'a=1 OR '.repeat(1_000) + 'a=1',
  "T_AFTER(datetime,TIMESTAMP('9999-12-31T23:59:59Z'))", 'pg_sleep(30)', 'geom', 'dataset_id', 'id;id', ';;;', '|||', ',,,,',
  '../../../../etc/passwd', '..\\..\\windows', '<script>alert(1)</script>', '${7*7}', '{{7*7}}', '__proto__', 'constructor',
  'null', 'undefined', 'NaN', 'Infinity', '-Infinity', 'true', '[]', '{}', '-1', '0', '1e309', '2024-02-30', '9999/0000',
  LONG, '城'.repeat(5_000), 'a,'.repeat(3_000), '9'.repeat(400), '5min,'.repeat(500),
];

/** Pre-encoded URL fragments that a client library would never produce. */
export const HOSTILE_URL_FRAGMENTS: readonly RawUrl[] = [
  '%', '%zz', '%0', '%00', '%ff%fe', '%c0%ae%c0%ae', '%ed%a0%80', '%2e%2e%2f%2e%2e', '%u0041', '+', '%20%20', '%25', '%3B%27',
].map((t) => new RawUrl(t));

/** Numbers as query text: the ones JSON Schema coercion lets through and the ones that are almost numbers. */
export const HOSTILE_NUMBER_TEXT: readonly string[] = [
  'Infinity', '-Infinity', 'NaN', '-0', '0', '1e308', '-1e308', '1e309', '-1e309', '4.9e-324', '1e-400', '9007199254740993',
  '-9007199254740993', '2147483648', '-2147483649', '99999999999999999999999999', '0x1F', '0b11', '1_000', '1e', '.', '-', '+1',
  '١٢', '１２', ' 12 ', '12abc', '90', '-90', '180', '-180', '90.0000001', '-90.0000001', '180.0000001', '-180.0000001', '89.9',
  '89.9999999', '-89.9999999', '360', '-1', '0.1', '1,2', '', 'true', 'null',
];

/** Numbers as JSON tokens in bodies (1e999 parses to Infinity in JSON.parse). */
export const HOSTILE_NUMBER_JSON: readonly JsonLike[] = [
  new RawJson('1e308'), new RawJson('-1e308'), new RawJson('1e999'), new RawJson('-1e999'), new RawJson('-0'), new RawJson('4.9e-324'),
  new RawJson('9007199254740993'), new RawJson('2147483648'), new RawJson('-2147483649'), new RawJson('1e-400'), 0, -1, 90, -90, 180,
  -180, 90.0000001, -180.0000001, 89.9, 0.5, 'Infinity', 'NaN', '-0', '1e308', '12', '', null, true, [], {}, [1, 2],
];

/**
 * Non-finite and out-of-range numbers, as text and as JSON: what schema coercion turns into a JS
 * Infinity or NaN that a min/max check may not see. Picked more often than the rest.
 */
export const NON_FINITE_TEXT: readonly string[] = ['Infinity', '-Infinity', 'NaN', '1e309', '-1e309', '1e308', '-0', '90', '-90', '180', '-180'];
export const NON_FINITE_JSON: readonly JsonLike[] = [
  'Infinity', '-Infinity', 'NaN', '1e309', '-1e309', new RawJson('1e999'), new RawJson('-1e999'), new RawJson('1e308'), new RawJson('-1e308'), new RawJson('-0'),
];

/** Values of the wrong type for any field. */
export const WRONG_TYPES: readonly JsonLike[] = [
  null, true, false, 0, -1, 1.5, '', 'x', [], [null], [[]], {}, { $gt: 0 }, { type: 'Polygon' }, new RawJson('"\\u0000"'),
  new RawJson('"\\ud800"'), LONG,
];

/** `depth` nested arrays or objects: deep nesting for recursive validators and parsers. */
export function deepNesting(depth: number, kind: 'array' | 'object'): RawJson {
  return kind === 'array' ? new RawJson('['.repeat(depth) + ']'.repeat(depth)) : new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

/** Whole request bodies that are not the object the route expects. */
export const HOSTILE_BODIES: readonly RawJson[] = [
  new RawJson(''), new RawJson('{'), new RawJson('{"a":1,}'), new RawJson('null'), new RawJson('[]'), new RawJson('"x"'), new RawJson('1e999'),
  new RawJson('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'), new RawJson('{"a":NaN}'),
  new RawJson('\ufeff{}'), new RawJson('{"a":"\\ud800"}'), deepNesting(5_000, 'array'), deepNesting(2_000, 'object'),
  new RawJson(`{"pad":"${'x'.repeat(3_000_000)}"}`), // over the 2 MiB body limit
];

/** Content types to send with a body instead of application/json. */
export const HOSTILE_CONTENT_TYPES: readonly string[] = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1',
  'application/geo+json', 'application/json;;', '',
];

/** A hostile value for a query or path parameter of the given JSON Schema type. */
export function hostileUrlValue(type: string | undefined, r: Rng): UrlValue {
  const roll = r.next();
  if (roll < 0.1) return r.pick(HOSTILE_URL_FRAGMENTS);
  if ((type === 'number' || type === 'integer') && roll < 0.4) return r.pick(NON_FINITE_TEXT);
  if ((type === 'number' || type === 'integer') && roll < 0.75) return r.pick(HOSTILE_NUMBER_TEXT);
  if (roll < 0.2) return r.pick(HOSTILE_NUMBER_TEXT);
  return r.pick(HOSTILE_STRINGS);
}

/** A hostile JSON value for a body field of the given JSON Schema type. */
export function hostileJsonValue(type: string | undefined, r: Rng): JsonLike {
  const roll = r.next();
  if ((type === 'number' || type === 'integer') && roll < 0.35) return r.pick(NON_FINITE_JSON);
  if ((type === 'number' || type === 'integer') && roll < 0.7) return r.pick(HOSTILE_NUMBER_JSON);
  if (roll < 0.35) return r.pick(WRONG_TYPES);
  if (roll < 0.45) return r.chance(0.5) ? deepNesting(1_000 + r.int(4_000), 'array') : deepNesting(500 + r.int(1_500), 'object');
  if (roll < 0.55) return r.pick(HOSTILE_NUMBER_JSON);
  if (type === 'array' && roll < 0.7) return hostileArray(r);
  return r.pick(HOSTILE_STRINGS);
}

function hostileArray(r: Rng): JsonLike {
  const n = r.pick([0, 1, 101, 10_000]);
  const item = r.pick<JsonLike>(['a', '', 'UPPER', "x'", null, 1, [], {}, '5min', '😀']);
  return Array.from({ length: n }, () => item);
}
