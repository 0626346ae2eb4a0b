/**
 * The CityCheck application as a Fastify plugin tree. `server.ts` only listens and shuts down;
 * tests build this app and call `app.inject()`.
 *
 * Order: external plugins (security headers, rate limits, compress, swagger) → services (db, tiles,
 * change feed, walking graph) → error handling → routes → client.
 *
 * Environment read here (each also settable through AppOptions, which wins):
 * | variable                         | default | meaning |
 * |----------------------------------|---------|---------|
 * | CITYCHECK_RATE_LIMIT_MAX         | 60      | expensive requests (analysis runs, what-ifs, isochrones) per client per window; 0 = off |
 * | CITYCHECK_RATE_LIMIT_WINDOW_MS   | 60000   | the window in ms |
 * | CITYCHECK_BODY_LIMIT_BYTES       | 2097152 | largest accepted request body (larger → 413) |
 * | CITYCHECK_ANALYSIS_CONNECTIONS   | 4       | connections of the analysis pool (server/plugins/db.ts) |
 * | DATABASE_READ_URL                | (none)  | read replicas, comma-separated (server/plugins/replica.ts); writes and change notices stay on the primary |
 * | CITYCHECK_TRUST_PROXY            | 0       | 1 behind a TLS-terminating reverse proxy: client address and https from X-Forwarded-* (Secure session cookies, per-client limits) |
 */
import path from 'node:path';
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { REPO_ROOT } from './config.ts';
import dbPlugin from './plugins/db.ts';
import replicaPlugin from './plugins/replica.ts';
import { parseReadUrls } from './db/replica-router.ts';
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
import { finiteNumbersAjvPlugin, markFiniteNumbers } from './contract/geo.ts';
import lifeCircleRoutes from './routes/life-circle.ts';
import facilityTypeRoutes from './routes/facility-types.ts';
import datasetRoutes from './routes/datasets.ts';
import checkRoutes from './routes/check.ts';
import authPlugin, { type AuthPluginOptions } from './plugins/auth.ts';
import authRoutes from './routes/auth.ts';
import userRoutes from './routes/users.ts';
import auditRoutes from './routes/audit.ts';
import exportRoutes from './routes/export.ts';
import renewalRoutes from './routes/renewal.ts';
import diagnosisRoutes from './routes/diagnosis.ts';
import projectRoutes from './routes/projects.ts';
import reportRoutes from './routes/report.ts';
import uploadRoutes, { type UploadRouteOptions } from './routes/uploads.ts';

export interface AppOptions {
  databaseUrl: string;
  /** Read replicas for tiles, features and read-only analysis reads (default: env DATABASE_READ_URL; [] = none). */
  databaseReadUrls?: string[];
  /** How long a failed replica is set aside before it is tried again (ms, default 5000). */
  replicaRetryDownMs?: number;
  statementTimeoutMs?: number;
  /** CPU deadline of in-memory analyses (life circles, isochrones) in ms → 503 + Retry-After; default: the statement timeout. */
  analysisDeadlineMs?: number;
  logLevel?: string;
  /** Built client folder; defaults to client/dist. */
  clientDir?: string;
  /** Tile services (cache size, tile statement timeout, extra sources); see server/plugins/tile-catalog.ts. */
  tiles?: TilePluginOptions & TileRouteOptions;
  /** Per-client limit on expensive endpoints (see {@link isExpensiveRoute}); false = off. */
  rateLimit?: { max: number; timeWindowMs: number } | false;
  /** Largest accepted request body in bytes (larger → 413). */
  bodyLimitBytes?: number;
  /** Connections of the analysis pool and how long an analysis may queue for one (server/plugins/db.ts). */
  analysis?: { connections?: number; queueTimeoutMs?: number };
  /** Reconnect backoff of the change feed (server/plugins/change-listener.ts). */
  changeFeed?: { minRetryMs?: number; maxRetryMs?: number; syncTimeoutMs?: number };
  /** Trust X-Forwarded-For/-Proto from a reverse proxy (request.ip, request.protocol). */
  trustProxy?: boolean;
  /** Sign-in, roles, CSRF (server/plugins/auth.ts). On by default; `{ mode: 'off' }` only for tests written before sign-in. */
  auth?: AuthPluginOptions;
  /** Ledger uploads from the browser: size limit and folder (server/routes/uploads.ts). */
  uploads?: UploadRouteOptions;
}

/** A bad CITYCHECK_RATE_LIMIT_* or CITYCHECK_BODY_LIMIT_BYTES value. */
export class AppConfigError extends Error {
  readonly code = 'APP_CONFIG_ERROR';
}

function envInt(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new AppConfigError(`${name} must be an integer in ${min}–${max}, got "${raw}"`);
  return n;
}

/**
 * The expensive endpoints, limited per client: every analysis POST (runs, what-ifs, pocket parks,
 * scenarios) and the GETs that compute (life-circle report, isochrone). Stored results (GET by run id,
 * CSV, GeoJSON) are cheap reads and not limited.
 */
export function isExpensiveRoute(method: string | string[], url: string): boolean {
  if (!url.startsWith('/api/analysis/')) return false;
  const methods = Array.isArray(method) ? method : [method];
  if (methods.includes('POST')) return true;
  return methods.includes('GET') && (url === '/api/analysis/isochrone' || url === '/api/analysis/life-circle');
}

/**
 * Content Security Policy for the client (client/): scripts, styles and data from this origin only;
 * maplibre-gl runs its workers from blob: URLs and draws data: / blob: images; React and maplibre set
 * inline styles. Nothing may frame the app (clickjacking).
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  childSrc: ["'self'", 'blob:'],
  imgSrc: ["'self'", 'data:', 'blob:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'", 'data:', 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // The app is served over plain HTTP on a LAN as often as behind TLS: never rewrite to https.
  upgradeInsecureRequests: null,
};

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const rateLimitOpts = opts.rateLimit ?? (() => {
    const max = envInt('CITYCHECK_RATE_LIMIT_MAX', 60, 0, 1_000_000);
    return max === 0 ? false : { max, timeWindowMs: envInt('CITYCHECK_RATE_LIMIT_WINDOW_MS', 60_000, 100, 86_400_000) };
  })();
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'info' },
    bodyLimit: opts.bodyLimitBytes ?? envInt('CITYCHECK_BODY_LIMIT_BYTES', 2 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false }, plugins: [finiteNumbersAjvPlugin] },
    // Composite tile paths name up to 32 layers in one segment (/tiles/a,b,…/z/x/y.mvt): above the default 100.
    routerOptions: { maxParamLength: 1000 },
    // Behind a TLS proxy the session cookie is Secure only when the forwarded protocol is believed.
    trustProxy: opts.trustProxy ?? envInt('CITYCHECK_TRUST_PROXY', 0, 0, 1) === 1,
  });
  // Every numeric request field, whichever route declares it, is finite (see markFiniteNumbers).
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (schema) for (const part of ['body', 'querystring', 'params', 'headers']) markFiniteNumbers(schema[part]);
  });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // Tiles, styles and OGC API Features are public map data that other web maps may load.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  if (rateLimitOpts) {
    // Runs before @fastify/rate-limit's own onRoute hook: marks the expensive routes, whichever plugin declares them.
    app.addHook('onRoute', (route) => {
      if (isExpensiveRoute(route.method, route.url)) route.config = { ...route.config, rateLimit: { groupId: 'analysis' } } as typeof route.config;
    });
    await app.register(rateLimit, {
      global: false,
      max: rateLimitOpts.max,
      timeWindow: rateLimitOpts.timeWindowMs,
      errorResponseBuilder: (_req, ctx) => Object.assign(new Error(`Too many analysis requests from this client; retry in ${ctx.after}.`), { statusCode: 429 }),
    });
  } else {
    // Routes that carry their own limit (sign-in, server/routes/auth.ts) keep it when analysis limits are off.
    await app.register(rateLimit, { global: false });
  }
  await app.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 512 });
  await app.register(swagger, {
    openapi: {
      info: { title: 'CityCheck 城检 API', version: '0.1.0', description: 'Urban health check (城市体检) and renewal (城市更新) web GIS' },
    },
  });
  // Swagger UI sets its own CSP on /docs (its scripts and styles), without the https upgrade.
  await app.register(swaggerUi, {
    routePrefix: '/docs', staticCSP: true,
    transformStaticCSP: (h) => h.replace(/\s*upgrade-insecure-requests;?/, '').replace(/frame-ancestors 'self'/, "frame-ancestors 'none'"),
  });
  await app.register(dbPlugin, {
    databaseUrl: opts.databaseUrl, statementTimeoutMs: opts.statementTimeoutMs ?? 8000,
    analysisConnections: opts.analysis?.connections, analysisQueueTimeoutMs: opts.analysis?.queueTimeoutMs,
  });
  // Before any API route: its onRoute hook puts the role check on every route declared after it.
  await app.register(authPlugin, { databaseUrl: opts.databaseUrl, ...opts.auth });
  await app.register(replicaPlugin, {
    databaseUrl: opts.databaseUrl, urls: opts.databaseReadUrls ?? parseReadUrls(process.env.DATABASE_READ_URL),
    statementTimeoutMs: opts.statementTimeoutMs ?? 8000, retryDownMs: opts.replicaRetryDownMs,
  });
  await app.register(tileCatalog, { databaseUrl: opts.databaseUrl, ...opts.tiles });
  // One change feed for every listener; `tiles.listen: false` only keeps it off the tile cache.
  await app.register(changeListener, { databaseUrl: opts.databaseUrl, tiles: opts.tiles?.listen !== false, ...opts.changeFeed });
  await app.register(walkGraph);
  await app.register(errorHandler);

  await app.register(healthRoutes);
  await app.register(tileRoutes, { cacheControl: opts.tiles?.cacheControl });
  await app.register(styleRoutes);
  await app.register(featureRoutes);
  await app.register(searchRoutes);
  await app.register(adminUnitRoutes);
  await app.register(labelRoutes);
  await app.register(lifeCircleRoutes, { deadlineMs: opts.analysisDeadlineMs ?? opts.statementTimeoutMs ?? 8000 });
  await app.register(facilityTypeRoutes);
  await app.register(greenCoverageRoutes);
  await app.register(datasetRoutes);
  await app.register(checkRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(auditRoutes);
  await app.register(exportRoutes);
  await app.register(renewalRoutes);
  await app.register(diagnosisRoutes, { deadlineMs: opts.analysisDeadlineMs ?? opts.statementTimeoutMs ?? 8000 });
  await app.register(projectRoutes, { deadlineMs: opts.analysisDeadlineMs ?? opts.statementTimeoutMs ?? 8000 });
  await app.register(reportRoutes);
  await app.register(uploadRoutes, opts.uploads ?? {});

  await app.register(clientStatic, { clientDir: opts.clientDir ?? path.join(REPO_ROOT, 'client/dist') });
  return app;
}
