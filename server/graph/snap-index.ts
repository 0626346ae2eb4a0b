/**
 * Nearest-edge snapping for the walking graph: a uniform grid (in degrees) over edge segments,
 * searched ring by ring outwards from the query cell. Distances are measured in a local metric
 * frame centred on the query point, so the index works for any number of cities at once.
 */
import { closestOnSegment, localFrame, toLat, toLon, toX, toY } from './geo.ts';
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

export class SnapIndex {
  private readonly cells = new Map<number, number[]>();
  private readonly cellDeg: number;
  private readonly maxSnapM: number;
  /** Per-edge query stamp: an edge listed in several cells is measured once per query. */
  private readonly seenAt: Uint32Array;
  private query = 0;

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
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (let k = g.coordStart[e]; k < g.coordStart[e + 1]; k++) {
        const x = c[2 * k], y = c[2 * k + 1];
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
      const i0 = this.cellOf(minX), i1 = this.cellOf(maxX), j0 = this.cellOf(minY), j1 = this.cellOf(maxY);
      for (let i = i0; i <= i1; i++) {
        for (let j = j0; j <= j1; j++) {
          const key = this.key(i, j);
          const list = this.cells.get(key);
          if (list) list.push(e);
          else this.cells.set(key, [e]);
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

  /** Nearest usable edge to (lon, lat), or null beyond maxSnapDistanceM. */
  nearest(lon: number, lat: number): Snap | null {
    const g = this.g;
    const f = localFrame(lon, lat);
    const cellM = this.cellDeg * Math.min(f.kx, f.ky);
    const maxRing = Math.ceil(this.maxSnapM / cellM) + 1;
    const ci = this.cellOf(lon), cj = this.cellOf(lat);
    let bestD2 = Infinity, bestEdge = -1, bestSeg = -1, bestT = 0;
    const q = ++this.query;
    for (let r = 0; r <= maxRing; r++) {
      for (let i = ci - r; i <= ci + r; i++) {
        for (let j = cj - r; j <= cj + r; j++) {
          if (Math.max(Math.abs(i - ci), Math.abs(j - cj)) !== r) continue; // ring only
          const list = this.cells.get(this.key(i, j));
          if (!list) continue;
          for (const e of list) {
            if (this.seenAt[e] === q) continue;
            this.seenAt[e] = q;
            const c = g.coords;
            for (let k = g.coordStart[e]; k < g.coordStart[e + 1] - 1; k++) {
              const hit = closestOnSegment(0, 0, toX(f, c[2 * k]), toY(f, c[2 * k + 1]), toX(f, c[2 * k + 2]), toY(f, c[2 * k + 3]));
              // ties go to the lower edge index, so snapping is deterministic
              if (hit.d2 < bestD2 - 1e-9 || (Math.abs(hit.d2 - bestD2) <= 1e-9 && e < bestEdge)) {
                bestD2 = hit.d2;
                bestEdge = e;
                bestSeg = k;
                bestT = hit.t;
              }
            }
          }
        }
      }
      if (bestEdge >= 0 && Math.sqrt(bestD2) <= r * cellM) break;
    }
    if (bestEdge < 0 || Math.sqrt(bestD2) > this.maxSnapM) return null;
    return this.describe(f, bestEdge, bestSeg, bestT, Math.sqrt(bestD2));
  }

  /** Fraction along the whole polyline of the snapped point, by length in the local frame. */
  private describe(f: ReturnType<typeof localFrame>, e: number, seg: number, t: number, d: number): Snap {
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
