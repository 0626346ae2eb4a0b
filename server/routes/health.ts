import type { FastifyInstance } from 'fastify';
import { readHealthFacts } from '../repositories/health-repository.ts';
import { DB_DOWN_RETRY_AFTER_S } from '../plugins/error-handler.ts';

/**
 * GET /api/health — database reachable, PostGIS version, data loaded, change feed state.
 * 503 + Retry-After when the database is down; the body never names the database's address
 * (the driver's error, which does, is only logged).
 */
export default async function healthRoutes(app: FastifyInstance) {
  // Open even in an intranet deployment (server/plugins/auth.ts): load balancers and monitors probe it.
  app.get('/api/health', { config: { auth: 'public' }, schema: { tags: ['meta'], summary: 'Service and database health' } }, async (_req, reply) => {
    const changeFeed = { connected: app.changeFeed.connected, reconnects: app.changeFeed.reconnects };
    try {
      const facts = await readHealthFacts(app.db);
      const loaded = Object.values(facts.counts).some((n) => n > 0);
      return { status: 'ok', database: 'reachable', dataLoaded: loaded, changeFeed, ...facts };
    } catch (err) {
      app.log.warn({ err }, 'health check: database unreachable');
      return reply.status(503).header('retry-after', String(DB_DOWN_RETRY_AFTER_S)).send({
        status: 'error', database: 'unreachable', changeFeed,
        message: 'The database is not reachable; cached tiles are still served. Try again shortly.',
      });
    }
  });
}
