/**
 * THE shared walking graph: app.walk_vertex / app.walk_edge held in compact typed arrays with
 * compressed-sparse-row (CSR) adjacency in both directions, so that a search never touches the
 * database. Built once per process by server/plugins/walk-graph.ts and rebuilt when the network
 * changes; analyses (life circles, green coverage, isochrones) share one instance, read-only.
 *
 * Conventions (same as pgRouting on the same tables): costs are metres; `cost` applies
 * source→target, `reverse_cost` target→source; a negative value means impassable that way
 * (a one-way barrier). An edge passable in neither direction is kept but never used.
 */
import { SnapIndex, type Snap, type SnapOptions } from './snap-index.ts';

/** Column arrays of the network, as read from the database or built by hand (tests, synthetic). */
export interface WalkGraphInput {
  /** Database ids of the vertices. */
  vertexIds: ArrayLike<number>;
  /** Vertex coordinates, lon/lat WGS-84. */
  vertexLon: ArrayLike<number>;
  vertexLat: ArrayLike<number>;
  edgeIds: ArrayLike<number>;
  /** Database ids of each edge's source and target vertex. */
  edgeSource: ArrayLike<number>;
  edgeTarget: ArrayLike<number>;
  edgeLength: ArrayLike<number>;
  edgeCost: ArrayLike<number>;
  edgeReverseCost: ArrayLike<number>;
  /**
   * Edge geometries, lon/lat pairs flattened; edge i spans coords[2*coordStart[i] .. 2*coordStart[i+1]).
   * When absent, each edge is the straight segment between its vertices.
   */
  coords?: Float64Array;
  coordStart?: Uint32Array;
  /** app.dataset id of each vertex (the city's network it belongs to); absent for hand-built graphs. */
  vertexDataset?: ArrayLike<string>;
}

/** One direction of adjacency: arcs of vertex v are offset[v] .. offset[v+1]. */
export interface Csr {
  offset: Uint32Array;
  head: Int32Array;
  weight: Float64Array;
  edge: Int32Array;
}

export class WalkGraphError extends Error {
  constructor(readonly code: 'DANGLING_EDGE' | 'BAD_INPUT', message: string) {
    super(message);
  }
}

export interface WalkGraphOptions extends SnapOptions {
  /** Components with fewer vertices than this are not snapped to (unless the largest). Default 10: drops courtyard and building-outline fragments, keeps a small village. */
  minComponentVertices?: number;
}

export class WalkGraph {
  readonly vertexCount: number;
  readonly edgeCount: number;
  readonly vertexId: Float64Array;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly edgeId: Float64Array;
  readonly edgeSrc: Int32Array;
  readonly edgeTgt: Int32Array;
  readonly edgeLength: Float64Array;
  readonly edgeCost: Float64Array;
  readonly edgeRevCost: Float64Array;
  readonly coords: Float64Array;
  readonly coordStart: Uint32Array;
  /** Arcs in walking direction (search from a point outwards). */
  readonly forward: Csr;
  /** Arcs reversed (search from destinations back to everyone who can walk to them). */
  readonly reverse: Csr;
  /** Weakly connected component of each vertex, and the vertex count of each component. */
  readonly component: Int32Array;
  readonly componentSize: number[];
  readonly snapIndex: SnapIndex;
  readonly builtAt = new Date();
  private readonly indexOfId: Map<number, number>;
  /** Vertices per app.dataset id (empty when the input named none). */
  private readonly datasetVertices = new Map<string, number>();

  private constructor(input: WalkGraphInput, opts: WalkGraphOptions) {
    const V = input.vertexIds.length;
    const E = input.edgeIds.length;
    this.vertexCount = V;
    this.edgeCount = E;
    this.vertexId = Float64Array.from(input.vertexIds);
    this.lon = Float64Array.from(input.vertexLon);
    this.lat = Float64Array.from(input.vertexLat);
    this.indexOfId = new Map();
    for (let i = 0; i < V; i++) this.indexOfId.set(this.vertexId[i], i);

    if (input.vertexDataset) {
      for (let i = 0; i < V; i++) this.datasetVertices.set(input.vertexDataset[i], (this.datasetVertices.get(input.vertexDataset[i]) ?? 0) + 1);
    }

    this.edgeId = Float64Array.from(input.edgeIds);
    this.edgeSrc = new Int32Array(E);
    this.edgeTgt = new Int32Array(E);
    for (let e = 0; e < E; e++) {
      const s = this.indexOfId.get(input.edgeSource[e]);
      const t = this.indexOfId.get(input.edgeTarget[e]);
      if (s === undefined || t === undefined) {
        throw new WalkGraphError('DANGLING_EDGE', `walk edge ${input.edgeIds[e]} refers to a missing vertex`);
      }
      this.edgeSrc[e] = s;
      this.edgeTgt[e] = t;
    }
    this.edgeLength = Float64Array.from(input.edgeLength);
    this.edgeCost = Float64Array.from(input.edgeCost);
    this.edgeRevCost = Float64Array.from(input.edgeReverseCost);
    if (input.coords && input.coordStart) {
      if (input.coordStart.length !== E + 1) throw new WalkGraphError('BAD_INPUT', 'coordStart must have one entry per edge plus one');
      this.coords = input.coords;
      this.coordStart = input.coordStart;
    } else {
      this.coords = new Float64Array(4 * E);
      this.coordStart = new Uint32Array(E + 1);
      for (let e = 0; e < E; e++) {
        const s = this.edgeSrc[e];
        const t = this.edgeTgt[e];
        this.coords.set([this.lon[s], this.lat[s], this.lon[t], this.lat[t]], 4 * e);
        this.coordStart[e + 1] = 2 * (e + 1);
      }
    }
    this.forward = this.buildCsr(false);
    this.reverse = this.buildCsr(true);
    const { component, sizes } = this.components();
    this.component = component;
    this.componentSize = sizes;

    const minSize = opts.minComponentVertices ?? 10;
    const largest = sizes.reduce((m, s) => Math.max(m, s), 0);
    const eligible = (e: number) =>
      (this.edgeCost[e] >= 0 || this.edgeRevCost[e] >= 0) &&
      (sizes[component[this.edgeSrc[e]]] >= Math.min(minSize, largest));
    this.snapIndex = new SnapIndex(this, eligible, opts);
  }

  /** Builds the graph from column arrays. Throws WalkGraphError on edges with unknown vertices. */
  static fromArrays(input: WalkGraphInput, opts: WalkGraphOptions = {}): WalkGraph {
    return new WalkGraph(input, opts);
  }

  /** Index of a database vertex id, or undefined. */
  vertexIndex(id: number): number | undefined {
    return this.indexOfId.get(id);
  }

  /**
   * Snaps a lon/lat point to the nearest usable edge (passable at least one way, in a component
   * of at least minComponentVertices vertices). Null when none lies within the snap radius.
   */
  snap(lon: number, lat: number): Snap | null {
    return this.snapIndex.nearest(lon, lat);
  }

  /** Vertex count of the weakly connected component a snapped point lies on. */
  componentVertices(s: Snap): number {
    return this.componentSize[this.component[this.edgeSrc[s.edge]]];
  }

  /**
   * Vertices of the networks of some datasets (a city's datasets), or of the whole graph when
   * `datasets` is null or the graph does not know its vertices' datasets (hand-built graphs).
   */
  networkVertices(datasets: readonly string[] | null): number {
    if (datasets === null || this.datasetVertices.size === 0) return this.vertexCount;
    let n = 0;
    for (const d of datasets) n += this.datasetVertices.get(d) ?? 0;
    return n;
  }

  private buildCsr(reversed: boolean): Csr {
    const V = this.vertexCount;
    const E = this.edgeCount;
    const deg = new Uint32Array(V + 1);
    for (let e = 0; e < E; e++) {
      // forward arc s→t exists when cost ≥ 0; t→s when reverse_cost ≥ 0
      if (this.edgeCost[e] >= 0) deg[reversed ? this.edgeTgt[e] : this.edgeSrc[e]]++;
      if (this.edgeRevCost[e] >= 0) deg[reversed ? this.edgeSrc[e] : this.edgeTgt[e]]++;
    }
    const offset = new Uint32Array(V + 1);
    for (let v = 0; v < V; v++) offset[v + 1] = offset[v] + deg[v];
    const n = offset[V];
    const head = new Int32Array(n);
    const weight = new Float64Array(n);
    const edge = new Int32Array(n);
    const fill = offset.slice(0, V);
    const put = (from: number, to: number, w: number, e: number) => {
      const k = fill[from]++;
      head[k] = to;
      weight[k] = w;
      edge[k] = e;
    };
    for (let e = 0; e < E; e++) {
      const s = this.edgeSrc[e];
      const t = this.edgeTgt[e];
      if (this.edgeCost[e] >= 0) (reversed ? put(t, s, this.edgeCost[e], e) : put(s, t, this.edgeCost[e], e));
      if (this.edgeRevCost[e] >= 0) (reversed ? put(s, t, this.edgeRevCost[e], e) : put(t, s, this.edgeRevCost[e], e));
    }
    return { offset, head, weight, edge };
  }

  /** Weakly connected components over passable edges (union–find). */
  private components(): { component: Int32Array; sizes: number[] } {
    const parent = new Int32Array(this.vertexCount);
    for (let i = 0; i < parent.length; i++) parent[i] = i;
    const find = (x: number): number => {
      while (parent[x] !== x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
      }
      return x;
    };
    for (let e = 0; e < this.edgeCount; e++) {
      if (this.edgeCost[e] < 0 && this.edgeRevCost[e] < 0) continue;
      const a = find(this.edgeSrc[e]);
      const b = find(this.edgeTgt[e]);
      if (a !== b) parent[a] = b;
    }
    const label = new Map<number, number>();
    const component = new Int32Array(this.vertexCount);
    const sizes: number[] = [];
    for (let v = 0; v < this.vertexCount; v++) {
      const r = find(v);
      let c = label.get(r);
      if (c === undefined) {
        c = sizes.length;
        label.set(r, c);
        sizes.push(0);
      }
      component[v] = c;
      sizes[c]++;
    }
    return { component, sizes };
  }

  /** Counts for logs and API responses. */
  stats() {
    return {
      vertices: this.vertexCount,
      edges: this.edgeCount,
      components: this.componentSize.length,
      largestComponent: this.componentSize.reduce((m, s) => Math.max(m, s), 0),
      builtAt: this.builtAt.toISOString(),
    };
  }
}

export type { Snap };
