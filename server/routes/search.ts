/**
 * GET /api/search?q=… — find estates, green spaces, facilities and admin units by name, with a bbox
 * (lon/lat) to zoom to. The handler validates, calls the repository and returns.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { SearchHitSchema, SearchQuerySchema } from '../contract/map.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { searchByName } from '../repositories/search-repository.ts';

const SearchResponseSchema = Type.Array(SearchHitSchema);

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
