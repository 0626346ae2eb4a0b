/**
 * Vector tile routes: /tiles/catalog, /tiles/{layer}.json (TileJSON 3.0.0) and
 * /tiles/{layer[,layer…]}/{z}/{x}/{y}.mvt. Validation, lookup, querying and caching live in tiles/;
 * this file maps them onto HTTP (204 empty, ETag/304, Cache-Control, gzip).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TileCoordError, TileRequestError } from '../../tiles/errors.ts';
import { catalogEntry, centerAmong, tileJson } from '../../tiles/tilejson.ts';
import type { LonLatBox } from '../../tiles/tile-math.ts';
import { Type } from 'typebox';
import { baseUrl } from '../base-url.ts';
import { DatasetIdSchema } from '../contract/common.ts';
import { badRequest } from '../errors.ts';
import { cityRepository } from '../repositories/city-repository.ts';

/** MVT media type (IANA). */
export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';

export interface TileRouteOptions {
  /** Cache-Control of tiles (default `no-cache`: browsers keep tiles and revalidate with the ETag). */
  cacheControl?: string;
}

const tileParams = {
  type: 'object',
  properties: { layers: { type: 'string' }, z: { type: 'string' }, x: { type: 'string' }, y: { type: 'string' } },
} as const;

export default async function tileRoutes(app: FastifyInstance, opts: TileRouteOptions): Promise<void> {
  const cacheControl = opts.cacheControl ?? 'no-cache';

  app.get('/tiles/catalog', { schema: { tags: ['tiles'], summary: 'Layers served as vector tiles' } }, async (request) =>
    app.tileCatalog.sources.map((s) => catalogEntry(s, baseUrl(request))),
  );

  const cities = cityRepository(app.db);
  app.get<{ Params: { name: string }; Querystring: { dataset?: string } }>(
    '/tiles/:name',
    {
      schema: {
        tags: ['tiles'],
        summary: 'TileJSON 3.0.0 of a layer or a comma-separated list of layers ({layer}.json); ?dataset= gives that city\'s bounds and centre (tiles themselves are spatial and shared by all cities)',
        querystring: Type.Object({ dataset: Type.Optional(DatasetIdSchema) }),
      },
    },
    async (request) => {
      const m = /^(.+)\.json$/.exec(request.params.name);
      if (!m) throw new TileRequestError('expected /tiles/{layer}.json or /tiles/{layer}/{z}/{x}/{y}.mvt', 'BAD_TILE_PATH');
      const sources = app.tileCatalog.resolve(m[1]!);
      if (request.query.dataset !== undefined) {
        const list = await cities.listCached();
        const city = list.find((c) => c.id === request.query.dataset);
        if (!city) throw badRequest(`unknown dataset "${request.query.dataset}"; choose one of: ${list.map((c) => c.id).join(', ')}`);
        return tileJson(sources, baseUrl(request), city.bbox, city.center);
      }
      const boxes = (await Promise.all(sources.map((s) => app.features.layerMeta(s.id)))).map((x) => x.bbox).filter((b): b is LonLatBox => !!b);
      const bounds: LonLatBox | null = boxes.length
        ? [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))]
        : null;
      return tileJson(sources, baseUrl(request), bounds, bounds ? centerAmong(bounds, await cities.listCached()) : undefined);
    },
  );

  app.get<{ Params: { layers: string; z: string; x: string; y: string }; Querystring: { filter?: string } }>(
    '/tiles/:layers/:z/:x/:y',
    {
      // Tiles are gzipped once per cached tile in sendTile; @fastify/compress's per-response hook is skipped.
      compress: false,
      schema: {
        tags: ['tiles'],
        summary: 'Mapbox vector tile of one or more layers (comma-separated ids), with an optional filter',
        params: tileParams,
        querystring: { type: 'object', properties: { filter: { type: 'string', description: 'e.g. build_year<2000;status=untreated' } } },
      },
    },
    async (request, reply) => {
      const { layers, z, x, y } = request.params;
      const ym = /^(\d{1,8})\.(mvt|pbf)$/.exec(y);
      if (!ym) throw new TileCoordError(`y must be an integer followed by .mvt, got "${y.slice(0, 20)}"`);
      const num = (name: string, v: string) => {
        if (!/^\d{1,8}$/.test(v)) throw new TileCoordError(`${name} must be a non-negative integer, got "${v.slice(0, 20)}"`);
        return Number(v);
      };
      const tile = await app.tiles.getTile(layers, num('z', z), num('x', x), Number(ym[1]), request.query.filter);
      return sendTile(request, reply, tile, cacheControl);
    },
  );
}

async function sendTile(
  request: FastifyRequest, reply: FastifyReply,
  tile: { data: Buffer; etag: string; cache: string; gzipped(): Promise<Buffer> }, cacheControl: string,
) {
  reply.header('cache-control', cacheControl).header('x-tile-cache', tile.cache);
  if (tile.data.length === 0) return reply.code(204).send();
  reply.header('etag', tile.etag).header('vary', 'Accept-Encoding');
  const inm = request.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim() === tile.etag)) return reply.code(304).send();
  reply.type(MVT_TYPE);
  if (tile.data.length >= 512 && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    // @fastify/compress leaves responses that already carry a Content-Encoding alone.
    return reply.header('content-encoding', 'gzip').send(await tile.gzipped());
  }
  return reply.send(tile.data);
}
