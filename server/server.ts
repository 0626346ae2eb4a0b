/**
 * Listens and shuts down gracefully (SIGINT/SIGTERM: stop accepting, finish in-flight requests,
 * close the pool). On start it cleans what interrupted imports left (runs marked failed, staging
 * tables dropped). Everything else is in app.ts.
 */
import type { FastifyInstance } from 'fastify';
import { cleanInterruptedImports } from '../geodata/import-run.ts';
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
  await app.ready();
  await cleanOnStart(app);
  await app.listen({ host: opts.host, port: opts.port });
  return app;
}

/** Marks imports that died while the server was down as failed and drops their staging tables; a database that is down only skips this. */
export async function cleanOnStart(app: FastifyInstance): Promise<void> {
  try {
    const r = await cleanInterruptedImports(app.pg);
    if (r.runsFailed || r.tablesDropped || r.datasetsRemoved) app.log.warn(r, 'cleaned up after interrupted imports');
  } catch (err) {
    app.log.warn({ err }, 'could not clean up interrupted imports (database unreachable?)');
  }
}
