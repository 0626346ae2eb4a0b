/**
 * The one change feed: a single dedicated pg connection LISTENs on `citycheck_change` (row triggers
 * of migrations 002/040/061/070 and one notice per import run, geodata/import-run.ts) and hands each
 * parsed notice to its subscribers — the tile cache and feature metadata (wired here) and the
 * walking graph (server/plugins/walk-graph.ts).
 *
 * When the connection is lost (PostgreSQL restarted, network cut) it reconnects with exponential
 * backoff. Notices sent meanwhile are lost, so after every reconnect subscribers receive
 * `{ everything: true }`: the tile cache and feature metadata are dropped and the walking graph is
 * marked stale (rebuilt on next use). While the database is down nothing is dropped, so cached tiles
 * and the in-memory graph keep serving (degraded mode).
 *
 * Decorates `app.changeFeed` (ready promise, state and counters for tests and /api/health, subscribe).
 *
 * Read-your-writes: a write's notice travels through PostgreSQL, so without help the answer to a PATCH
 * could reach the client before the feed dropped the tiles the write touched, and the client's next
 * tile request would get the stale one. `sync()` closes that gap with a barrier: it sends a notice on
 * `citycheck_barrier` after the write committed and waits for it on the LISTEN connection. PostgreSQL
 * delivers notifications in commit order across channels, and subscribers run synchronously per
 * notice, so when the barrier arrives every earlier write has been applied to the caches. An onSend
 * hook does this for every successful write request (POST/PUT/PATCH/DELETE), bounded by
 * `syncTimeoutMs` (after which the answer goes out anyway, with a warning in the log).
 */
import fp from 'fastify-plugin';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { parseChangeNotice, type ChangeNotice } from '../../tiles/change-notice.ts';

export const CHANGE_CHANNEL = 'citycheck_change';
/** Barrier notices of `sync()`; carry a token, never a change. */
export const BARRIER_CHANNEL = 'citycheck_barrier';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A change: the notice, or `everything` after a reconnect (notices may have been missed). */
export type FeedEvent = { everything: false; change: ChangeNotice } | { everything: true };

export interface ChangeFeed {
  /** Resolves once the first LISTEN succeeded (never rejects; stays pending while the database is down). */
  ready: Promise<void>;
  /** True while the LISTEN connection is up. */
  readonly connected: boolean;
  /** Notices received. */
  readonly received: number;
  /** Successful reconnects after a lost or failed connection. */
  readonly reconnects: number;
  /** Calls `listener` for every change; returns the unsubscribe function. */
  subscribe(listener: (e: FeedEvent) => void): () => void;
  /**
   * Resolves once every change committed before the call has reached the subscribers: true when the
   * barrier came back, false when the feed is down or `timeoutMs` passed first.
   */
  sync(timeoutMs?: number): Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyInstance {
    changeFeed: ChangeFeed;
  }
}

export interface ChangeListenerOptions {
  databaseUrl: string;
  /** Apply notices to the tile cache and feature metadata (default true; false for tile tests that need a still cache). */
  tiles?: boolean;
  /** First reconnect delay in ms (default 250), doubled per failure up to `maxRetryMs` (default 5000). */
  minRetryMs?: number;
  maxRetryMs?: number;
  /** How long a write's answer waits for its own change notice at most (default 2000 ms; 0 = no waiting). */
  syncTimeoutMs?: number;
}

export default fp<ChangeListenerOptions>(
  async (app, opts) => {
    const minRetry = opts.minRetryMs ?? 250;
    const maxRetry = opts.maxRetryMs ?? 5000;
    const listeners = new Set<(e: FeedEvent) => void>();
    let client: pg.Client | null = null;
    let closing = false;
    let retryMs = minRetry;
    let timer: NodeJS.Timeout | null = null;
    let everConnected = false;
    let lostSinceConnect = false;
    let received = 0;
    let reconnects = 0;
    const barriers = new Map<string, () => void>();
    const syncTimeout = opts.syncTimeoutMs ?? 2000;
    let markReady!: () => void;
    const ready = new Promise<void>((r) => (markReady = r));

    const emit = (e: FeedEvent) => {
      for (const l of listeners) {
        try {
          l(e);
        } catch (err) {
          app.log.error({ err }, 'change feed subscriber failed');
        }
      }
    };
    const feed: ChangeFeed = {
      ready,
      get connected() {
        return client !== null;
      },
      get received() {
        return received;
      },
      get reconnects() {
        return reconnects;
      },
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      async sync(timeoutMs = syncTimeout) {
        const c = client;
        if (!c || timeoutMs <= 0) return false;
        const token = randomUUID();
        let timer: NodeJS.Timeout | undefined;
        const arrived = new Promise<boolean>((resolve) => {
          barriers.set(token, () => resolve(true));
          timer = setTimeout(() => resolve(false), timeoutMs);
        });
        try {
          // Sent on the LISTEN connection itself: its own notifications are delivered to it too, after
          // every transaction that committed before this one.
          await c.query('SELECT pg_notify($1, $2)', [BARRIER_CHANNEL, token]);
          return await arrived;
        } catch {
          return false;
        } finally {
          clearTimeout(timer);
          barriers.delete(token);
        }
      },
    };
    app.decorate('changeFeed', feed);

    if (opts.tiles !== false) {
      const allTables = [...new Set(app.tileCatalog.sources.flatMap((s) => s.def.tables))];
      feed.subscribe((e) => {
        const change: ChangeNotice = e.everything ? { tables: allTables, boxes: null } : e.change;
        const dropped = app.tiles.invalidate(change);
        app.features.invalidate(change);
        app.log.debug({ tables: change.tables, dropped }, 'tile cache invalidated');
      });
    }

    const lost = (c: pg.Client, err?: Error) => {
      if (client !== c) return; // already handled ('error' and 'end' both fire)
      client = null;
      lostSinceConnect = true;
      app.log.warn({ err }, 'change feed connection lost; reconnecting');
      void c.end().catch(() => {});
      scheduleReconnect();
    };

    const connect = async (): Promise<void> => {
      const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'citycheck-change-feed', keepAlive: true });
      c.on('notification', (msg) => {
        if (msg.channel === BARRIER_CHANNEL) return barriers.get(msg.payload ?? '')?.();
        if (msg.channel !== CHANGE_CHANNEL || !msg.payload) return;
        const change = parseChangeNotice(msg.payload);
        if (!change) return app.log.warn({ payload: msg.payload.slice(0, 200) }, 'unreadable change notice');
        received++;
        emit({ everything: false, change });
      });
      c.on('error', (err) => lost(c, err));
      c.on('end', () => lost(c));
      try {
        await c.connect();
        await c.query(`LISTEN ${CHANGE_CHANNEL}; LISTEN ${BARRIER_CHANNEL}`);
      } catch (err) {
        c.removeAllListeners('end');
        c.removeAllListeners('error');
        c.on('error', () => {});
        void c.end().catch(() => {});
        throw err;
      }
      if (closing) {
        await c.end().catch(() => {});
        return;
      }
      client = c;
      retryMs = minRetry;
      if (everConnected || lostSinceConnect) {
        reconnects++;
        app.log.info('change feed reconnected: dropping caches, walking graph marked stale');
        emit({ everything: true });
      }
      everConnected = true;
      lostSinceConnect = false;
      markReady();
    };

    const scheduleReconnect = () => {
      if (closing || timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (closing) return;
        connect().catch((err) => {
          app.log.warn({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'change feed reconnect failed');
          retryMs = Math.min(retryMs * 2, maxRetry);
          scheduleReconnect();
        });
      }, retryMs);
      timer.unref();
    };

    // A database that is down at boot only delays change tracking: the app still starts, /api/health
    // says the database is unreachable, and the feed keeps trying (subscribers drop everything on connect).
    await connect().catch((err) => {
      lostSinceConnect = true;
      app.log.warn({ err }, 'change feed could not connect; retrying in the background');
      scheduleReconnect();
    });
    // Read-your-writes for every successful write request (see the header).
    app.addHook('onSend', async (req, reply, payload) => {
      if (WRITE_METHODS.has(req.method) && reply.statusCode < 400 && client) {
        if (!(await feed.sync())) app.log.warn({ url: req.url }, 'change feed barrier did not return in time; the answer may precede its cache invalidation');
      }
      return payload;
    });
    app.addHook('onClose', async () => {
      closing = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    });
  },
  { name: 'change-listener', dependencies: ['tile-catalog'] },
);
