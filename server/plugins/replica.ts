/**
 * Read replicas plugin (`DATABASE_READ_URL`, one or several comma-separated URLs): decorates
 * `app.replicas` with the shared lag fence and the readers that tiles (server/plugins/tile-catalog.ts),
 * features and read-only analysis reads go through. Writes, LISTEN/NOTIFY and transactions stay on
 * the primary (`app.pg`, `app.analysisPg`). How lag and a replica that is down are handled:
 * server/db/replica-router.ts.
 *
 * Without replicas the readers send every query to the primary callback they are given (no extra
 * pool, no extra round trip).
 */
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { replicaKysely } from '../db/replica-kysely.ts';
import { ReplicaFence, ReplicaReader, parseLsn, type ReplicaReaderOptions, type ReplicaStats } from '../db/replica-router.ts';

export interface Replicas {
  /** True when DATABASE_READ_URL names at least one replica. */
  readonly enabled: boolean;
  readonly fence: ReplicaFence;
  /** The general reader (features, read-only analysis reads), with the API statement timeout. */
  readonly read: ReplicaReader;
  /**
   * Read-only Kysely for repositories' read-only analysis reads (single statements, no transactions;
   * server/db/replica-kysely.ts). Without replicas it reads the primary on read-only connections.
   */
  readonly readDb: Kysely<unknown>;
  /** A reader with its own pools (e.g. tiles with the tile statement timeout); closed with the app. */
  reader(opts: Pick<ReplicaReaderOptions, 'statementTimeoutMs' | 'maxConnections' | 'applicationName'>): ReplicaReader;
  /** Counters of every reader, summed. */
  stats(): ReplicaStats;
}

declare module 'fastify' {
  interface FastifyInstance {
    replicas: Replicas;
  }
}

export interface ReplicaPluginOptions {
  /** The primary (DATABASE_URL), for the read-only Kysely's fallback. */
  databaseUrl: string;
  /** Replica URLs (empty: none). */
  urls: readonly string[];
  /** Statement timeout of the general reader (ms). */
  statementTimeoutMs: number;
  /** How long a failed replica is set aside (ms, default 5000). */
  retryDownMs?: number;
}

export default fp<ReplicaPluginOptions>(
  async (app, opts) => {
    const log = app.log;
    const fence = new ReplicaFence(async () => {
      const { rows } = await app.pg.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      return parseLsn(rows[0].lsn) ?? 0n;
    }, log);
    const readers: ReplicaReader[] = [];
    const reader: Replicas['reader'] = (o) => {
      const r = new ReplicaReader({ ...o, urls: opts.urls, fence, log, retryDownMs: opts.retryDownMs });
      readers.push(r);
      return r;
    };
    const read = reader({ statementTimeoutMs: opts.statementTimeoutMs, applicationName: 'citycheck-replica' });
    const readDb = replicaKysely({ reader: read, primaryUrl: opts.databaseUrl, statementTimeoutMs: opts.statementTimeoutMs });
    app.decorate('replicas', {
      enabled: opts.urls.length > 0,
      fence,
      read,
      readDb,
      reader,
      stats() {
        const sum: ReplicaStats = { replicaReads: 0, lagged: 0, fenced: 0, fallbacks: 0, down: 0 };
        for (const r of readers) {
          const s = r.stats();
          for (const k of Object.keys(sum) as (keyof ReplicaStats)[]) sum[k] += s[k];
        }
        return sum;
      },
    } satisfies Replicas);
    if (opts.urls.length > 0) {
      // Every change notice (and the "everything" after a feed reconnect) raises the fence at once.
      app.addHook('onReady', async () => {
        app.changeFeed.subscribe(() => fence.noteChange());
      });
      log.info({ replicas: opts.urls.length }, 'tiles and feature reads use read replicas');
    }
    app.addHook('onClose', async () => {
      fence.close();
      await readDb.destroy();
      await Promise.all(readers.map((r) => r.end()));
    });
  },
  { name: 'replica', dependencies: ['db'] },
);
