/**
 * The database plugin: the general pg Pool (statement timeout per connection) with a Kysely instance
 * over it, and a separate, smaller pool for analysis runs (green coverage, life circle, isochrones,
 * what-ifs, pocket parks, scenarios). Analyses queue on their own connections, so tiles (their own
 * pool, server/plugins/tile-catalog.ts), /api/health and the other API reads stay fast while heavy
 * work waits; a request that waits longer than `analysisQueueTimeoutMs` for a connection fails
 * (503 + Retry-After, server/plugins/error-handler.ts).
 *
 * Decorates `app.pg` / `app.db` and `app.analysisPg` / `app.analysisDb`; closes them on shutdown.
 */
import fp from 'fastify-plugin';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool;
    db: Kysely<unknown>;
    /** The analysis pool (few connections; heavy statements queue here). */
    analysisPg: pg.Pool;
    analysisDb: Kysely<unknown>;
  }
}

// bigint (int8) and numeric as JS numbers: ids and counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export interface DbPluginOptions {
  databaseUrl: string;
  statementTimeoutMs: number;
  maxConnections?: number;
  /** Connections of the analysis pool (default 4; env CITYCHECK_ANALYSIS_CONNECTIONS). */
  analysisConnections?: number;
  /** How long an analysis may wait for a connection before it is answered 503 (ms, default 30000). */
  analysisQueueTimeoutMs?: number;
}

/** A bad CITYCHECK_ANALYSIS_CONNECTIONS value. */
export class DbConfigError extends Error {
  readonly code = 'DB_CONFIG_ERROR';
}

function analysisConnectionsFromEnv(): number {
  const raw = process.env.CITYCHECK_ANALYSIS_CONNECTIONS;
  if (raw === undefined || raw === '') return 4;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new DbConfigError(`CITYCHECK_ANALYSIS_CONNECTIONS must be an integer in 1–64, got "${raw}"`);
  return n;
}

export default fp<DbPluginOptions>(
  async (app, opts) => {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.maxConnections ?? 16,
      statement_timeout: opts.statementTimeoutMs,
      application_name: 'citycheck',
    });
    pool.on('error', (err) => app.log.warn({ err }, 'idle database connection failed'));
    const analysisPool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.analysisConnections ?? analysisConnectionsFromEnv(),
      statement_timeout: opts.statementTimeoutMs,
      connectionTimeoutMillis: opts.analysisQueueTimeoutMs ?? 30_000,
      application_name: 'citycheck-analysis',
    });
    analysisPool.on('error', (err) => app.log.warn({ err }, 'idle analysis connection failed'));
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    const analysisDb = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: analysisPool }) });
    app.decorate('pg', pool);
    app.decorate('db', db);
    app.decorate('analysisPg', analysisPool);
    app.decorate('analysisDb', analysisDb);
    app.addHook('onClose', async () => {
      await Promise.all([db.destroy(), analysisDb.destroy()]); // also end the pools
    });
  },
  { name: 'db' },
);
