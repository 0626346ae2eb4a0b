/**
 * Queries behind OGC API Features: items (bbox, filter in either language, datetime = check year,
 * properties, keyset paging by id or limit/offset), the bounded count behind `numberMatched`, and
 * single items, returning GeoJSON geometry (RFC 7946, lon/lat WGS-84) and the layer's declared
 * properties only.
 */
import { sql, type RawBuilder } from 'kysely';
import { QueryParamError } from './errors.ts';
import { compileFilterIn, type FilterLang } from './filter-compiler.ts';
import { compileSql, type CompiledSql } from './sql-compile.ts';
import type { LonLatBox } from './tile-math.ts';
import type { TileSource } from './tile-source.ts';

/** Paging bounds of /items. */
export const ITEMS_LIMITS = { default: 100, max: 10000 };

/** A check-year interval (inclusive, either end open). */
export interface YearRange {
  from?: number;
  to?: number;
}

/** Validated parameters of an items query. */
export interface ItemsQuery {
  bbox?: LonLatBox;
  limit: number;
  offset: number;
  properties?: string[];
  filter?: string;
  /** Language of `filter` (default `citycheck`, the short syntax). */
  filterLang?: FilterLang;
  datetime?: YearRange;
  /** Keyset cursor of a next page: only features with an id above it. */
  after?: number;
  /** Keyset cursor of a previous page: only features with an id below it (read backwards). */
  before?: number;
}

/** Parses a keyset cursor (`after` / `before`): a feature id, decimal digits. */
export function parseCursor(name: 'after' | 'before', text: string): number {
  if (!/^\d{1,15}$/.test(text.trim())) throw new QueryParamError(`${name} must be a feature id (a non-negative integer)`);
  return Number(text.trim());
}

/** Parses `bbox=minLon,minLat,maxLon,maxLat` (EPSG:4326, CRS84 order). */
export function parseBbox(text: string): LonLatBox {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) throw new QueryParamError('bbox must be four numbers: minLon,minLat,maxLon,maxLat');
  const [a, b, c, d] = parts as LonLatBox;
  if (a < -180 || c > 180 || b < -90 || d > 90 || a > c || b > d) throw new QueryParamError('bbox must satisfy -180 ≤ minLon ≤ maxLon ≤ 180 and -90 ≤ minLat ≤ maxLat ≤ 90');
  return [a, b, c, d];
}

/**
 * Parses OGC `datetime` into check years: `2023`, `2023-06-01`, `2023-06-01T00:00:00Z`, or an
 * interval `2021/2023`, `../2023`, `2021/..`. Only the year is used (one check per year).
 */
export function parseDatetime(text: string): YearRange {
  const year = (s: string): number | undefined => {
    if (s === '..' || s === '') return undefined;
    const m = /^(\d{4})(-\d{2}(-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.exec(s.trim());
    if (!m) throw new QueryParamError(`datetime "${s.slice(0, 40)}" is not a year, a date, a date-time or an interval of them`);
    return Number(m[1]);
  };
  const parts = text.split('/');
  if (parts.length > 2) throw new QueryParamError('datetime has at most one "/"');
  if (parts.length === 1) {
    const y = year(parts[0]!);
    if (y === undefined) throw new QueryParamError('datetime ".." needs an interval');
    return { from: y, to: y };
  }
  const r = { from: year(parts[0]!), to: year(parts[1]!) };
  if (r.from !== undefined && r.to !== undefined && r.from > r.to) throw new QueryParamError('datetime interval ends before it starts');
  return r;
}

/** Parses `properties=a,b` against the source's fields (unknown → QueryParamError naming it). */
export function parseProperties(text: string, source: TileSource): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!Object.hasOwn(source.fields, n)) throw new QueryParamError(`unknown property "${n.slice(0, 60)}"; properties: ${Object.keys(source.fields).join(', ')}`);
  }
  return [...new Set(names)];
}

function propertiesJson(names: string[]): RawBuilder<unknown> {
  if (names.length === 0) return sql`'{}'::json`;
  return sql`json_build_object(${sql.join(names.map((n) => sql`${n}::text, ${sql.ref(`t.${n}`)}`))})`;
}

/**
 * Builds the items query: one row per feature (id, geometry json, properties json), limit + 1
 * rows so the caller knows whether a next page exists.
 */
export function buildItemsQuery(source: TileSource, q: ItemsQuery): CompiledSql {
  const where = matchWhere(source, q);
  if (q.after !== undefined) where.push(sql`t.id > ${q.after}::bigint`);
  if (q.before !== undefined) where.push(sql`t.id < ${q.before}::bigint`);
  const props = q.properties ?? Object.keys(source.fields);
  // A previous page is read backwards from its cursor (the caller reverses it): the index on id
  // makes every keyset page cost the same, however deep.
  const order = q.before !== undefined ? sql`ORDER BY t.id DESC` : sql`ORDER BY t.id`;
  const offset = q.offset > 0 ? sql` OFFSET ${q.offset}::integer` : sql``;
  return compileSql(sql`SELECT t.id, ST_AsGeoJSON(t.geom, 7)::json AS geometry, ${propertiesJson(props)} AS properties
FROM ${sql.table(`tiles.${source.id}`)} t
WHERE ${sql.join(where, sql` AND `)}
${order}
LIMIT ${q.limit + 1}::integer${offset}`);
}

/** The conditions of an items query besides paging: bbox, filter, check years. */
function matchWhere(source: TileSource, q: ItemsQuery): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (q.bbox) where.push(sql`t.geom && ST_MakeEnvelope(${q.bbox[0]}::float8, ${q.bbox[1]}::float8, ${q.bbox[2]}::float8, ${q.bbox[3]}::float8, 4326)`);
  const filter = compileFilterIn(q.filterLang ?? 'citycheck', q.filter, source.fields, 't', source.def.codeDomains);
  if (filter) where.push(filter.where);
  if (q.datetime?.from !== undefined) where.push(sql`t.check_year >= ${q.datetime.from}::integer`);
  if (q.datetime?.to !== undefined) where.push(sql`t.check_year <= ${q.datetime.to}::integer`);
  return where;
}

/**
 * The exact number of features matching an items query (paging ignored), as `n`. With
 * `explain`, the planner's estimate of that count statement instead (`EXPLAIN (FORMAT JSON)`),
 * so the caller can skip counts that would cost more than a bound.
 */
export function buildCountQuery(source: TileSource, q: ItemsQuery, explain = false): CompiledSql {
  const count = sql`SELECT count(*) AS n FROM ${sql.table(`tiles.${source.id}`)} t WHERE ${sql.join(matchWhere(source, q), sql` AND `)}`;
  return compileSql(explain ? sql`EXPLAIN (FORMAT JSON) ${count}` : count);
}

/** Builds the single-item query by id (a bigint; non-numeric ids never reach SQL). */
export function buildItemQuery(source: TileSource, id: number, properties?: string[]): CompiledSql {
  return compileSql(sql`SELECT t.id, ST_AsGeoJSON(t.geom, 7)::json AS geometry, ${propertiesJson(properties ?? Object.keys(source.fields))} AS properties
FROM ${sql.table(`tiles.${source.id}`)} t WHERE t.id = ${id}::bigint`);
}

/** Builds the layer metadata query: data extent (lon/lat), years, and the datasets it holds. */
export function buildLayerMetaQuery(source: TileSource): CompiledSql {
  return compileSql(sql`SELECT ST_XMin(s.e) AS xmin, ST_YMin(s.e) AS ymin, ST_XMax(s.e) AS xmax, ST_YMax(s.e) AS ymax,
  s.min_year, s.max_year,
  coalesce((SELECT json_agg(json_build_object('id', d.id, 'name', d.name, 'attribution', d.attribution, 'licence', d.licence, 'is_sample', d.is_sample) ORDER BY d.id)
     FROM app.dataset d WHERE d.id = ANY(s.datasets)), '[]'::json) AS datasets
FROM (SELECT ST_Extent(t.geom) AS e, min(t.check_year) AS min_year, max(t.check_year) AS max_year, array_agg(DISTINCT t.dataset_id) AS datasets
      FROM ${sql.table(`tiles.${source.id}`)} t) s`);
}
