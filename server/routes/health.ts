import type { FastifyInstance } from 'fastify';
import { readHealthFacts } from '../repositories/health-repository.ts';

/** GET /api/health — database reachable, PostGIS version, data loaded. 503 when the database is down. */
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/api/health', { schema: { tags: ['meta'], summary: 'Service and database health' } }, async (_req, reply) => {
    try {
      const facts = await readHealthFacts(app.db);
      const loaded = Object.values(facts.counts).some((n) => n > 0);
      return { status: 'ok', database: 'reachable', dataLoaded: loaded, ...facts };
    } catch (err) {
      app.log.warn({ err }, 'health check: database unreachable');
      return reply.status(503).header('retry-after', '5').send({ status: 'error', database: 'unreachable', message: (err as Error).message });
    }
  });
}
