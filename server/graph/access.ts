/**
 * Walking distance between snapped points through the graph, with partial edges at both ends.
 *
 * A point snapped onto edge e (source u, target v) at fraction f with an access leg of c metres
 * (the straight line from the point to the edge) leaves the network towards
 *   u: c + f·reverse_cost   (walks target→source; only if reverse_cost ≥ 0)
 *   v: c + (1−f)·cost       (walks source→target; only if cost ≥ 0)
 * and arrives from u with c + f·cost, from v with c + (1−f)·reverse_cost. Two points on the same
 * edge may also walk along it directly, in a passable direction. Distances are metres.
 */
import { multiSourceDijkstraSteps, MinHeap, type SearchResult, type Seed } from './dijkstra.ts';
import { runSync, type Steps } from './work-budget.ts';
import type { Snap } from './snap-index.ts';
import type { WalkGraph } from './walk-graph.ts';

/**
 * Tolerance (m) for comparing distances with limits: snapping works in floating point, so a
 * facility exactly 300 m away may come out at 300.0000001 m; 1 mm is far below any map accuracy.
 */
export const EPS_M = 1e-3;

/** Vertex entries for walking away from a snapped point. */
export function leave(g: WalkGraph, s: Snap): { vertex: number; distance: number }[] {
  const out: { vertex: number; distance: number }[] = [];
  const cost = g.edgeCost[s.edge], rev = g.edgeRevCost[s.edge];
  if (rev >= 0) out.push({ vertex: g.edgeSrc[s.edge], distance: s.distanceM + s.fraction * rev });
  if (cost >= 0) out.push({ vertex: g.edgeTgt[s.edge], distance: s.distanceM + (1 - s.fraction) * cost });
  return out;
}

/** Vertex entries for walking to a snapped point. */
export function arrive(g: WalkGraph, s: Snap): { vertex: number; distance: number }[] {
  const out: { vertex: number; distance: number }[] = [];
  const cost = g.edgeCost[s.edge], rev = g.edgeRevCost[s.edge];
  if (cost >= 0) out.push({ vertex: g.edgeSrc[s.edge], distance: s.distanceM + s.fraction * cost });
  if (rev >= 0) out.push({ vertex: g.edgeTgt[s.edge], distance: s.distanceM + (1 - s.fraction) * rev });
  return out;
}

/** Metres from `a` to `b` along their shared edge (access legs included); Infinity if not allowed. */
export function alongEdge(g: WalkGraph, a: Snap, b: Snap): number {
  if (a.edge !== b.edge) return Infinity;
  const e = a.edge;
  if (b.fraction >= a.fraction && g.edgeCost[e] >= 0) return a.distanceM + (b.fraction - a.fraction) * g.edgeCost[e] + b.distanceM;
  if (b.fraction <= a.fraction && g.edgeRevCost[e] >= 0) return a.distanceM + (a.fraction - b.fraction) * g.edgeRevCost[e] + b.distanceM;
  return Infinity;
}

/** A destination (facility) on the network; `label` is the caller's index for it. */
export interface Target {
  snap: Snap;
  label: number;
}

export interface Nearest {
  distanceM: number;
  label: number;
}

/**
 * Distances from any point to the nearest of a set of targets: one multi-source search on the
 * reversed graph, after which each origin is a constant-time read.
 */
export class NearestTargets {
  private readonly byEdge = new Map<number, Target[]>();

  private constructor(
    private readonly g: WalkGraph,
    readonly result: SearchResult,
    readonly cutoffM: number,
    targets: readonly Target[],
  ) {
    for (const t of targets) {
      const list = this.byEdge.get(t.snap.edge);
      if (list) list.push(t);
      else this.byEdge.set(t.snap.edge, [t]);
    }
  }

  /** Searches once from all targets, up to cutoffM metres. Buffers may be reused via `reuse`. */
  static search(g: WalkGraph, targets: readonly Target[], cutoffM: number, reuse?: { result?: SearchResult; heap?: MinHeap }): NearestTargets {
    return runSync(NearestTargets.searchSteps(g, targets, cutoffM, reuse));
  }

  /** The same search, step-wise (run it with a WorkBudget); never share `reuse` between interleaved searches. */
  static *searchSteps(g: WalkGraph, targets: readonly Target[], cutoffM: number, reuse?: { result?: SearchResult; heap?: MinHeap }): Steps<NearestTargets> {
    const seeds: Seed[] = [];
    for (const t of targets) for (const a of arrive(g, t.snap)) seeds.push({ vertex: a.vertex, distance: a.distance, label: t.label });
    const result = yield* multiSourceDijkstraSteps(g.reverse, g.vertexCount, seeds, cutoffM + EPS_M, reuse?.result, reuse?.heap ?? new MinHeap());
    return new NearestTargets(g, result, cutoffM, targets);
  }

  /** Nearest target walking from `origin`, or null when none is within the cut-off. */
  from(origin: Snap): Nearest | null {
    let best = Infinity, label = -1;
    const { dist, label: lab } = this.result;
    for (const l of leave(this.g, origin)) {
      const d = l.distance + dist[l.vertex];
      if (d < best) {
        best = d;
        label = lab[l.vertex];
      }
    }
    for (const t of this.byEdge.get(origin.edge) ?? []) {
      const d = alongEdge(this.g, origin, t.snap);
      if (d < best) {
        best = d;
        label = t.label;
      }
    }
    return best <= this.cutoffM + EPS_M ? { distanceM: best, label } : null;
  }
}
