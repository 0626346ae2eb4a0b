/**
 * OGC API Features Part 1 documents (landing page, conformance, collections, items) built from the
 * catalog. Pure functions: the server passes its absolute base URL and the query results.
 */
import type { DatasetInfo, Feature, LayerMeta } from './feature-service.ts';
import type { TileSource } from './tile-source.ts';

/** Conformance classes implemented (Core, GeoJSON, OpenAPI 3.0). */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
];

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

/** The landing page (served at /ogc). */
export function landingPage(base: string): Record<string, unknown> {
  return {
    title: 'CityCheck 城检 — OGC API Features',
    description: 'Every CityCheck layer as an OGC API Features collection (GeoJSON, CRS84).',
    links: [
      { href: `${base}/ogc`, rel: 'self', type: 'application/json', title: 'This document' },
      { href: `${base}/docs/json`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'OpenAPI definition' },
      { href: `${base}/docs`, rel: 'service-doc', type: 'text/html', title: 'API documentation' },
      { href: `${base}/conformance`, rel: 'conformance', type: 'application/json', title: 'Conformance classes' },
      { href: `${base}/collections`, rel: 'data', type: 'application/json', title: 'Collections' },
    ],
  };
}

/** One collection; `meta` adds the extent, check years and source datasets when known. */
export function collectionDoc(s: TileSource, base: string, meta?: LayerMeta): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    id: s.id,
    title: `${s.def.title_zh} ${s.def.title_en}`,
    description: s.def.description ?? s.def.title_en,
    itemType: 'feature',
    crs: [CRS84],
    links: [
      { href: `${base}/collections/${s.id}`, rel: 'self', type: 'application/json' },
      { href: `${base}/collections/${s.id}/items`, rel: 'items', type: 'application/geo+json', title: 'Items' },
      { href: `${base}/tiles/${s.id}.json`, rel: 'describedby', type: 'application/json', title: 'TileJSON (vector tiles)' },
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

/**
 * An items page as a GeoJSON FeatureCollection with self/next/prev links; `query` holds the
 * request's other parameters, repeated in the links.
 */
export function itemsPage(
  s: TileSource, base: string, features: Feature[], page: { limit: number; offset: number; hasNext: boolean },
  query: Record<string, string>,
): Record<string, unknown> {
  const url = (offset: number) => {
    const p = new URLSearchParams({ ...query, limit: String(page.limit), offset: String(offset) });
    return `${base}/collections/${s.id}/items?${p.toString()}`;
  };
  const links: Record<string, unknown>[] = [
    { href: url(page.offset), rel: 'self', type: 'application/geo+json' },
    { href: `${base}/collections/${s.id}`, rel: 'collection', type: 'application/json' },
  ];
  if (page.hasNext) links.push({ href: url(page.offset + page.limit), rel: 'next', type: 'application/geo+json' });
  if (page.offset > 0) links.push({ href: url(Math.max(0, page.offset - page.limit)), rel: 'prev', type: 'application/geo+json' });
  return {
    type: 'FeatureCollection',
    features,
    numberReturned: features.length,
    timeStamp: new Date().toISOString(),
    links,
  };
}
