/**
 * The shared walking graph as an app service (`app.walkGraph`): built on first use, kept in memory,
 * rebuilt when the network changes. It LISTENs on `citycheck_change` (see internal.notify_change in
 * sql/migrations/003_layers.sql): a notification whose `table` is walk_edge / walk_vertex, or whose
 * `tables` include one of them (one notification per import run), drops the graph and rebuilds it
 * in the background; callers awaiting `get()` meanwhile receive the new graph.
 *
 * Other tables' changes are passed on to `onChange` listeners (e.g. the life-circle cache).
 */
import fp from 'fastify-plugin';
import pg from 'pg';
import { loadWalkGraph } from '../graph/load-walk-graph.ts';
import type { WalkGraph } from '../graph/walk-graph.ts';

const WALK_TABLES = new Set(['walk_edge', 'walk_vertex']);

export class WalkGraphService {
  private graph: Promise<WalkGraph> | null = null;
  private listeners: ((tables: string[]) => void)[] = [];
  private rebuildTimer: NodeJS.Timeout | null = null;
  /** Increments on every network change; results computed on an older version are stale. */
  version = 0;

  constructor(private readonly build: () => Promise<WalkGraph>, private readonly log: (m: string, err?: unknown) => void) {}

  /** The current graph, building it if needed (concurrent callers share one build). */
  get(): Promise<WalkGraph> {
    if (!this.graph) {
      const t0 = performance.now();
      const p = this.build().then((g) => {
        this.log(`walk graph built: ${g.vertexCount} vertices, ${g.edgeCount} edges in ${Math.round(performance.now() - t0)} ms`);
        return g;
      });
      p.catch(() => {
        if (this.graph === p) this.graph = null; // let the next caller retry
      });
      this.graph = p;
    }
    return this.graph;
  }

  /** Subscribes to table changes (table names without schema). */
  onChange(listener: (tables: string[]) => void) {
    this.listeners.push(listener);
  }

  /** Handles one citycheck_change payload (exposed for tests). */
  notify(tables: string[]) {
    if (tables.some((t) => WALK_TABLES.has(t))) {
      this.graph = null;
      this.version++;
      if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
      this.rebuildTimer = setTimeout(() => {
        this.rebuildTimer = null;
        this.get().catch((err) => this.log('walk graph rebuild failed', err));
      }, 200);
    }
    for (const l of this.listeners) l(tables);
  }

  close() {
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
  }
}

/** Table names named by a citycheck_change payload: `{table}` (row trigger) or `{tables}` (import). */
export function changedTables(payload: string | undefined): string[] {
  if (!payload) return [];
  try {
    const p = JSON.parse(payload) as { table?: unknown; tables?: unknown };
    const out: string[] = [];
    if (typeof p.table === 'string') out.push(p.table);
    if (Array.isArray(p.tables)) for (const t of p.tables) if (typeof t === 'string') out.push(t);
    return out.map((t) => t.replace(/^app\./, ''));
  } catch {
    return [];
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    walkGraph: WalkGraphService;
  }
}

export interface WalkGraphPluginOptions {
  databaseUrl: string;
}

export default fp<WalkGraphPluginOptions>(
  async (app, opts) => {
    const service = new WalkGraphService(
      () => loadWalkGraph(app.db),
      (m, err) => (err ? app.log.error({ err }, m) : app.log.info(m)),
    );
    app.decorate('walkGraph', service);

    // A dedicated connection for LISTEN; a database that is down only delays change tracking.
    let client: pg.Client | null = null;
    let closing = false;
    const listen = async () => {
      if (closing) return;
      const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'citycheck-walk-graph' });
      c.on('notification', (msg) => service.notify(changedTables(msg.payload)));
      c.on('error', (err) => {
        app.log.warn({ err }, 'walk graph change listener lost; reconnecting');
        client = null;
        service.notify(['walk_edge']); // changes may have been missed
        setTimeout(() => void listen(), 2000).unref();
      });
      try {
        await c.connect();
        await c.query('LISTEN citycheck_change');
        if (closing) await c.end();
        else client = c;
      } catch (err) {
        app.log.warn({ err }, 'walk graph change listener could not connect');
        c.end().catch(() => {});
      }
    };
    app.addHook('onReady', async () => {
      await listen();
    });
    app.addHook('onClose', async () => {
      closing = true;
      service.close();
      await client?.end().catch(() => {});
    });
  },
  { name: 'walk-graph', dependencies: ['db'] },
);
