/** GET /api/labels — code labels (zh/en), facility types and datasets for legends and the feature panel. */
import type { FastifyInstance } from 'fastify';
import { LabelsSchema } from '../contract/map.ts';
import { readLabels } from '../repositories/search-repository.ts';

export default async function labelRoutes(app: FastifyInstance) {
  app.get('/api/labels', { schema: { tags: ['map'], summary: 'Code labels, facility types and datasets (zh/en)', response: { 200: LabelsSchema } } }, async (_req, reply) => {
    reply.header('cache-control', 'no-cache');
    return readLabels(app.db);
  });
}
