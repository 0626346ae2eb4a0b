/**
 * The CityCheck application as a Fastify plugin tree. `server.ts` only listens and shuts down;
 * tests build this app and call `app.inject()`.
 *
 * Order: external plugins (compress, swagger) → services (db) → error handling → routes → client.
 */
import path from 'node:path';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { REPO_ROOT } from './config.ts';
import dbPlugin from './plugins/db.ts';
import errorHandler from './plugins/error-handler.ts';
import clientStatic from './routes/client-static.ts';
import greenCoverageRoutes from './routes/green-coverage.ts';
import healthRoutes from './routes/health.ts';
import changeListener from './plugins/change-listener.ts';
import tileCatalog, { type TilePluginOptions } from './plugins/tile-catalog.ts';
import featureRoutes from './routes/features.ts';
import styleRoutes from './routes/styles.ts';
import tileRoutes, { type TileRouteOptions } from './routes/tiles.ts';
import searchRoutes from './routes/search.ts';
import adminUnitRoutes from './routes/admin-units.ts';
import labelRoutes from './routes/labels.ts';
import walkGraph from './plugins/walk-graph.ts';
import { finiteNumbersAjvPlugin } from './contract/geo.ts';
import lifeCircleRoutes from './routes/life-circle.ts';
import facilityTypeRoutes from './routes/facility-types.ts';

export interface AppOptions {
  databaseUrl: string;
  statementTimeoutMs?: number;
  logLevel?: string;
  /** Built client folder; defaults to client/dist. */
  clientDir?: string;
  /** Tile services (cache size, tile statement timeout, extra sources); see server/plugins/tile-catalog.ts. */
  tiles?: TilePluginOptions & TileRouteOptions;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'info' },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false }, plugins: [finiteNumbersAjvPlugin] },
    // Composite tile paths name up to 16 layers in one segment (/tiles/a,b,…/z/x/y.mvt): above the default 100.
    routerOptions: { maxParamLength: 400 },
  });
  await app.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 512 });
  await app.register(swagger, {
    openapi: {
      info: { title: 'CityCheck 城检 API', version: '0.1.0', description: 'Urban health check (城市体检) and renewal (城市更新) web GIS' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(dbPlugin, { databaseUrl: opts.databaseUrl, statementTimeoutMs: opts.statementTimeoutMs ?? 8000 });
  await app.register(tileCatalog, { databaseUrl: opts.databaseUrl, ...opts.tiles });
  if (opts.tiles?.listen !== false) await app.register(changeListener, { databaseUrl: opts.databaseUrl });
  await app.register(walkGraph, { databaseUrl: opts.databaseUrl });
  await app.register(errorHandler);

  await app.register(healthRoutes);
  await app.register(tileRoutes, { cacheControl: opts.tiles?.cacheControl });
  await app.register(styleRoutes);
  await app.register(featureRoutes);
  await app.register(searchRoutes);
  await app.register(adminUnitRoutes);
  await app.register(labelRoutes);
  await app.register(lifeCircleRoutes);
  await app.register(facilityTypeRoutes);
  await app.register(greenCoverageRoutes);

  await app.register(clientStatic, { clientDir: opts.clientDir ?? path.join(REPO_ROOT, 'client/dist') });
  return app;
}
