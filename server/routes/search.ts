/**
 * GET /api/search?q=… — find estates, green spaces, facilities and admin units by name, with a bbox
 * (lon/lat) to zoom to. The handler validates, calls the repository and returns.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { DatasetIdSchema } from '../contract/common.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { searchByName } from '../repositories/search-repository.ts';

const SearchQuerySchema = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 100, description: 'Part of a name (Chinese or English)' }),
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
  dataset: Type.Optional(Type.String({ ...DatasetIdSchema, description: 'Only this city (its datasets); absent = every city. The map sends its current city.' })),
});

const BboxSchema = Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[west, south, east, north], lon/lat WGS-84' });

const SearchResponseSchema = Type.Array(
  Type.Object({
    layer: Type.String({ description: 'tile layer / collection id' }),
    id: Type.Integer(),
    name: Type.String(),
    kind: Type.String(),
    bbox: BboxSchema,
  }),
);

export default async function searchRoutes(app: FastifyInstance) {
  const cities = cityRepository(app.db);
  app.get<{ Querystring: Static<typeof SearchQuerySchema> }>(
    '/api/search',
    { schema: { tags: ['map'], summary: 'Search features by name', querystring: SearchQuerySchema, response: { 200: SearchResponseSchema } } },
    async (req) => {
      const datasets = req.query.dataset === undefined ? null : (await cities.resolve(req.query.dataset, { mixedYears: true })).datasets;
      return searchByName(app.db, req.query.q.trim() || req.query.q, req.query.limit, datasets);
    },
  );
}
