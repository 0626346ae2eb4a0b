/**
 * Nearest facility of each type for every estate: all estates and facilities snapped once, then
 * one multi-source search per facility type on the reversed walking graph (sources = that type's
 * facilities), read at each estate's snapped access point. Per-type columns are computed on first
 * use and kept; the table is immutable for one graph + data version.
 */
import { NearestTargets, type Target } from '../../graph/access.ts';
import { MinHeap, type SearchResult } from '../../graph/dijkstra.ts';
import type { Snap } from '../../graph/snap-index.ts';
import type { WalkGraph } from '../../graph/walk-graph.ts';
import { runSync, type Steps, type WorkBudget } from '../../graph/work-budget.ts';
import type { EstateRow, FacilityRow } from '../../repositories/life-circle-repository.ts';

/**
 * Why an estate has no distance for a type. `isolated_network`: none within the cut-off, but the
 * estate snapped to a small piece of the walking network (see life-circle-report.ts), so the
 * missing facility may be a gap in the network data rather than in the city.
 */
export type NoneReason = 'none_within' | 'no_facility' | 'off_network' | 'isolated_network';

export interface TypeAccess {
  type: string;
  /** Metres per estate (same order as `estates`); NaN where there is none within the cut-off. */
  distanceM: Float64Array;
  /** app.facility id of the nearest facility; -1 where none. */
  facilityId: Float64Array;
  reason: (NoneReason | null)[];
  /** Facilities of the type that snapped to the network, and those that did not. */
  facilitiesOnNetwork: number;
  facilitiesOffNetwork: number;
}

export class AccessTable {
  readonly estateSnaps: (Snap | null)[];
  private readonly facilitiesByType = new Map<string, { row: FacilityRow; snap: Snap | null }[]>();
  private readonly columns = new Map<string, TypeAccess>();
  private readonly buffers: { result?: SearchResult; heap: MinHeap } = { heap: new MinHeap() };
  /** Multi-source searches run so far, and their total time (ms). */
  searches = 0;
  searchMs = 0;

  /** Vertex count of the network component each estate snapped to (0 when off the network). */
  readonly estateComponentVertices: Int32Array;

  constructor(
    readonly graph: WalkGraph,
    readonly estates: EstateRow[],
    facilities: FacilityRow[],
    readonly cutoffM: number,
    snaps: { estates: (Snap | null)[]; facilities: (Snap | null)[] } = runSync(AccessTable.snapSteps(graph, estates, facilities)),
  ) {
    this.estateSnaps = snaps.estates;
    this.estateComponentVertices = Int32Array.from(snaps.estates, (s) => (s ? graph.componentVertices(s) : 0));
    facilities.forEach((f, k) => {
      const list = this.facilitiesByType.get(f.type) ?? [];
      list.push({ row: f, snap: snaps.facilities[k] });
      this.facilitiesByType.set(f.type, list);
    });
  }

  /** Builds the table with the snapping done in slices (see WorkBudget); the same table as the constructor's. */
  static async build(graph: WalkGraph, estates: EstateRow[], facilities: FacilityRow[], cutoffM: number, budget: WorkBudget): Promise<AccessTable> {
    const snaps = await budget.run(AccessTable.snapSteps(graph, estates, facilities));
    return new AccessTable(graph, estates, facilities, cutoffM, snaps);
  }

  private static *snapSteps(graph: WalkGraph, estates: EstateRow[], facilities: FacilityRow[]): Steps<{ estates: (Snap | null)[]; facilities: (Snap | null)[] }> {
    const snapAll = function* (points: { lon: number; lat: number }[]): Steps<(Snap | null)[]> {
      const out: (Snap | null)[] = new Array(points.length);
      for (let i = 0; i < points.length; i++) {
        if ((i & 511) === 511) yield;
        out[i] = graph.snap(points[i].lon, points[i].lat);
      }
      return out;
    };
    return { estates: yield* snapAll(estates), facilities: yield* snapAll(facilities) };
  }

  /** Snapped facilities of a type (for isochrone counts and what-if). */
  facilities(type: string): { row: FacilityRow; snap: Snap | null }[] {
    return this.facilitiesByType.get(type) ?? [];
  }

  facilityTypes(): string[] {
    return [...this.facilitiesByType.keys()];
  }

  /** Nearest-facility column for one type (one search, cached). */
  forType(type: string): TypeAccess {
    const hit = this.columns.get(type);
    if (hit) return hit;
    const col = runSync(this.columnSteps(type, this.buffers));
    this.columns.set(type, col);
    return col;
  }

  /**
   * Computes the columns of `types` not computed yet, in slices under `budget` (deadline → 503).
   * Afterwards `forType` answers them from the cache. Concurrent requests may compute the same
   * column twice; each search has its own buffers, so they never interfere.
   */
  async prepare(types: readonly string[], budget: WorkBudget): Promise<void> {
    for (const type of types) {
      if (this.columns.has(type)) continue;
      const col = await budget.run(this.columnSteps(type));
      this.columns.set(type, col);
    }
  }

  private *columnSteps(type: string, reuse?: { result?: SearchResult; heap: MinHeap }): Steps<TypeAccess> {
    const all = this.facilities(type);
    const targets: Target[] = [];
    all.forEach((f, label) => f.snap && targets.push({ snap: f.snap, label }));
    const n = this.estates.length;
    const col: TypeAccess = {
      type,
      distanceM: new Float64Array(n).fill(NaN),
      facilityId: new Float64Array(n).fill(-1),
      reason: new Array(n).fill(null),
      facilitiesOnNetwork: targets.length,
      facilitiesOffNetwork: all.length - targets.length,
    };
    let near: NearestTargets | null = null;
    if (targets.length) {
      const t0 = performance.now();
      near = yield* NearestTargets.searchSteps(this.graph, targets, this.cutoffM, reuse);
      if (reuse) reuse.result = near.result;
      this.searches++;
      this.searchMs += performance.now() - t0;
    }
    for (let i = 0; i < n; i++) {
      if ((i & 4095) === 4095) yield;
      const s = this.estateSnaps[i];
      if (!s) col.reason[i] = 'off_network';
      else if (!near) col.reason[i] = 'no_facility';
      else {
        const hitI = near.from(s);
        if (!hitI) col.reason[i] = 'none_within';
        else {
          col.distanceM[i] = hitI.distanceM;
          col.facilityId[i] = all[hitI.label].row.id;
        }
      }
    }
    return col;
  }
}
