/**
 * The shared walking graph as an app service (`app.walkGraph`): built on first use, kept in memory,
 * rebuilt when the network changes. It listens through the one change feed (`app.changeFeed`,
 * server/plugins/change-listener.ts): a notice naming walk_edge / walk_vertex (a row trigger, or
 * one notice per import run) drops the graph and rebuilds it in the background; callers awaiting
 * `get()` meanwhile receive the new graph. After the feed reconnects (notices may have been missed)
 * the graph is marked stale and rebuilt lazily on next use. While the database is down the graph in
 * memory keeps answering.
 *
 * Other tables' changes are passed on to `onChange` listeners (e.g. the life-circle cache).
 */
import fp from 'fastify-plugin';
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

  /** Marks the graph stale without rebuilding now: the next `get()` builds it (after a feed reconnect). */
  markStale() {
    this.graph = null;
    this.version++;
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    this.rebuildTimer = null;
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

export default fp(
  async (app) => {
    const service = new WalkGraphService(
      () => loadWalkGraph(app.analysisDb), // a full read of the network: on the analysis pool
      (m, err) => (err ? app.log.error({ err }, m) : app.log.info(m)),
    );
    app.decorate('walkGraph', service);
    const unsubscribe = app.changeFeed.subscribe((e) => (e.everything ? service.markStale() : service.notify(e.change.tables)));
    app.addHook('onClose', async () => {
      unsubscribe();
      service.close();
    });
  },
  { name: 'walk-graph', dependencies: ['db', 'change-listener'] },
);
