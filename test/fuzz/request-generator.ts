/**
 * Turns an operation into one seeded request: first a plausible request (values the city really has:
 * its layers, collections, feature ids, facility codes, datasets, runs, a point in the city), then
 * 1–3 mutations from hostile-values.ts / hostile-geojson.ts on path and query parameters, body
 * fields, the whole body or its content type. One request in ten stays valid, so the deep code
 * (analyses, what-ifs) runs too.
 */
import { hostileGeoJson, validParks } from './hostile-geojson.ts';
import {
  HOSTILE_BODIES, HOSTILE_CONTENT_TYPES, HOSTILE_STRINGS, RawJson, encodeUrlValue, hostileJsonValue, hostileUrlValue, jsonText,
  type JsonLike, type UrlValue,
} from './hostile-values.ts';
import { isGeoJsonField, schemaEnum, schemaType, type JsonSchema, type Operation, type Parameter } from './openapi.ts';
import { requestRng, type Rng } from './rng.ts';

/** What the city holds, discovered from the running app before fuzzing. */
export interface FuzzContext {
  /** A point inside the city, lon/lat WGS-84. */
  centre: [number, number];
  tileLayers: string[];
  collections: string[];
  /** Some feature ids per collection. */
  featureIds: Record<string, string[]>;
  /** Filterable fields (name → type) per tile layer and collection. */
  fields: Record<string, Record<string, string>>;
  facilityCodes: string[];
  datasets: string[];
  /** City ids (datasets that stand for a whole city). */
  cities: string[];
  /** Per-city setting keys (PUT /api/datasets/{id}/settings/{key}). */
  settingKeys: string[];
  /** Green-coverage runs created for the fuzz run. */
  runIds: number[];
}

export interface FuzzRequest {
  index: number;
  route: string;
  method: string;
  /** Path and query, percent-encoded as sent. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** What was made hostile, for the report (e.g. `query.lat`, `body.parks`). */
  mutations: string[];
}

type Values = Map<string, UrlValue>;

/** lon/lat tile indices at zoom z (Web Mercator). */
function tileOf([lon, lat]: [number, number], z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const s = Math.sin((lat * Math.PI) / 180);
  const y = Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n);
  return [x, y];
}

const some = <T>(r: Rng, items: readonly T[], max: number): T[] => {
  const n = 1 + r.int(Math.max(1, Math.min(max, items.length)));
  return Array.from({ length: n }, () => r.pick(items));
};

/** Mostly a city id (what per-city routes expect), sometimes one of its datasets. */
function cityOrDataset(ctx: FuzzContext, r: Rng): string {
  return ctx.cities.length && r.chance(0.85) ? r.pick(ctx.cities) : r.pick(ctx.datasets.length ? ctx.datasets : ['fuzz']);
}

/** A plausible value for a path or query parameter, by its name first and its schema second. */
function validUrlValue(op: Operation, p: Parameter, ctx: FuzzContext, done: Values, r: Rng): UrlValue | undefined {
  const z = Number(done.get('z') ?? 0);
  const collection = String(done.get('collectionId') ?? done.get('id') ?? done.get('layers') ?? '').split(',')[0]!;
  switch (p.name) {
    case 'runId': return String(ctx.runIds.length ? r.pick(ctx.runIds) : 1);
    case 'name': return op.path.startsWith('/tiles/') ? `${some(r, ctx.tileLayers, 3).join(',')}.json` : undefined;
    case 'layers': return some(r, ctx.tileLayers, 4).join(',');
    case 'z': return String(10 + r.int(8));
    case 'x': return String(tileOf(ctx.centre, z)[0] + r.int(3) - 1);
    case 'y': return `${tileOf(ctx.centre, z)[1] + r.int(3) - 1}.mvt`;
    case 'collectionId': return r.pick(ctx.collections);
    case 'id':
      if (op.path.includes('/collections/')) return r.pick(ctx.collections);
      if (schemaType(p.schema) === 'integer') return String(1 + r.int(5));
      return r.pick(ctx.cities.length ? ctx.cities : ctx.datasets);
    case 'fid':
    case 'featureId': return r.pick(ctx.featureIds[collection] ?? ['1']);
    case 'key': return ctx.settingKeys.length ? r.pick(ctx.settingKeys) : undefined;
    case 'after':
    case 'before': return r.pick(ctx.featureIds[collection] ?? ['1']);
    case 'bbox': {
      const [lon, lat] = ctx.centre;
      const d = 0.002 + r.next() * 0.02;
      return [lon - d, lat - d, lon + d, lat + d].map((v) => v.toFixed(5)).join(',');
    }
    case 'limit': return String(1 + r.int(50));
    case 'offset': return String(r.int(100));
    case 'properties': {
      const names = Object.keys(ctx.fields[collection] ?? {});
      return names.length ? [...new Set(some(r, names, 3))].join(',') : 'name';
    }
    case 'filter': return validFilter(ctx.fields[collection] ?? {}, /cql/.test(String(done.get('filter-lang') ?? '')), r);
    case 'datetime': return r.pick(['2024', '2021/2024', '../2024', '2023/..']);
    case 'q': return r.pick(['新街口', '总统府', '朝天宫', '小区', 'park', '路']);
    case 'types': return some(r, ctx.facilityCodes, 4).join(',');
    case 'tier': return some(r, ['5min', '10min', '15min', 'block'], 2).join(',');
    case 'type':
    case 'code': return r.pick(ctx.facilityCodes);
    case 'dataset':
    case 'datasetId': return cityOrDataset(ctx, r);
    case 'lon': return (ctx.centre[0] + (r.next() - 0.5) * 0.02).toFixed(5);
    case 'lat': return (ctx.centre[1] + (r.next() - 0.5) * 0.02).toFixed(5);
    case 'minutes': return r.pick(['5,10,15', '5', '10,15', '15']);
    case '*': return r.pick(['index.html', 'favicon.ico', 'assets/index.js', 'nope.txt']);
    default: break;
  }
  const values = schemaEnum(p.schema);
  if (values?.length) return String(r.pick(values));
  const t = schemaType(p.schema);
  // Row ids (cycleId, pointId, unitNo, id …): the first few rows exist in a freshly loaded city.
  if (t === 'integer' && /(^id|Id|No)$/.test(p.name)) return String(1 + r.int(5));
  if (t === 'number' || t === 'integer') return String(validNumber(p.schema, r));
  if (t === 'boolean') return String(r.chance(0.5));
  return plausibleString(p.schema, r);
}

/** A string the schema accepts when it says enough: one alternative of `^(a|b|c)$`, a date-time, a date; else `fuzz`. */
function plausibleString(s: JsonSchema | undefined, r: Rng): string {
  const alternatives = /^\^\(([\w|-]+)\)\$$/.exec(s?.pattern ?? '');
  if (alternatives) return r.pick(alternatives[1]!.split('|'));
  if (s?.format === 'date-time') return new Date(Date.UTC(2024, r.int(12), 1 + r.int(28))).toISOString();
  if (s?.format === 'date') return `2024-0${1 + r.int(9)}-1${r.int(10)}`;
  return 'fuzz';
}

/**
 * A filter over the layer's own fields: the short syntax (`build_year<2000;is_sample=true`) or, for
 * filter-lang=cql2-text, CQL2 (`build_year < 2000 AND is_sample = true`).
 */
function validFilter(fields: Record<string, string>, cql: boolean, r: Rng): string {
  const names = Object.keys(fields);
  if (!names.length) return cql ? 'is_sample = true' : 'is_sample=true';
  return Array.from({ length: 1 + r.int(2) }, () => {
    const f = r.pick(names);
    const t = fields[f];
    if (t === 'integer' || t === 'number') return cql ? `${f} ${r.pick(['<', '>=', '='])} ${r.pick([0, 20, 2000, 2024])}` : `${f}${r.pick(['<', '>=', '='])}${r.pick([0, 20, 2000, 2024])}`;
    if (t === 'boolean') return cql ? `${f} = ${r.chance(0.5)}` : `${f}=${r.chance(0.5)}`;
    return cql ? `${f} ${r.pick(["= '南京'", "LIKE '%园%'", 'IS NULL', "IN ('park','untreated')"])}` : `${f}=${r.pick(['untreated', '南京', 'park', 'a|b'])}`;
  }).join(cql ? r.pick([' AND ', ' OR ']) : ';');
}

function validNumber(s: JsonSchema, r: Rng): number {
  const lo = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : s.minimum ?? 0;
  const hi = s.maximum ?? Math.max(lo + 100, 1);
  const v = lo + r.next() * Math.min(hi - lo, 5_000);
  return schemaType(s) === 'integer' ? Math.round(v) : Math.round(v * 100) / 100;
}

/** A plausible body value for a field, by its name first and its schema second. */
function validJson(name: string, s: JsonSchema | undefined, ctx: FuzzContext, r: Rng, depth = 0): JsonLike {
  if (isGeoJsonField(name, s)) return validParks(ctx.centre, r);
  switch (name) {
    case 'type':
    case 'code': if (schemaType(s) === 'string' && !schemaEnum(s)) return r.pick(ctx.facilityCodes); break;
    case 'types': return some(r, ctx.facilityCodes, 4);
    case 'tiers': return some(r, ['5min', '10min', '15min', 'block'], 2);
    case 'dataset':
    case 'datasetId': return cityOrDataset(ctx, r);
    case 'lon': return Math.round((ctx.centre[0] + (r.next() - 0.5) * 0.02) * 1e5) / 1e5;
    case 'lat': return Math.round((ctx.centre[1] + (r.next() - 0.5) * 0.02) * 1e5) / 1e5;
    case 'name': return r.pick(['方案一', 'fuzz scenario', '新街口口袋公园']);
    case 'eligibleKinds':
    case 'candidateKinds': return some(r, ['park', 'garden', 'playground', 'recreation_ground'], 3);
    case 'save': return r.chance(0.3);
    case 'password': return `fuzz-password-${r.int(1000)}`;
    case 'username': return `fuzz-user-${r.int(100_000)}`;
    default: break;
  }
  const values = schemaEnum(s);
  if (values?.length) return r.pick(values) as JsonLike;
  const t = schemaType(s);
  if (t === 'number' || t === 'integer') return validNumber(s!, r);
  if (t === 'boolean') return r.chance(0.5);
  if (t === 'array') return depth > 4 ? [] : Array.from({ length: r.int(3) }, () => validJson(name, s?.items, ctx, r, depth + 1));
  if (t === 'object' && s?.properties && depth <= 4) {
    const out: Record<string, JsonLike> = {};
    for (const [k, sub] of Object.entries(s.properties)) {
      if (s.required?.includes(k) || r.chance(0.5)) out[k] = validJson(k, sub, ctx, r, depth + 1);
    }
    return out;
  }
  if (t === 'object') return {};
  return plausibleString(s, r);
}

interface Slot {
  where: string;
  apply: (r: Rng) => void;
}

/**
 * The request `index` of a run with `seed`: deterministic, whatever the concurrency. With `valid`
 * the plausible request is sent as it is (no mutation).
 */
export function generateRequest(ops: readonly Operation[], ctx: FuzzContext, seed: number, index: number, opts: { valid?: boolean } = {}): FuzzRequest {
  const r = requestRng(seed, index);
  // Round robin over the routes: every route is called once any run reaches ops.length requests.
  const op = ops[index % ops.length]!;
  const path = new Map<string, UrlValue>();
  const query: [string, UrlValue][] = [];
  // Path parameters in template order, so `fid` can follow `id` and `x`/`y` follow `z`.
  const pathParams = op.params.filter((p) => p.in === 'path').sort((a, b) => op.path.indexOf(`{${a.name}}`) - op.path.indexOf(`{${b.name}}`));
  for (const p of pathParams) path.set(p.name, validUrlValue(op, p, ctx, path, r) ?? 'fuzz');
  // Query parameters after the path ones, `filter` last so that it can follow `filter-lang`.
  const known = new Map(path);
  const queryParams = op.params.filter((x) => x.in === 'query').sort((a, b) => Number(a.name === 'filter') - Number(b.name === 'filter'));
  for (const p of queryParams) {
    if (p.required || r.chance(0.5)) {
      const v = validUrlValue(op, p, ctx, known, r);
      if (v !== undefined) {
        query.push([p.name, v]);
        known.set(p.name, v);
      }
    }
  }
  let body: JsonLike | undefined = op.body ? validJson('', op.body, ctx, r) : undefined;
  let contentType = op.body ? 'application/json' : undefined;
  const mutations: string[] = [];

  const slots: Slot[] = [];
  for (const p of pathParams) {
    slots.push({ where: `path.${p.name}`, apply: (rr) => path.set(p.name, hostileUrlValue(schemaType(p.schema), rr)) });
  }
  for (const p of op.params.filter((x) => x.in === 'query')) {
    slots.push({
      where: `query.${p.name}`,
      apply: (rr) => {
        const v = hostileUrlValue(schemaType(p.schema), rr);
        const i = query.findIndex(([k]) => k === p.name);
        if (i >= 0 && rr.chance(0.85)) query[i] = [p.name, v];
        else query.push([p.name, v]); // a repeated key becomes an array under coerceTypes: 'array'
      },
    });
  }
  slots.push({ where: 'query.<extra>', apply: (rr) => query.push([rr.pick(['__proto__', 'constructor', 'a'.repeat(2_000), 'filter[0]', '', '😀']), rr.pick(HOSTILE_STRINGS)]) });
  if (op.body) {
    for (const leaf of bodyPaths(body, op.body)) {
      slots.push({
        where: `body.${leaf.path.join('.')}`,
        apply: (rr) => {
          const geo = isGeoJsonField(String(leaf.path.at(-1)), leaf.schema);
          const v = geo && rr.chance(0.8) ? hostileGeoJson(ctx.centre, rr) : hostileJsonValue(schemaType(leaf.schema), rr);
          body = setAt(body, leaf.path, rr.chance(0.05) ? undefined : v);
        },
      });
    }
    slots.push({ where: 'body', apply: (rr) => (body = rr.pick(HOSTILE_BODIES)) });
    slots.push({ where: 'body.<extra>', apply: (rr) => (body = setAt(body, [rr.pick(['__proto__', 'extra', '', '$where', 'constructor'])], rr.pick(HOSTILE_STRINGS))) });
    slots.push({ where: 'content-type', apply: (rr) => (contentType = rr.pick(HOSTILE_CONTENT_TYPES)) });
  }
  if (!opts.valid && !r.chance(0.1)) {
    const n = 1 + r.int(Math.min(3, slots.length));
    for (let k = 0; k < n; k++) {
      const s = r.pick(slots);
      s.apply(r);
      mutations.push(s.where);
    }
  }

  let url = op.path;
  for (const [name, v] of path) url = url.replace(`{${name}}`, name === '*' && typeof v === 'string' ? v.split('/').map((x) => encodeUrlValue(x)).join('/') : encodeUrlValue(v));
  if (query.length) url += `?${query.map(([k, v]) => `${encodeUrlValue(k)}=${encodeUrlValue(v)}`).join('&')}`;
  const headers: Record<string, string> = {};
  let text: string | undefined;
  if (op.body || body !== undefined) {
    text = jsonText(body);
    if (contentType) headers['content-type'] = contentType;
  }
  return { index, route: op.route, method: op.method, url, headers, ...(text !== undefined ? { body: text } : {}), mutations };
}

interface BodyPath {
  path: (string | number)[];
  schema: JsonSchema | undefined;
}

/** Paths to every field of a generated body (GeoJSON fields count as one field). */
function bodyPaths(v: JsonLike | undefined, s: JsonSchema | undefined, prefix: (string | number)[] = []): BodyPath[] {
  if (v === null || v === undefined || typeof v !== 'object' || v instanceof RawJson) return [];
  const out: BodyPath[] = [];
  const props = s?.properties ?? {};
  const keys = new Set([...Object.keys(props), ...(Array.isArray(v) ? [] : Object.keys(v))]);
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      out.push({ path: [...prefix, i], schema: s?.items });
      out.push(...bodyPaths(item, s?.items, [...prefix, i]));
    });
    return out;
  }
  for (const k of keys) {
    out.push({ path: [...prefix, k], schema: props[k] });
    if (!isGeoJsonField(k, props[k])) out.push(...bodyPaths(v[k], props[k], [...prefix, k]));
  }
  return out;
}

/** A copy of `root` with the value at `path` replaced (undefined deletes it). */
function setAt(root: JsonLike | undefined, path: (string | number)[], value: JsonLike | undefined): JsonLike {
  if (!path.length) return value ?? null;
  const base: JsonLike = root !== null && typeof root === 'object' && !(root instanceof RawJson) ? root : {};
  const [k, ...rest] = path;
  if (Array.isArray(base)) {
    const copy = [...base];
    copy[Number(k)] = setAt(copy[Number(k)], rest, value);
    return copy;
  }
  const copy: Record<string, JsonLike> = { ...(base as Record<string, JsonLike>) };
  if (value === undefined && !rest.length) delete copy[String(k)];
  // defineProperty: a `__proto__` key must become an own property, not the object's prototype.
  else Object.defineProperty(copy, String(k), { value: setAt(copy[String(k)], rest, value), enumerable: true, writable: true, configurable: true });
  return copy;
}
