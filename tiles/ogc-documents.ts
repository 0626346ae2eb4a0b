/**
 * OGC API Features documents (Part 1 Core + GeoJSON + OpenAPI 3.0, Part 3 filtering with CQL2-text)
 * built from the catalog: landing page (JSON and HTML), conformance, collections, items pages,
 * queryables and the OpenAPI subset of the API. Pure functions: the server passes its URLs
 * (`root` = where the API lives, e.g. `http://host/ogc`; `base` = the server) and the query results.
 */
import type { DatasetInfo, Feature, LayerMeta } from './feature-service.ts';
import { GEOMETRY_PROPERTIES } from './cql2-compiler.ts';
import type { FieldType } from './layer-def.ts';
import type { TileSource } from './tile-source.ts';

/** Conformance classes implemented. */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus',
  'http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/property-property',
];

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const GEOJSON = 'application/geo+json';
/** Media type of an OpenAPI 3.0 document (what GDAL looks for on the service-desc link). */
export const OPENAPI_JSON = 'application/vnd.oai.openapi+json;version=3.0';

/** Where the API lives (`root`) and the server it runs on (`base`), both absolute, no trailing slash. */
export interface ApiUrls {
  root: string;
  base: string;
}

/** The landing page (served at /ogc). */
export function landingPage(u: ApiUrls): Record<string, unknown> {
  return {
    title: 'CityCheck 城检 — OGC API Features',
    description: 'Every CityCheck layer as an OGC API Features collection (GeoJSON, CRS84), filterable with CQL2-text.',
    links: [
      { href: u.root, rel: 'self', type: 'application/json', title: 'This document' },
      { href: `${u.root}?f=html`, rel: 'alternate', type: 'text/html', title: 'This document as HTML' },
      { href: `${u.root}/api`, rel: 'service-desc', type: OPENAPI_JSON, title: 'OpenAPI definition of this API' },
      { href: `${u.base}/docs`, rel: 'service-doc', type: 'text/html', title: 'API documentation' },
      { href: `${u.root}/conformance`, rel: 'conformance', type: 'application/json', title: 'Conformance classes' },
      { href: `${u.root}/collections`, rel: 'data', type: 'application/json', title: 'Collections' },
    ],
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The landing page as a small HTML document (for a browser: `f=html` or `Accept: text/html`). */
export function landingPageHtml(doc: Record<string, unknown>): string {
  const links = (doc.links as { href: string; rel: string; title?: string }[])
    .filter((l) => l.rel !== 'alternate')
    .map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.title ?? l.rel)}</a> <code>${escapeHtml(l.rel)}</code></li>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(String(doc.title))}</title><link rel="icon" href="data:,"></head>
<body><h1>${escapeHtml(String(doc.title))}</h1><p>${escapeHtml(String(doc.description))}</p>
<ul>
${links}
</ul>
<p>GDAL / QGIS: <code>OAPIF:${escapeHtml(String((doc.links as { href: string }[])[0]!.href))}</code></p></body></html>
`;
}

/** One collection; `meta` adds the extent, check years and source datasets when known. */
export function collectionDoc(s: TileSource, u: ApiUrls, meta?: LayerMeta): Record<string, unknown> {
  const here = `${u.root}/collections/${s.id}`;
  const doc: Record<string, unknown> = {
    id: s.id,
    title: `${s.def.title_zh} ${s.def.title_en}`,
    description: s.def.description ?? s.def.title_en,
    itemType: 'feature',
    crs: [CRS84],
    links: [
      { href: here, rel: 'self', type: 'application/json' },
      { href: `${here}/items`, rel: 'items', type: GEOJSON, title: 'Items' },
      { href: `${here}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: 'application/schema+json', title: 'Queryables' },
      { href: `${here}/queryables`, rel: 'queryables', type: 'application/json', title: 'Queryables (draft link relation, read by GDAL ≤ 3.6)' },
      { href: `${here}/schema`, rel: 'describedby', type: 'application/schema+json', title: 'Schema of the features' },
      // GDAL ≤ 3.6 matches this relation name case-sensitively as "describedBy"; the schema gives it the field types.
      { href: `${here}/schema`, rel: 'describedBy', type: 'application/schema+json', title: 'Schema of the features' },
      { href: `${u.base}/tiles/${s.id}.json`, rel: 'describedby', type: 'application/json', title: 'TileJSON (vector tiles)' },
    ],
    properties: { ...s.fields },
    attribution: s.def.attribution ?? null,
  };
  if (meta) {
    doc.extent = {
      spatial: { bbox: meta.bbox ? [meta.bbox] : [[-180, -90, 180, 90]], crs: CRS84 },
      ...(meta.years ? { temporal: { interval: [[`${meta.years[0]}-01-01T00:00:00Z`, `${meta.years[1]}-12-31T23:59:59Z`]], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } } : {}),
    };
    doc.datasets = meta.datasets satisfies DatasetInfo[];
    const attributions = [...new Set([s.def.attribution, ...meta.datasets.map((d) => d.attribution)].filter(Boolean))];
    doc.attribution = attributions.length ? attributions.join('; ') : null;
  }
  return doc;
}

const SCHEMA_TYPES: Record<FieldType, Record<string, string>> = {
  string: { type: 'string' }, integer: { type: 'integer' }, number: { type: 'number' }, boolean: { type: 'boolean' }, date: { type: 'string', format: 'date' },
};

/**
 * The queryables of a collection (Part 3): a JSON Schema of the properties a filter may name, and
 * the geometry. The `queryables` array repeats them in the form of the Part 3 draft, which GDAL ≤ 3.6
 * reads to decide which `-where` conditions it sends to the server (JSON Schema ignores unknown keywords).
 */
export function queryablesDoc(s: TileSource, u: ApiUrls): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    [GEOMETRY_PROPERTIES[0]]: { title: 'Geometry (CRS84)', format: 'geometry-any', 'x-ogc-role': 'primary-geometry' },
  };
  for (const [name, type] of Object.entries(s.fields)) {
    properties[name] = { title: name, ...SCHEMA_TYPES[type], ...(s.def.codeDomains?.[name] ? { description: 'coded: the code, its Chinese or its English label' } : {}) };
  }
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: `${u.root}/collections/${s.id}/queryables`,
    type: 'object',
    title: `${s.def.title_zh} ${s.def.title_en}`,
    properties,
    additionalProperties: false,
    queryables: Object.entries(s.fields).map(([id, type]) => ({ id, type: SCHEMA_TYPES[type].format ?? SCHEMA_TYPES[type].type })),
  };
}

/** JSON Schema of one feature of the collection (GeoJSON Feature with typed, nullable properties). */
export function featureSchemaDoc(s: TileSource, u: ApiUrls): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(s.fields)) props[name] = { ...SCHEMA_TYPES[type], nullable: true };
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: `${u.root}/collections/${s.id}/schema`,
    title: `${s.def.title_zh} ${s.def.title_en}`,
    type: 'object',
    required: ['type', 'geometry', 'properties'],
    properties: {
      type: { type: 'string', enum: ['Feature'] },
      id: { type: 'integer' },
      geometry: { type: 'object', description: 'GeoJSON geometry (CRS84)' },
      properties: { type: 'object', properties: props },
    },
  };
}

/** Paging state of one items page. */
export interface PageInfo {
  limit: number;
  offset: number;
  /** The keyset cursor the request used, if any. */
  cursor?: { after?: number; before?: number };
  hasNext: boolean;
  hasPrev: boolean;
  numberMatched?: number;
}

/**
 * An items page as a GeoJSON FeatureCollection. Next links carry the id of the last feature
 * (`after=`), previous links the id of the first (`before=`), so a client walking the pages never
 * makes the server skip rows; offset pages keep an offset-based previous link. `query` holds the
 * request's other parameters, repeated in the links.
 */
export function itemsPage(s: TileSource, u: ApiUrls, features: Feature[], page: PageInfo, query: Record<string, string>): Record<string, unknown> {
  const url = (paging: Record<string, string>) => {
    const p = new URLSearchParams({ ...query, limit: String(page.limit), ...paging });
    return `${u.root}/collections/${s.id}/items?${p.toString()}`;
  };
  const selfPaging: Record<string, string> = page.cursor?.after !== undefined ? { after: String(page.cursor.after) }
    : page.cursor?.before !== undefined ? { before: String(page.cursor.before) }
    : page.offset > 0 ? { offset: String(page.offset) } : {};
  const links: Record<string, unknown>[] = [
    { href: url(selfPaging), rel: 'self', type: GEOJSON },
    { href: `${u.root}/collections/${s.id}`, rel: 'collection', type: 'application/json' },
  ];
  const first = features[0];
  const last = features[features.length - 1];
  if (page.hasNext && last) links.push({ href: url({ after: String(last.id) }), rel: 'next', type: GEOJSON });
  if (page.hasPrev) {
    if (page.cursor && first) links.push({ href: url({ before: String(first.id) }), rel: 'prev', type: GEOJSON });
    else if (!page.cursor && page.offset > 0) links.push({ href: url({ offset: String(Math.max(0, page.offset - page.limit)) }), rel: 'prev', type: GEOJSON });
  }
  return {
    type: 'FeatureCollection',
    features,
    ...(page.numberMatched !== undefined ? { numberMatched: page.numberMatched } : {}),
    numberReturned: features.length,
    timeStamp: new Date().toISOString(),
    links,
  };
}

/** The parts of an OpenAPI document used here. */
interface OpenApiDoc {
  openapi?: string;
  info?: unknown;
  paths?: Record<string, unknown>;
  components?: unknown;
  [k: string]: unknown;
}

/**
 * The OpenAPI 3.0 description of the API under `prefix` (e.g. `/ogc`), cut from the whole server's
 * document: its paths without the prefix and a `servers` entry at `root`, as OGC API clients
 * expect (GDAL looks up `/collections/{collectionId}/items` to learn the filter languages).
 */
export function apiSubset(full: OpenApiDoc, prefix: string, root: string, limits?: { default: number; max: number }): OpenApiDoc {
  const paths: Record<string, unknown> = {};
  for (const [p, item] of Object.entries(full.paths ?? {})) {
    if (p === prefix) paths['/'] = item;
    else if (p.startsWith(`${prefix}/`)) paths[p.slice(prefix.length)] = item;
  }
  const items = paths['/collections/{collectionId}/items'] as { get?: { parameters?: { name: string; in: string; schema?: unknown }[] } } | undefined;
  if (limits && items?.get?.parameters) {
    // The route reads limit as text (to answer its own messages, and to clamp rather than reject a large
    // value as Part 1 asks); clients such as QGIS size their pages from this schema's default and maximum.
    // Copies, so the server's own document stays as it is.
    const parameters = items.get.parameters.map((p) => (p.in === 'query' && p.name === 'limit'
      ? { ...p, schema: { type: 'integer', minimum: 1, maximum: limits.max, default: limits.default } } : p));
    paths['/collections/{collectionId}/items'] = { ...items, get: { ...items.get, parameters } };
  }
  return {
    openapi: full.openapi ?? '3.0.3',
    info: { title: 'CityCheck 城检 — OGC API Features', version: (full.info as { version?: string } | undefined)?.version ?? '0' },
    servers: [{ url: root }],
    paths,
    ...(full.components ? { components: full.components } : {}),
  };
}
