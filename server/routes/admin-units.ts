/** GET /api/admin-units — every admin unit with its level, parent and bbox, for the zoom-to list. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AdminUnitSchema } from '../contract/map.ts';
import { listAdminUnits } from '../repositories/search-repository.ts';

const AdminUnitsResponseSchema = Type.Array(AdminUnitSchema);

export default async function adminUnitRoutes(app: FastifyInstance) {
  app.get('/api/admin-units', { schema: { tags: ['map'], summary: 'Admin units for the zoom-to list', response: { 200: AdminUnitsResponseSchema } } }, async () =>
    listAdminUnits(app.db),
  );
}
