/**
 * Read replicas (`DATABASE_READ_URL`) for tiles, features and read-only analysis reads, correct under
 * replication lag. Writes, LISTEN/NOTIFY and transactions never come here: they stay on the primary.
 *
 * Lag: every change notice (server/plugins/change-listener.ts) raises a *fence*, the primary's
 * `pg_current_wal_lsn()` read when the notice arrives. NOTIFY is delivered after the edit commits,
 * so that LSN is at or past the edit's commit record. A replica serves a read only when its
 * `pg_last_wal_replay_lsn()`, read on the same connection just before the read, is at or past the
 * fence: its snapshot then holds the edit. Otherwise (or while the fence's LSN is still being read)
 * the read goes to the primary. Replay only moves forward, so once a replica was seen past the
 * fence its reads take one round trip again until the next change. A tile read from a replica just
 * before a notice arrives is dropped by the invalidation that notice causes, and one still in flight
 * then is not cached (tile cache epoch, tiles/tile-cache.ts): no cached tile outlives an edit.
 * Not covered: a read in the few milliseconds between an edit's commit and the arrival of its
 * notice may come from a replica that has not replayed it (as on the primary, it is then dropped
 * from the cache by the notice).
 *
 * Down: a replica that refuses or drops connections is set aside for `retryDownMs` with one
 * warning, and its reads go to the primary (no 5xx); a read cancelled by a recovery conflict is
 * retried on the primary. A URL whose server is not in recovery (a primary behind a pooler, a
 * promoted standby) counts as current.
 *
 * No Fastify here: server/plugins/replica.ts wires it.
 */
import pg from 'pg';

/** A text + bound values query, as tiles/sql-compile.ts makes them. */
export interface ReadQuery {
  text: string;
  values?: readonly unknown[];
}

/** Runs a read on the primary (the caller's own pool, with its statement timeout). */
export type PrimaryRead<R extends pg.QueryResultRow> = (q: ReadQuery) => Promise<pg.QueryResult<R>>;

/** Where the logs go (pino's shape). */
export interface ReplicaLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Counters for tests, /api/health and benchmarks. */
export interface ReplicaStats {
  /** Reads served by a replica. */
  replicaReads: number;
  /** Reads sent to the primary because every replica was behind the latest change. */
  lagged: number;
  /** Reads sent to the primary while a change's LSN was being read. */
  fenced: number;
  /** Reads sent to the primary because a replica was down or cancelled the read. */
  fallbacks: number;
  /** Replicas currently set aside as down. */
  down: number;
}

/** A bad DATABASE_READ_URL. */
export class ReplicaConfigError extends Error {
  readonly code = 'REPLICA_CONFIG_ERROR';
}

/** Parses a PostgreSQL LSN ("16/B374D848") into a bigint; null stays null. */
export function parseLsn(lsn: string | null): bigint | null {
  if (lsn === null) return null;
  const m = /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(lsn);
  if (!m) throw new ReplicaConfigError(`not an LSN: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

/**
 * Parses `DATABASE_READ_URL`: one or several comma-separated postgres:// URLs; empty → none.
 * @example parseReadUrls('postgres://r1/citycheck,postgres://r2/citycheck')
 */
export function parseReadUrls(raw: string | undefined): string[] {
  if (!raw || !raw.trim()) return [];
  const urls = raw.split(',').map((u) => u.trim()).filter(Boolean);
  for (const u of urls) {
    if (!/^postgres(ql)?:\/\//.test(u)) throw new ReplicaConfigError(`DATABASE_READ_URL: every URL must start with postgres:// or postgresql://, got "${u.slice(0, 40)}"`);
  }
  return urls;
}

/**
 * The primary's WAL position that replicas must have replayed before they may serve reads again.
 * Shared by every ReplicaReader of the app.
 */
export class ReplicaFence {
  private required = 0n;
  private pending = 0;
  private failed = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  /** @param currentLsn reads `pg_current_wal_lsn()` on the primary. */
  constructor(private readonly currentLsn: () => Promise<bigint>, private readonly log: ReplicaLog, private readonly retryMs = 1000) {}

  /**
   * Call synchronously when a change notice arrives (before any read can start after it): until the
   * primary's LSN is known, every read goes to the primary.
   */
  noteChange(): void {
    if (this.closed) return;
    this.pending++;
    this.currentLsn().then(
      (lsn) => {
        if (lsn > this.required) this.required = lsn;
        this.failed = false;
        this.pending--;
      },
      (err: unknown) => {
        // An unknown fence keeps reads on the primary; try again until the primary answers.
        this.pending--;
        if (!this.failed) this.log.warn({ err: { message: (err as Error).message } }, 'could not read the primary WAL position; reads stay on the primary');
        this.failed = true;
        if (!this.retry && !this.closed) {
          this.retry = setTimeout(() => {
            this.retry = null;
            this.noteChange();
          }, this.retryMs);
          this.retry.unref();
        }
      },
    );
  }

  /** The LSN a replica must have replayed, or null while it is being read (reads go to the primary). */
  requiredLsn(): bigint | null {
    return this.pending > 0 || this.failed ? null : this.required;
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
  }
}

interface Replica {
  url: string;
  /** Redacted for logs. */
  name: string;
  pool: pg.Pool;
  /** Highest replay LSN seen (null: not in recovery, always current). */
  seenLsn: bigint | null;
  downUntil: number;
}

/** Options of one reader (one pool per replica URL). */
export interface ReplicaReaderOptions {
  urls: readonly string[];
  fence: ReplicaFence;
  log: ReplicaLog;
  /** Per-connection statement timeout in ms (match the primary pool the reads would otherwise use). */
  statementTimeoutMs: number;
  /** Connections per replica (default 8). */
  maxConnections?: number;
  applicationName?: string;
  /** How long a replica that failed is set aside (ms, default 5000). */
  retryDownMs?: number;
  /** How long to wait for a replica connection before falling back (ms, default 2000). */
  connectTimeoutMs?: number;
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

/** A connection problem with the replica (not a problem of the query). */
function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (e.code && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08') || e.code.startsWith('57P'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}

/** Cancelled by a conflict with WAL replay (40001 on a hot standby): the primary can answer it. */
const isRecoveryConflict = (err: unknown) =>
  (err as { code?: string }).code === '40001' && /recovery/i.test((err as Error).message ?? '');

const redact = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'replica';
  }
};

/** Routes read-only queries to the replicas (round robin), under the fence, with primary fallback. */
export class ReplicaReader {
  private readonly replicas: Replica[];
  private next = 0;
  private readonly counters = { replicaReads: 0, lagged: 0, fenced: 0, fallbacks: 0 };
  private readonly retryDownMs: number;

  constructor(private readonly opts: ReplicaReaderOptions) {
    this.retryDownMs = opts.retryDownMs ?? 5000;
    this.replicas = opts.urls.map((url) => {
      const pool = new pg.Pool({
        connectionString: url,
        max: opts.maxConnections ?? 8,
        statement_timeout: opts.statementTimeoutMs,
        connectionTimeoutMillis: opts.connectTimeoutMs ?? 2000,
        application_name: opts.applicationName ?? 'citycheck-replica',
      });
      const r: Replica = { url, name: redact(url), pool, seenLsn: 0n, downUntil: 0 };
      // An idle connection dropped by a stopping replica must not crash the process.
      pool.on('error', (err) => this.markDown(r, err));
      return r;
    });
  }

  /** True when at least one replica is configured. */
  get enabled(): boolean {
    return this.replicas.length > 0;
  }

  stats(): ReplicaStats {
    const now = Date.now();
    return { ...this.counters, down: this.replicas.filter((r) => r.downUntil > now).length };
  }

  /**
   * Runs a read-only query on a replica that has replayed every change seen so far, else on the
   * primary through `primary`. Errors of the query itself (bad input, statement timeout) are thrown
   * as they are; a replica's connection problems are not.
   */
  async query<R extends pg.QueryResultRow>(q: ReadQuery, primary: PrimaryRead<R>): Promise<pg.QueryResult<R>> {
    const replica = this.pick();
    if (!replica) {
      if (this.replicas.length) this.counters.fallbacks++;
      return primary(q);
    }
    const required = this.opts.fence.requiredLsn();
    if (required === null) {
      this.counters.fenced++;
      return primary(q);
    }
    const sql = { text: q.text, values: q.values as unknown[] | undefined };
    let client: pg.PoolClient | undefined;
    try {
      if (replica.seenLsn === null || replica.seenLsn >= required) {
        const res = await replica.pool.query<R>(sql);
        this.counters.replicaReads++;
        return res;
      }
      client = await replica.pool.connect();
      const { rows } = await client.query<{ lsn: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS lsn');
      const lsn = parseLsn(rows[0]?.lsn ?? null);
      if (lsn === null || lsn > replica.seenLsn) replica.seenLsn = lsn;
      if (lsn !== null && lsn < required) {
        client.release();
        client = undefined;
        this.counters.lagged++;
        return primary(q);
      }
      const res = await client.query<R>(sql);
      this.counters.replicaReads++;
      return res;
    } catch (err) {
      if (client) {
        client.release(isUnavailable(err) ? (err as Error) : undefined);
        client = undefined;
      }
      if (isUnavailable(err)) this.markDown(replica, err);
      else if (!isRecoveryConflict(err)) throw err;
      this.counters.fallbacks++;
      return primary(q);
    } finally {
      client?.release();
    }
  }

  /** Ends the replica pools. */
  async end(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.pool.end().catch(() => {})));
  }

  private pick(): Replica | undefined {
    const now = Date.now();
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[(this.next + i) % this.replicas.length];
      if (r.downUntil <= now) {
        this.next = (this.next + i + 1) % this.replicas.length;
        return r;
      }
    }
    return undefined;
  }

  private markDown(r: Replica, err: unknown): void {
    const wasUp = r.downUntil <= Date.now();
    r.downUntil = Date.now() + this.retryDownMs;
    // After a restart the replica may hold less than before: read its position again.
    r.seenLsn = 0n;
    if (wasUp) {
      this.opts.log.warn(
        { replica: r.name, err: { code: (err as { code?: string }).code, message: (err as Error).message } },
        `read replica unavailable; reads go to the primary for ${this.retryDownMs} ms`,
      );
    }
  }
}
