/**
 * LISTENs on `citycheck_change` with a dedicated pg client and applies each notice to the tile
 * cache and the feature metadata (targeted invalidation). On a lost connection it reconnects with
 * backoff and clears the tile cache, since notices may have been missed meanwhile.
 * Decorates `app.changeFeed` (ready promise + counters, for tests and health).
 */
import fp from 'fastify-plugin';
import pg from 'pg';
import { parseChangeNotice } from '../../tiles/change-notice.ts';

declare module 'fastify' {
  interface FastifyInstance {
    changeFeed: { ready: Promise<void>; received: number };
  }
}

export const CHANGE_CHANNEL = 'citycheck_change';

export default fp<{ databaseUrl: string }>(
  async (app, opts) => {
    let client: pg.Client | null = null;
    let closing = false;
    let retryMs = 250;
    let markReady!: () => void;
    const feed = { ready: new Promise<void>((r) => (markReady = r)), received: 0 };
    app.decorate('changeFeed', feed);

    const connect = async (): Promise<void> => {
      const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'citycheck-change-listener' });
      c.on('notification', (msg) => {
        if (msg.channel !== CHANGE_CHANNEL || !msg.payload) return;
        const change = parseChangeNotice(msg.payload);
        if (!change) return app.log.warn({ payload: msg.payload.slice(0, 200) }, 'unreadable change notice');
        feed.received++;
        const dropped = app.tiles.invalidate(change);
        app.features.invalidate(change);
        app.log.debug({ tables: change.tables, dropped }, 'tile cache invalidated');
      });
      c.on('error', (err) => {
        app.log.warn({ err }, 'change listener connection lost');
        void c.end().catch(() => {});
        if (client === c) client = null;
        if (!closing) scheduleReconnect();
      });
      await c.connect();
      await c.query(`LISTEN ${CHANGE_CHANNEL}`);
      client = c;
      retryMs = 250;
      markReady();
    };

    const scheduleReconnect = () => {
      setTimeout(() => {
        if (closing) return;
        app.tiles.cache?.clear();
        connect().catch((err) => {
          app.log.warn({ err }, 'change listener reconnect failed');
          retryMs = Math.min(retryMs * 2, 10_000);
          scheduleReconnect();
        });
      }, retryMs).unref();
    };

    // A database that is down at boot only delays change tracking: the app still starts, /api/health
    // says the database is unreachable, and the listener keeps trying (the cache is cleared on connect).
    await connect().catch((err) => {
      app.log.warn({ err }, 'change listener could not connect; retrying in the background');
      scheduleReconnect();
    });
    app.addHook('onClose', async () => {
      closing = true;
      await client?.end().catch(() => {});
    });
  },
  { name: 'change-listener', dependencies: ['tile-catalog'] },
);
