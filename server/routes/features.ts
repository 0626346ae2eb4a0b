/**
 * OGC API Features (Part 1 Core + GeoJSON, Part 3 CQL2-text filters) at `/ogc`: the landing page
 * (JSON, or HTML for a browser), `/ogc/api` (its OpenAPI document), `/ogc/conformance`,
 * `/ogc/collections[/{collectionId}[/items[/{featureId}]|/queryables]]`. The same collections stay
 * at the server root (`/conformance`, `/collections/…`) for existing clients.
 * Queries live in tiles/feature-query.ts; documents in tiles/ogc-documents.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { QueryParamError } from '../../tiles/errors.ts';
import { ITEMS_LIMITS, parseBbox, parseCursor, parseDatetime, parseProperties } from '../../tiles/feature-query.ts';
import { parsePaging } from '../../tiles/feature-service.ts';
import { FILTER_LANGS, type FilterLang } from '../../tiles/filter-compiler.ts';
import { CONFORMANCE, OPENAPI_JSON, apiSubset, collectionDoc, featureSchemaDoc, itemsPage, landingPage, landingPageHtml, queryablesDoc, type ApiUrls } from '../../tiles/ogc-documents.ts';
import { baseUrl } from '../base-url.ts';

const GEOJSON = 'application/geo+json';
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
/** Where the OGC API lives. */
export const OGC_PREFIX = '/ogc';

interface ItemsQuerystring {
  bbox?: string;
  limit?: string;
  offset?: string;
  after?: string;
  before?: string;
  properties?: string;
  filter?: string;
  'filter-lang'?: FilterLang;
  'filter-crs'?: string;
  datetime?: string;
  f?: string;
}

/** Weight of a media type in an Accept header (exact matches only; 0 when absent). */
function acceptWeight(accept: string | undefined, type: string): number {
  let best = 0;
  for (const part of (accept ?? '').split(',')) {
    const [t, ...params] = part.trim().split(';').map((x) => x.trim());
    if (t?.toLowerCase() !== type) continue;
    const q = params.find((p) => p.startsWith('q='));
    best = Math.max(best, q ? Number(q.slice(2)) || 0 : 1);
  }
  return best;
}

/** HTML for `f=html` or a browser's Accept (text/html before application/json); JSON otherwise. */
function wantsHtml(f: string | undefined, accept: string | undefined): boolean {
  if (f === 'html') return true;
  if (f === 'json') return false;
  if (f !== undefined) throw new QueryParamError('f must be json or html');
  return acceptWeight(accept, 'text/html') > acceptWeight(accept, 'application/json');
}

/** JSON Schema documents: `application/schema+json` when asked for, else plain JSON (what GDAL ≤ 3.6 accepts for queryables). */
function schemaType(accept: string | undefined): string {
  return acceptWeight(accept, 'application/schema+json') > 0 ? 'application/schema+json; charset=utf-8' : 'application/json; charset=utf-8';
}

export default async function featureRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['features'];
  const urls = (request: FastifyRequest): ApiUrls => ({ root: `${baseUrl(request)}${OGC_PREFIX}`, base: baseUrl(request) });

  app.get<{ Querystring: { f?: string } }>(
    OGC_PREFIX,
    { schema: { tags, summary: 'OGC API Features landing page (JSON; HTML with f=html or Accept: text/html)', querystring: { type: 'object', properties: { f: { type: 'string', enum: ['json', 'html'] } } } } },
    async (request, reply) => {
      const doc = landingPage(urls(request));
      if (wantsHtml(request.query.f, request.headers.accept)) return reply.type('text/html; charset=utf-8').send(landingPageHtml(doc));
      return doc;
    },
  );

  app.get(`${OGC_PREFIX}/api`, { schema: { tags, summary: 'OpenAPI 3.0 definition of the OGC API (paths relative to /ogc)' } }, async (request, reply) => {
    // With the charset given, Fastify keeps the type as written (it would otherwise quote "3.0", which GDAL does not match).
    reply.type(`${OPENAPI_JSON};charset=utf-8`);
    return apiSubset(app.swagger() as Parameters<typeof apiSubset>[0], OGC_PREFIX, urls(request).root, ITEMS_LIMITS);
  });

  await app.register(collectionRoutes, { mount: OGC_PREFIX });
  await app.register(collectionRoutes, { mount: '' });
}

/** Conformance and collections, mounted at `mount` (`/ogc`, and the server root for older clients). */
async function collectionRoutes(app: FastifyInstance, opts: { mount: string }): Promise<void> {
  const tags = ['features'];
  const m = opts.mount;
  const urls = (request: FastifyRequest): ApiUrls => ({ root: `${baseUrl(request)}${m}`, base: baseUrl(request) });
  const collectionParams = { type: 'object', properties: { collectionId: { type: 'string' } }, required: ['collectionId'] };

  app.get(`${m}/conformance`, { schema: { tags, summary: 'OGC API conformance classes' } }, async () => ({ conformsTo: CONFORMANCE }));

  app.get(`${m}/collections`, { schema: { tags, summary: 'All layers as feature collections, with their extents' } }, async (request) => {
    const u = urls(request);
    // The extent lets GDAL and QGIS skip a full read to learn it; metadata is cached per layer.
    const metas = await Promise.all(app.tileCatalog.sources.map((s) => app.features.layerMeta(s.id).catch((err: unknown) => {
      request.log.warn({ err, layer: s.id }, 'collection listed without its extent');
      return undefined;
    })));
    return {
      links: [{ href: `${u.root}/collections`, rel: 'self', type: 'application/json' }],
      collections: app.tileCatalog.sources.map((s, i) => collectionDoc(s, u, metas[i])),
    };
  });

  app.get<{ Params: { collectionId: string } }>(
    `${m}/collections/:collectionId`,
    { schema: { tags, summary: 'One collection with extent and source datasets', params: collectionParams } },
    async (request) => {
      const source = app.tileCatalog.get(request.params.collectionId);
      return collectionDoc(source, urls(request), await app.features.layerMeta(source.id));
    },
  );

  app.get<{ Params: { collectionId: string } }>(
    `${m}/collections/:collectionId/queryables`,
    { schema: { tags, summary: 'Properties a filter may name (JSON Schema)', params: collectionParams } },
    async (request, reply) => {
      const source = app.tileCatalog.get(request.params.collectionId);
      reply.type(schemaType(request.headers.accept));
      return queryablesDoc(source, urls(request));
    },
  );

  app.get<{ Params: { collectionId: string } }>(
    `${m}/collections/:collectionId/schema`,
    { schema: { tags, summary: 'Schema of the features of a collection (JSON Schema)', params: collectionParams } },
    async (request, reply) => {
      const source = app.tileCatalog.get(request.params.collectionId);
      reply.type(schemaType(request.headers.accept));
      return featureSchemaDoc(source, urls(request));
    },
  );

  app.get<{ Params: { collectionId: string }; Querystring: ItemsQuerystring }>(
    `${m}/collections/:collectionId/items`,
    {
      schema: {
        tags,
        summary: 'Features of a collection (GeoJSON)',
        params: collectionParams,
        querystring: {
          type: 'object',
          properties: {
            bbox: { type: 'string', description: 'minLon,minLat,maxLon,maxLat (CRS84)' },
            limit: { type: 'string', description: `features per page (default ${ITEMS_LIMITS.default}, at most ${ITEMS_LIMITS.max})` },
            offset: { type: 'string', description: 'features to skip (prefer the next link: it pages by id)' },
            after: { type: 'string', description: 'keyset cursor of next links: features with an id above it' },
            before: { type: 'string', description: 'keyset cursor of previous links: features with an id below it' },
            properties: { type: 'string', description: 'comma-separated property names' },
            filter: { type: 'string', description: "CQL2-text with filter-lang=cql2-text (e.g. build_year < 2000 AND S_INTERSECTS(geometry, BBOX(118.77,32.03,118.79,32.05))), else the short syntax (e.g. build_year<2000;status=untreated)" },
            'filter-lang': { type: 'string', enum: [...FILTER_LANGS], description: 'cql2-text (cql-text: the same, for GDAL ≤ 3.6) or citycheck (the short syntax, default)' },
            'filter-crs': { type: 'string', enum: [CRS84], description: 'CRS of geometry literals in the filter (CRS84 only)' },
            datetime: { type: 'string', description: 'check year: 2023, 2021/2023, ../2023' },
            f: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const source = app.tileCatalog.get(request.params.collectionId);
      const q = request.query;
      const paging = parsePaging(q.limit, q.offset, ITEMS_LIMITS);
      const after = q.after !== undefined ? parseCursor('after', q.after) : undefined;
      const before = q.before !== undefined ? parseCursor('before', q.before) : undefined;
      const page = await app.features.items(source.id, {
        ...paging,
        after,
        before,
        bbox: q.bbox !== undefined ? parseBbox(q.bbox) : undefined,
        properties: q.properties !== undefined ? parseProperties(q.properties, source) : undefined,
        filter: q.filter,
        filterLang: q['filter-lang'],
        datetime: q.datetime !== undefined ? parseDatetime(q.datetime) : undefined,
      });
      const keep: Record<string, string> = {};
      for (const k of ['bbox', 'properties', 'filter', 'filter-lang', 'datetime'] as const) if (q[k] !== undefined) keep[k] = q[k]!;
      reply.type(GEOJSON);
      const cursor = after !== undefined || before !== undefined ? { after, before } : undefined;
      return itemsPage(source, urls(request), page.features, { ...paging, cursor, hasNext: page.hasNext, hasPrev: page.hasPrev, numberMatched: page.numberMatched }, keep);
    },
  );

  app.get<{ Params: { collectionId: string; featureId: string } }>(
    `${m}/collections/:collectionId/items/:featureId`,
    {
      schema: {
        tags,
        summary: 'One feature (GeoJSON)',
        params: { type: 'object', properties: { collectionId: { type: 'string' }, featureId: { type: 'string' } }, required: ['collectionId', 'featureId'] },
      },
    },
    async (request, reply) => {
      const source = app.tileCatalog.get(request.params.collectionId);
      const feature = await app.features.item(source.id, request.params.featureId);
      const u = urls(request);
      reply.type(GEOJSON);
      return {
        ...feature,
        links: [
          { href: `${u.root}/collections/${source.id}/items/${feature.id}`, rel: 'self', type: GEOJSON },
          { href: `${u.root}/collections/${source.id}`, rel: 'collection', type: 'application/json' },
        ],
      };
    },
  );
}
