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
import type { EstateRow, FacilityRow } from '../../repositories/life-circle-repository.ts';

/** Why an estate has no distance for a type. */
export type NoneReason = 'none_within' | 'no_facility' | 'off_network';

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

  constructor(
    readonly graph: WalkGraph,
    readonly estates: EstateRow[],
    facilities: FacilityRow[],
    readonly cutoffM: number,
  ) {
    this.estateSnaps = estates.map((e) => graph.snap(e.lon, e.lat));
    for (const f of facilities) {
      const list = this.facilitiesByType.get(f.type) ?? [];
      list.push({ row: f, snap: graph.snap(f.lon, f.lat) });
      this.facilitiesByType.set(f.type, list);
    }
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
      near = NearestTargets.search(this.graph, targets, this.cutoffM, this.buffers);
      this.buffers.result = near.result;
      this.searches++;
      this.searchMs += performance.now() - t0;
    }
    for (let i = 0; i < n; i++) {
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
    this.columns.set(type, col);
    return col;
  }
}
