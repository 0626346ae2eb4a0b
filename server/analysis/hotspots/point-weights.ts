/**
 * Weights from unit centroids in a metric CRS (metres, e.g. the local UTM zone): k nearest neighbours
 * and distance bands, found through a uniform bucket grid (no O(n²) scan).
 */
import { HotspotInputError } from './hotspot-error.ts';
import { type Neighbours, fromTriplets } from './neighbours.ts';

/** Centroids as interleaved [x0, y0, x1, y1, …] in metres, or as [x, y] pairs. */
export type Points = Float64Array | readonly (readonly [number, number])[];

function interleaved(points: Points): Float64Array {
  const xy = points instanceof Float64Array ? points : Float64Array.from((points as readonly (readonly [number, number])[]).flat());
  if (xy.length % 2) throw new HotspotInputError('Points must hold an x and a y per unit.');
  for (let k = 0; k < xy.length; k++) if (!Number.isFinite(xy[k])) throw new HotspotInputError(`Point ${k >> 1} has a non-finite coordinate.`);
  return xy;
}

class Buckets {
  readonly minX: number; readonly minY: number; readonly cols: number; readonly rows: number;
  readonly start: Int32Array; readonly items: Int32Array;
  constructor(readonly xy: Float64Array, readonly size: number) {
    const n = xy.length / 2;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let k = 0; k < n; k++) { const x = xy[2 * k], y = xy[2 * k + 1]; if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y; }
    this.minX = minX; this.minY = minY;
    this.cols = Math.max(1, Math.floor((maxX - minX) / size) + 1);
    this.rows = Math.max(1, Math.floor((maxY - minY) / size) + 1);
    const cellOf = new Int32Array(n);
    this.start = new Int32Array(this.cols * this.rows + 1);
    for (let k = 0; k < n; k++) { cellOf[k] = this.cell(xy[2 * k], xy[2 * k + 1]); this.start[cellOf[k] + 1]++; }
    for (let c = 0; c < this.cols * this.rows; c++) this.start[c + 1] += this.start[c];
    const cursor = this.start.slice(0, -1);
    this.items = new Int32Array(n);
    for (let k = 0; k < n; k++) this.items[cursor[cellOf[k]]++] = k;
  }
  cx(x: number) { return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.minX) / this.size))); }
  cy(y: number) { return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.size))); }
  cell(x: number, y: number) { return this.cy(y) * this.cols + this.cx(x); }
}

/**
 * Binary distance-band weights: j is a neighbour of i when their centroids are at most `d` metres apart
 * (i ≠ j). Choose d ≥ the largest service radius (indicators.md §11.3). Units with none are islands.
 */
export function distanceBand(points: Points, d: number): Neighbours {
  if (!Number.isFinite(d) || d <= 0) throw new HotspotInputError(`The distance band must be a positive number of metres, not ${d}.`);
  const xy = interleaved(points);
  const n = xy.length / 2;
  const b = new Buckets(xy, d);
  const src: number[] = [], dst: number[] = [];
  const d2 = d * d;
  for (let k = 0; k < n; k++) {
    const x = xy[2 * k], y = xy[2 * k + 1];
    const c0 = b.cx(x), r0 = b.cy(y);
    for (let r = Math.max(0, r0 - 1); r <= Math.min(b.rows - 1, r0 + 1); r++) {
      for (let c = Math.max(0, c0 - 1); c <= Math.min(b.cols - 1, c0 + 1); c++) {
        const cell = r * b.cols + c;
        for (let a = b.start[cell]; a < b.start[cell + 1]; a++) {
          const m = b.items[a];
          if (m === k) continue;
          const dx = xy[2 * m] - x, dy = xy[2 * m + 1] - y;
          if (dx * dx + dy * dy <= d2) { src.push(k); dst.push(m); }
        }
      }
    }
  }
  return fromTriplets(n, Int32Array.from(src), Int32Array.from(dst), new Float64Array(src.length).fill(1));
}

/**
 * k-nearest-neighbour weights (binary, not symmetric). Ties at the k-th distance are broken by the lower
 * unit index, so the result is deterministic. Needs k < n.
 */
export function knn(points: Points, k: number): Neighbours {
  const xy = interleaved(points);
  const n = xy.length / 2;
  if (!Number.isInteger(k) || k < 1 || k >= n) throw new HotspotInputError(`k must be a whole number between 1 and ${n - 1} (units − 1), not ${k}.`);
  // bucket size so that a bucket holds about k points on average
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let a = 0; a < n; a++) { const x = xy[2 * a], y = xy[2 * a + 1]; if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y; }
  const area = Math.max((maxX - minX) * (maxY - minY), 1e-9);
  const b = new Buckets(xy, Math.max(Math.sqrt((area * k) / n), 1e-9));
  const src = new Int32Array(n * k), dst = new Int32Array(n * k);
  const bestD = new Float64Array(k), bestI = new Int32Array(k);
  for (let p = 0; p < n; p++) {
    const x = xy[2 * p], y = xy[2 * p + 1];
    const c0 = b.cx(x), r0 = b.cy(y);
    let found = 0;
    // grow rings of buckets until k are found and the ring's inner edge is past the k-th distance
    for (let ring = 0; ; ring++) {
      for (let r = r0 - ring; r <= r0 + ring; r++) {
        if (r < 0 || r >= b.rows) continue;
        for (let c = c0 - ring; c <= c0 + ring; c++) {
          if (c < 0 || c >= b.cols || (Math.abs(r - r0) !== ring && Math.abs(c - c0) !== ring)) continue;
          const cell = r * b.cols + c;
          for (let a = b.start[cell]; a < b.start[cell + 1]; a++) {
            const m = b.items[a];
            if (m === p) continue;
            const dx = xy[2 * m] - x, dy = xy[2 * m + 1] - y, dd = dx * dx + dy * dy;
            if (found === k && (dd > bestD[k - 1] || (dd === bestD[k - 1] && m > bestI[k - 1]))) continue;
            let s = found < k ? found++ : k - 1;
            while (s > 0 && (bestD[s - 1] > dd || (bestD[s - 1] === dd && bestI[s - 1] > m))) { bestD[s] = bestD[s - 1]; bestI[s] = bestI[s - 1]; s--; }
            bestD[s] = dd; bestI[s] = m;
          }
        }
      }
      const reach = ring * b.size;
      if ((found === k && reach * reach > bestD[k - 1]) || ring > b.cols + b.rows) break;
    }
    for (let t = 0; t < k; t++) { src[p * k + t] = p; dst[p * k + t] = bestI[t]; }
  }
  return fromTriplets(n, src, dst, new Float64Array(n * k).fill(1));
}
