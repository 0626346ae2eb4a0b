/**
 * OGC API Features Part 1 (Core + GeoJSON): /ogc (landing page), /conformance, /collections,
 * /collections/{id}, /collections/{id}/items, /collections/{id}/items/{fid}. Queries live in
 * tiles/feature-query.ts; documents in tiles/ogc-documents.ts.
 */
import type { FastifyInstance } from 'fastify';
import { ITEMS_LIMITS, parseBbox, parseDatetime, parseProperties } from '../../tiles/feature-query.ts';
import { parsePaging } from '../../tiles/feature-service.ts';
import { CONFORMANCE, collectionDoc, itemsPage, landingPage } from '../../tiles/ogc-documents.ts';
import { baseUrl } from '../base-url.ts';

const GEOJSON = 'application/geo+json';

interface ItemsQuerystring {
  bbox?: string;
  limit?: string;
  offset?: string;
  properties?: string;
  filter?: string;
  datetime?: string;
  f?: string;
}

export default async function featureRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['features'];
  app.get('/ogc', { schema: { tags, summary: 'OGC API Features landing page' } }, async (request) => landingPage(baseUrl(request)));
  app.get('/conformance', { schema: { tags, summary: 'OGC API conformance classes' } }, async () => ({ conformsTo: CONFORMANCE }));

  app.get('/collections', { schema: { tags, summary: 'All layers as feature collections' } }, async (request) => {
    const base = baseUrl(request);
    return {
      links: [{ href: `${base}/collections`, rel: 'self', type: 'application/json' }],
      collections: app.tileCatalog.sources.map((s) => collectionDoc(s, base)),
    };
  });

  app.get<{ Params: { id: string } }>('/collections/:id', { schema: { tags, summary: 'One collection with extent and source datasets' } }, async (request) => {
    const source = app.tileCatalog.get(request.params.id);
    return collectionDoc(source, baseUrl(request), await app.features.layerMeta(source.id));
  });

  app.get<{ Params: { id: string }; Querystring: ItemsQuerystring }>(
    '/collections/:id/items',
    {
      schema: {
        tags,
        summary: 'Features of a collection (GeoJSON)',
        querystring: {
          type: 'object',
          properties: {
            bbox: { type: 'string', description: 'minLon,minLat,maxLon,maxLat (CRS84)' },
            limit: { type: 'string' }, offset: { type: 'string' },
            properties: { type: 'string', description: 'comma-separated property names' },
            filter: { type: 'string', description: 'e.g. build_year<2000;status=untreated' },
            datetime: { type: 'string', description: 'check year: 2023, 2021/2023, ../2023' },
            f: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const source = app.tileCatalog.get(request.params.id);
      const q = request.query;
      const paging = parsePaging(q.limit, q.offset, ITEMS_LIMITS);
      const { features, hasNext } = await app.features.items(source.id, {
        ...paging,
        bbox: q.bbox !== undefined ? parseBbox(q.bbox) : undefined,
        properties: q.properties !== undefined ? parseProperties(q.properties, source) : undefined,
        filter: q.filter,
        datetime: q.datetime !== undefined ? parseDatetime(q.datetime) : undefined,
      });
      const keep: Record<string, string> = {};
      for (const k of ['bbox', 'properties', 'filter', 'datetime'] as const) if (q[k] !== undefined) keep[k] = q[k]!;
      reply.type(GEOJSON);
      return itemsPage(source, baseUrl(request), features, { ...paging, hasNext }, keep);
    },
  );

  app.get<{ Params: { id: string; fid: string } }>('/collections/:id/items/:fid', { schema: { tags, summary: 'One feature (GeoJSON)' } }, async (request, reply) => {
    const source = app.tileCatalog.get(request.params.id);
    const feature = await app.features.item(source.id, request.params.fid);
    const base = baseUrl(request);
    reply.type(GEOJSON);
    return {
      ...feature,
      links: [
        { href: `${base}/collections/${source.id}/items/${feature.id}`, rel: 'self', type: GEOJSON },
        { href: `${base}/collections/${source.id}`, rel: 'collection', type: 'application/json' },
      ],
    };
  });
}
