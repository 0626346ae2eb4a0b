/** GET /api/admin-units — every admin unit with its level, parent and bbox, for the zoom-to list. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { listAdminUnits } from '../repositories/search-repository.ts';

const AdminUnitsResponseSchema = Type.Array(
  Type.Object({
    id: Type.Integer(),
    parentId: Type.Union([Type.Integer(), Type.Null()]),
    level: Type.String(),
    name: Type.String(),
    nameEn: Type.Union([Type.String(), Type.Null()]),
    population: Type.Union([Type.Integer(), Type.Null()]),
    bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  }),
);

export default async function adminUnitRoutes(app: FastifyInstance) {
  app.get('/api/admin-units', { schema: { tags: ['map'], summary: 'Admin units for the zoom-to list', response: { 200: AdminUnitsResponseSchema } } }, async () =>
    listAdminUnits(app.db),
  );
}
