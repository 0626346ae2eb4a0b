/**
 * Nearest-edge snapping for the walking graph: a uniform grid (in degrees) over edge segments,
 * searched ring by ring outwards from the query cell. Distances are measured in a local metric
 * frame centred on the query point, so the index works for any number of cities at once.
 */
import { M_PER_DEG_LAT, closestOnSegment, localFrame, metresPerDegLon, toLat, toLon, toX, toY, type LocalFrame } from './geo.ts';
import type { WalkGraph } from './walk-graph.ts';

/** Where a point meets the network. */
export interface Snap {
  /** Edge index in the graph (not the database id). */
  edge: number;
  /** Position along the edge from its source (0) to its target (1), by geometric length. */
  fraction: number;
  /** The snapped position on the edge, lon/lat. */
  lon: number;
  lat: number;
  /** Straight-line metres from the point to the edge (the off-network access leg). */
  distanceM: number;
}

export interface SnapOptions {
  /** Points farther than this from every usable edge do not snap. Default 500 m. */
  maxSnapDistanceM?: number;
  /** Grid cell size in degrees. Default 0.002 (~220 m north–south). */
  cellDeg?: number;
}

/**
 * A segment longer than MAX_SEGMENT_M, or whose box spans more grid cells than MAX_SEGMENT_CELLS
 * (near a pole a short segment spans many degrees of longitude), is not indexed: no walkway is that
 * long, and indexing a corrupt edge across the globe would take the graph build down with it.
 * Such segments are counted in `skippedSegments`.
 */
const MAX_SEGMENT_M = 20_000;
const MAX_SEGMENT_CELLS = 1_000_000;

/** A rectangle of grid cells, inclusive. */
interface Box {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

export class SnapIndex {
  /** Extent of the populated cells (empty: iMin > iMax). */
  private iMin = Infinity;
  private iMax = -Infinity;
  private jMin = Infinity;
  private jMax = -Infinity;
  private readonly cells = new Map<number, number[]>();
  private readonly cellDeg: number;
  private readonly maxSnapM: number;
  /** Per-edge query stamp: an edge listed in several cells is measured once per query. */
  private readonly seenAt: Uint32Array;
  private query = 0;
  /** Segments left out of the index (non-finite or absurdly long; see MAX_SEGMENT_M). */
  skippedSegments = 0;

  constructor(
    private readonly g: WalkGraph,
    eligible: (edge: number) => boolean,
    opts: SnapOptions,
  ) {
    this.cellDeg = opts.cellDeg ?? 0.002;
    this.maxSnapM = opts.maxSnapDistanceM ?? 500;
    this.seenAt = new Uint32Array(g.edgeCount);
    const c = g.coords;
    for (let e = 0; e < g.edgeCount; e++) {
      if (!eligible(e)) continue;
      // each segment in the cells its box touches (a long curved edge does not fill its whole box)
      for (let k = g.coordStart[e]; k < g.coordStart[e + 1] - 1; k++) {
        const xa = c[2 * k], ya = c[2 * k + 1], xb = c[2 * k + 2], yb = c[2 * k + 3];
        if (!Number.isFinite(xa + ya + xb + yb)) continue;
        const i0 = this.cellOf(Math.min(xa, xb)), i1 = this.cellOf(Math.max(xa, xb));
        const j0 = this.cellOf(Math.min(ya, yb)), j1 = this.cellOf(Math.max(ya, yb));
        const lengthM = Math.hypot((xb - xa) * metresPerDegLon((ya + yb) / 2), (yb - ya) * M_PER_DEG_LAT);
        if (lengthM > MAX_SEGMENT_M || (i1 - i0 + 1) * (j1 - j0 + 1) > MAX_SEGMENT_CELLS) {
          this.skippedSegments++;
          continue;
        }
        this.iMin = Math.min(this.iMin, i0);
        this.iMax = Math.max(this.iMax, i1);
        this.jMin = Math.min(this.jMin, j0);
        this.jMax = Math.max(this.jMax, j1);
        for (let i = i0; i <= i1; i++) {
          for (let j = j0; j <= j1; j++) {
            const key = this.key(i, j);
            const list = this.cells.get(key);
            if (!list) this.cells.set(key, [e]);
            else if (list[list.length - 1] !== e) list.push(e);
          }
        }
      }
    }
  }

  private cellOf(deg: number): number {
    return Math.floor(deg / this.cellDeg);
  }

  private key(i: number, j: number): number {
    return (i + 200_000) * 400_000 + (j + 200_000);
  }

  /**
   * Nearest usable edge to (lon, lat), or null beyond maxSnapDistanceM (also for non-finite or
   * out-of-range coordinates). The search visits rings of cells outwards from the query cell, but
   * only inside the box of cells that can hold an edge within the snap radius, clipped to the
   * populated extent of the index: near the poles a degree of longitude shrinks towards 0 m, so
   * the radius alone would span an unbounded number of cells. Work is bounded by that box for any
   * input. Longitudes are not wrapped: a point across the antimeridian from the network does not snap.
   */
  nearest(lon: number, lat: number): Snap | null {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
    if (this.iMin > this.iMax) return null; // empty index
    const f = localFrame(lon, lat);
    const cellMx = this.cellDeg * f.kx, cellMy = this.cellDeg * f.ky;
    const ci = this.cellOf(lon), cj = this.cellOf(lat);
    const rx = cellMx > 0 ? Math.ceil(this.maxSnapM / cellMx) + 1 : Infinity;
    const ry = Math.ceil(this.maxSnapM / cellMy) + 1;
    const box: Box = {
      i0: Math.max(ci - rx, this.iMin), i1: Math.min(ci + rx, this.iMax),
      j0: Math.max(cj - ry, this.jMin), j1: Math.min(cj + ry, this.jMax),
    };
    if (box.i0 > box.i1 || box.j0 > box.j1) return null; // nothing indexed within the radius
    const maxRing = Math.max(ci - box.i0, box.i1 - ci, cj - box.j0, box.j1 - cj);
    // every cell of ring r + 1 lies at least r cells (of the smaller side) from the query point
    const ringM = Math.min(cellMx, cellMy);
    const best = { d2: Infinity, edge: -1, seg: -1, t: 0 };
    const q = ++this.query;
    for (let r = 0; r <= maxRing; r++) {
      this.visitRing(ci, cj, r, box, (list) => this.measure(f, list, q, best));
      if (best.edge >= 0 && Math.sqrt(best.d2) <= r * ringM) break;
    }
    if (best.edge < 0 || Math.sqrt(best.d2) > this.maxSnapM) return null;
    return this.describe(f, best.edge, best.seg, best.t, Math.sqrt(best.d2));
  }

  /** Calls `visit` with the edge list of each populated cell at Chebyshev distance r from (ci, cj), inside `box`. */
  private visitRing(ci: number, cj: number, r: number, box: Box, visit: (list: number[]) => void) {
    const cell = (i: number, j: number) => {
      const list = this.cells.get(this.key(i, j));
      if (list) visit(list);
    };
    const ia = Math.max(ci - r, box.i0), ib = Math.min(ci + r, box.i1);
    for (const j of r === 0 ? [cj] : [cj - r, cj + r]) {
      if (j < box.j0 || j > box.j1) continue;
      for (let i = ia; i <= ib; i++) cell(i, j);
    }
    if (r === 0) return;
    const ja = Math.max(cj - r + 1, box.j0), jb = Math.min(cj + r - 1, box.j1);
    for (const i of [ci - r, ci + r]) {
      if (i < box.i0 || i > box.i1) continue;
      for (let j = ja; j <= jb; j++) cell(i, j);
    }
  }

  /** Measures the edges of one cell against the best so far (each edge once per query). */
  private measure(f: LocalFrame, list: number[], q: number, best: { d2: number; edge: number; seg: number; t: number }) {
    const g = this.g;
    const c = g.coords;
    for (const e of list) {
      if (this.seenAt[e] === q) continue;
      this.seenAt[e] = q;
      for (let k = g.coordStart[e]; k < g.coordStart[e + 1] - 1; k++) {
        const hit = closestOnSegment(0, 0, toX(f, c[2 * k]), toY(f, c[2 * k + 1]), toX(f, c[2 * k + 2]), toY(f, c[2 * k + 3]));
        // ties go to the lower edge index, so snapping is deterministic
        if (hit.d2 < best.d2 - 1e-9 || (Math.abs(hit.d2 - best.d2) <= 1e-9 && e < best.edge)) {
          best.d2 = hit.d2;
          best.edge = e;
          best.seg = k;
          best.t = hit.t;
        }
      }
    }
  }

  /** Fraction along the whole polyline of the snapped point, by length in the local frame. */
  private describe(f: LocalFrame, e: number, seg: number, t: number, d: number): Snap {
    const g = this.g;
    const c = g.coords;
    let total = 0, before = 0;
    for (let k = g.coordStart[e]; k < g.coordStart[e + 1] - 1; k++) {
      const len = Math.hypot(toX(f, c[2 * k + 2]) - toX(f, c[2 * k]), toY(f, c[2 * k + 3]) - toY(f, c[2 * k + 1]));
      if (k < seg) before += len;
      if (k === seg) before += t * len;
      total += len;
    }
    const x = toX(f, c[2 * seg]) + t * (toX(f, c[2 * seg + 2]) - toX(f, c[2 * seg]));
    const y = toY(f, c[2 * seg + 1]) + t * (toY(f, c[2 * seg + 3]) - toY(f, c[2 * seg + 1]));
    return { edge: e, fraction: total > 0 ? before / total : 0, lon: toLon(f, x), lat: toLat(f, y), distanceM: d };
  }
}
