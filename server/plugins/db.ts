/**
 * The database plugin: one pg Pool (statement timeout per connection) and a Kysely instance over it.
 * Decorates `app.pg` and `app.db`; closes both on shutdown.
 */
import fp from 'fastify-plugin';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool;
    db: Kysely<unknown>;
  }
}

// bigint (int8) and numeric as JS numbers: ids and counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export interface DbPluginOptions {
  databaseUrl: string;
  statementTimeoutMs: number;
  maxConnections?: number;
}

export default fp<DbPluginOptions>(
  async (app, opts) => {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.maxConnections ?? 16,
      statement_timeout: opts.statementTimeoutMs,
      application_name: 'citycheck',
    });
    pool.on('error', (err) => app.log.error({ err }, 'idle database connection failed'));
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    app.decorate('pg', pool);
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await db.destroy(); // also ends the pool
    });
  },
  { name: 'db' },
);
