/**
 * A read-only Kysely over the read replicas, for repositories' read-only analysis reads: every
 * statement goes through a ReplicaReader (lag fence, fallback when a replica is down; see
 * replica-router.ts), and the primary fallback runs on connections with
 * `default_transaction_read_only = on`, so a write sent here fails on the primary as it would on a
 * replica (25006) instead of landing. Each statement may run on a different connection: transactions
 * are refused (ReplicaReadOnlyError) and belong on `app.db` / `app.analysisDb`.
 */
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import pg from 'pg';
import type { ReplicaReader } from './replica-router.ts';

/** A transaction or session statement sent to the read-only Kysely. */
export class ReplicaReadOnlyError extends Error {
  readonly code = 'REPLICA_READ_ONLY';
}

const SESSION_STATEMENT = /^\s*(begin|start\s+transaction|commit|end|rollback|savepoint|release|set|reset|lock|listen|notify)\b/i;

/** Options of the read-only Kysely. */
export interface ReplicaKyselyOptions {
  reader: ReplicaReader;
  /** The primary, for reads the replicas cannot serve. */
  primaryUrl: string;
  statementTimeoutMs: number;
  /** Connections of the read-only primary fallback pool (default 4). */
  maxConnections?: number;
}

/**
 * Builds the Kysely; destroy it to end its fallback pool (the reader's pools belong to the reader).
 * @example await replicaKysely({ reader, primaryUrl, statementTimeoutMs: 8000 }).selectFrom('app.estate').select('id').execute()
 */
export function replicaKysely(opts: ReplicaKyselyOptions): Kysely<unknown> {
  const primary = new pg.Pool({
    connectionString: opts.primaryUrl,
    max: opts.maxConnections ?? 4,
    statement_timeout: opts.statementTimeoutMs,
    options: '-c default_transaction_read_only=on',
    application_name: 'citycheck-read-fallback',
  });
  primary.on('error', () => {}); // an idle connection dropped by a restarting primary; the next query reconnects
  const client = {
    async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
      if (SESSION_STATEMENT.test(sql)) throw new ReplicaReadOnlyError('The read-replica Kysely runs single read statements; use app.db for transactions');
      const res = await opts.reader.query<R & pg.QueryResultRow>({ text: sql, values: parameters }, (q) =>
        primary.query<R & pg.QueryResultRow>({ text: q.text, values: q.values as unknown[] }));
      return { command: res.command as PostgresQueryResult<R>['command'], rowCount: res.rowCount ?? 0, rows: res.rows };
    },
    release() {},
  } as PostgresPoolClient;
  const pool: PostgresPool = { connect: async () => client, end: () => primary.end() };
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
}
