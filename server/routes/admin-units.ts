/**
 * GET /api/admin-units — admin units with their city, level, parent and bbox, for the zoom-to list.
 * `dataset` names the city (its OSM extract and its ledgers); an unknown one is a 400 naming the
 * choices. Without it every city's units come back, each naming its city, so a client never has to
 * guess a unit's city from where it lies.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { AdminUnitSchema, AdminUnitsQuerySchema } from '../contract/map.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { listAdminUnits } from '../repositories/search-repository.ts';

const AdminUnitsResponseSchema = Type.Array(AdminUnitSchema);

export default async function adminUnitRoutes(app: FastifyInstance) {
  const cities = cityRepository(app.db);
  app.get<{ Querystring: Static<typeof AdminUnitsQuerySchema> }>('/api/admin-units', {
    schema: { tags: ['map'], summary: 'Admin units (区/街道/社区) of one city, or of every city, for the zoom-to list', querystring: AdminUnitsQuerySchema, response: { 200: AdminUnitsResponseSchema } },
  }, async (req) => {
    const { dataset } = req.query;
    if (dataset === undefined) return listAdminUnits(app.db);
    const city = await cities.resolve(dataset, { mixedYears: true });
    return listAdminUnits(app.db, city.datasets);
  });
}
