/**
 * Listens and shuts down gracefully (SIGINT/SIGTERM: stop accepting, finish in-flight requests,
 * close the pool). Everything else is in app.ts.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.ts';

export async function startServer(opts: AppOptions & { host: string; port: number }): Promise<FastifyInstance> {
  const app = await buildApp(opts);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ host: opts.host, port: opts.port });
  return app;
}
