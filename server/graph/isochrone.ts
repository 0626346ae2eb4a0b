/**
 * Walking isochrones from the in-memory graph: one forward search from the clicked point, then
 * for each time band the reached network — whole edges and the partial edges at the frontier —
 * buffered by a walkable corridor and turned into polygons.
 *
 * Polygon method (documented choice, "reached edges buffered"): the reached pieces are rasterised
 * on a local metric grid (cell `cellM`, default 15 m); a cell belongs to band T when some piece
 * passes within `bufferM` (default 45 m) of its centre at a network distance ≤ T at that point.
 * Cell boundaries are traced into rings (exterior counter-clockwise, holes clockwise, RFC 7946),
 * so polygons follow streets instead of a convex or concave hull jumping across blocks or rivers.
 * Edges are accurate to one cell. Facility counts use network distance (same rule as the bands),
 * not point-in-polygon.
 */
import { EPS_M, alongEdge, arrive, leave } from './access.ts';
import { multiSourceDijkstraSteps, type SearchResult } from './dijkstra.ts';
import { localFrame, toLat, toLon, toX, toY, type LocalFrame } from './geo.ts';
import type { Snap } from './snap-index.ts';
import type { WalkGraph } from './walk-graph.ts';
import { runSync, type Steps } from './work-budget.ts';

export interface IsochroneOptions {
  /** Band limits in metres of walking, ascending (e.g. minutes × speed). */
  limitsM: number[];
  cellM?: number;
  bufferM?: number;
}

export interface IsochroneBand {
  limitM: number;
  /** GeoJSON MultiPolygon coordinates, lon/lat. */
  coordinates: number[][][][];
  areaM2: number;
}

export interface IsochroneResult {
  origin: Snap;
  bands: IsochroneBand[];
  /** Forward search result (distances from the clicked point to every vertex reached). */
  search: SearchResult;
  reachedVertices: number;
}

/** Network distance from the isochrone origin to another snapped point (Infinity if unreached). */
export function distanceTo(g: WalkGraph, iso: Pick<IsochroneResult, 'origin' | 'search'>, target: Snap): number {
  let best = alongEdge(g, iso.origin, target);
  for (const a of arrive(g, target)) best = Math.min(best, iso.search.dist[a.vertex] + a.distance);
  return best;
}

interface Pieces {
  x0: number[]; y0: number[]; d0: number[]; x1: number[]; y1: number[]; d1: number[];
}

/** Computes isochrone polygons for the clicked, already snapped point `origin`. */
export function isochrone(g: WalkGraph, origin: Snap, clickLon: number, clickLat: number, opts: IsochroneOptions): IsochroneResult {
  return runSync(isochroneSteps(g, origin, clickLon, clickLat, opts));
}

/** The same computation, step-wise: run it with a WorkBudget (deadline, event-loop slices). */
export function* isochroneSteps(g: WalkGraph, origin: Snap, clickLon: number, clickLat: number, opts: IsochroneOptions): Steps<IsochroneResult> {
  const limits = [...opts.limitsM].sort((a, b) => a - b);
  const maxT = limits[limits.length - 1];
  const seeds = leave(g, origin).map((l) => ({ ...l, label: 0 }));
  const search = yield* multiSourceDijkstraSteps(g.forward, g.vertexCount, seeds, maxT + EPS_M);
  const f = localFrame(clickLon, clickLat);
  const p: Pieces = { x0: [], y0: [], d0: [], x1: [], y1: [], d1: [] };

  // the access leg from the click to the network
  pushSeg(p, 0, 0, 0, toX(f, origin.lon), toY(f, origin.lat), origin.distanceM, maxT);
  const e0 = origin.edge;
  if (g.edgeRevCost[e0] >= 0) addPiece(g, f, p, e0, origin.fraction, 0, origin.distanceM, origin.distanceM + origin.fraction * g.edgeRevCost[e0], maxT);
  if (g.edgeCost[e0] >= 0) addPiece(g, f, p, e0, origin.fraction, 1, origin.distanceM, origin.distanceM + (1 - origin.fraction) * g.edgeCost[e0], maxT);

  const { offset, head, weight, edge } = g.forward;
  for (let s = 0; s < search.settledCount; s++) {
    if ((s & 255) === 255) yield;
    const a = search.settled[s];
    const da = search.dist[a];
    for (let k = offset[a]; k < offset[a + 1]; k++) {
      const e = edge[k];
      const forwardDir = g.edgeSrc[e] === a && (head[k] !== a || g.edgeCost[e] === weight[k]);
      addPiece(g, f, p, e, forwardDir ? 0 : 1, forwardDir ? 1 : 0, da, da + weight[k], maxT);
    }
  }
  const bands = yield* rasterBands(f, p, limits, opts.cellM ?? 15, opts.bufferM ?? 45);
  return { origin, bands, search, reachedVertices: search.settledCount };
}

function pushSeg(p: Pieces, x0: number, y0: number, d0: number, x1: number, y1: number, d1: number, maxT: number) {
  if (d0 > maxT) return;
  if (d1 > maxT && d1 > d0) {
    const t = (maxT - d0) / (d1 - d0);
    x1 = x0 + t * (x1 - x0);
    y1 = y0 + t * (y1 - y0);
    d1 = maxT;
  }
  p.x0.push(x0); p.y0.push(y0); p.d0.push(d0); p.x1.push(x1); p.y1.push(y1); p.d1.push(d1);
}

/** Adds the part of edge e between fractions fa → fb, walked with distance da at fa and db at fb. */
function addPiece(g: WalkGraph, f: LocalFrame, p: Pieces, e: number, fa: number, fb: number, da: number, db: number, maxT: number) {
  if (da > maxT) return;
  const c = g.coords;
  const k0 = g.coordStart[e], k1 = g.coordStart[e + 1];
  const n = k1 - k0;
  const cum = new Float64Array(n);
  for (let k = 1; k < n; k++) {
    const i = k0 + k;
    cum[k] = cum[k - 1] + Math.hypot(toX(f, c[2 * i]) - toX(f, c[2 * i - 2]), toY(f, c[2 * i + 1]) - toY(f, c[2 * i - 1]));
  }
  const total = cum[n - 1] || 1;
  const lo = Math.min(fa, fb), hi = Math.max(fa, fb);
  const distAt = (fr: number) => (fb === fa ? da : da + ((fr - fa) / (fb - fa)) * (db - da));
  for (let k = 0; k < n - 1; k++) {
    const s0 = cum[k] / total, s1 = cum[k + 1] / total;
    const a = Math.max(lo, s0), b = Math.min(hi, s1);
    if (b < a || (b === a && s1 > s0)) continue;
    const i = k0 + k;
    const ax = toX(f, c[2 * i]), ay = toY(f, c[2 * i + 1]), bx = toX(f, c[2 * i + 2]), by = toY(f, c[2 * i + 3]);
    const span = s1 - s0 || 1;
    const ta = (a - s0) / span, tb = (b - s0) / span;
    const pa = [ax + ta * (bx - ax), ay + ta * (by - ay)];
    const pb = [ax + tb * (bx - ax), ay + tb * (by - ay)];
    // orient each sub-segment in walking direction so clipping at maxT keeps the near end
    if (fb >= fa) pushSeg(p, pa[0], pa[1], distAt(a), pb[0], pb[1], distAt(b), maxT);
    else pushSeg(p, pb[0], pb[1], distAt(b), pa[0], pa[1], distAt(a), maxT);
  }
}

function* rasterBands(f: LocalFrame, p: Pieces, limits: number[], cell: number, buffer: number): Steps<IsochroneBand[]> {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let s = 0; s < p.x0.length; s++) {
    minX = Math.min(minX, p.x0[s], p.x1[s]); maxX = Math.max(maxX, p.x0[s], p.x1[s]);
    minY = Math.min(minY, p.y0[s], p.y1[s]); maxY = Math.max(maxY, p.y0[s], p.y1[s]);
  }
  minX -= buffer + cell; minY -= buffer + cell; maxX += buffer + cell; maxY += buffer + cell;
  const W = Math.ceil((maxX - minX) / cell), H = Math.ceil((maxY - minY) / cell);
  const grid = new Float32Array(W * H).fill(Infinity);
  const b2 = buffer * buffer;
  for (let s = 0; s < p.x0.length; s++) {
    if ((s & 63) === 63) yield;
    const ax = p.x0[s], ay = p.y0[s], bx = p.x1[s], by = p.y1[s];
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    const i0 = Math.max(0, Math.floor((Math.min(ax, bx) - buffer - minX) / cell));
    const i1 = Math.min(W - 1, Math.floor((Math.max(ax, bx) + buffer - minX) / cell));
    const j0 = Math.max(0, Math.floor((Math.min(ay, by) - buffer - minY) / cell));
    const j1 = Math.min(H - 1, Math.floor((Math.max(ay, by) + buffer - minY) / cell));
    for (let j = j0; j <= j1; j++) {
      const cy = minY + (j + 0.5) * cell;
      for (let i = i0; i <= i1; i++) {
        const cx = minX + (i + 0.5) * cell;
        let t = len2 > 0 ? ((cx - ax) * dx + (cy - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = ax + t * dx - cx, ey = ay + t * dy - cy;
        if (ex * ex + ey * ey > b2) continue;
        const d = p.d0[s] + t * (p.d1[s] - p.d0[s]);
        if (d < grid[j * W + i]) grid[j * W + i] = d;
      }
    }
  }
  const bands: IsochroneBand[] = [];
  for (const limitM of limits) {
    yield;
    const rings = yield* traceRingsSteps(grid, W, H, limitM);
    const toLonLat = (r: number[][]) => r.map(([i, j]) => [round7(toLon(f, minX + i * cell)), round7(toLat(f, minY + j * cell))]);
    yield;
    let cells = 0;
    for (let k = 0; k < grid.length; k++) if (grid[k] <= limitM) cells++;
    const coordinates: number[][][][] = [];
    for (const poly of rings) {
      if ((coordinates.length & 63) === 63) yield;
      coordinates.push(poly.map(toLonLat));
    }
    bands.push({ limitM, coordinates, areaM2: cells * cell * cell });
  }
  return bands;
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

const DX = [1, 0, -1, 0];
const DY = [0, 1, 0, -1];

/**
 * Traces the boundary of the cells with value ≤ limit into polygons (grid-corner coordinates):
 * each boundary edge keeps the filled cell on its left, so exteriors run counter-clockwise and
 * holes clockwise; at a corner shared by two diagonal cells the tracer turns left, which keeps
 * every ring simple.
 */
export function traceRings(grid: Float32Array, W: number, H: number, limit: number): number[][][][] {
  return runSync(traceRingsSteps(grid, W, H, limit));
}

/** traceRings, step-wise (yields between rows and along long rings). */
export function* traceRingsSteps(grid: Float32Array, W: number, H: number, limit: number): Steps<number[][][][]> {
  const filled = (i: number, j: number) => i >= 0 && j >= 0 && i < W && j < H && grid[j * W + i] <= limit;
  const V = W + 1;
  const out = new Map<number, number[]>(); // vertex key → edge ids (edge id = key*4 + dir)
  const add = (x: number, y: number, dir: number) => {
    const key = y * V + x;
    const list = out.get(key);
    if (list) list.push(dir);
    else out.set(key, [dir]);
  };
  for (let j = 0; j < H; j++) {
    if ((j & 63) === 63) yield;
    for (let i = 0; i < W; i++) {
      if (!filled(i, j)) continue;
      if (!filled(i, j - 1)) add(i, j, 0);
      if (!filled(i + 1, j)) add(i + 1, j, 1);
      if (!filled(i, j + 1)) add(i + 1, j + 1, 2);
      if (!filled(i - 1, j)) add(i, j + 1, 3);
    }
  }
  const used = new Set<number>();
  const outers: number[][][] = [];
  const holes: { ring: number[][]; probe: [number, number] }[] = [];
  let visited = 0;
  for (const [key, dirs] of out) {
    if ((++visited & 1023) === 0) yield;
    for (const d0 of dirs) {
      if (used.has(key * 4 + d0)) continue;
      const ring: number[][] = [];
      const sx = key % V, sy = Math.floor(key / V);
      let x = sx, y = sy, d = d0, prev = -1;
      let area2 = 0;
      let steps = 0;
      for (;;) {
        if (++steps === 4096) {
          steps = 0;
          yield;
        }
        used.add((y * V + x) * 4 + d);
        if (d !== prev) ring.push([x, y]);
        const nx = x + DX[d], ny = y + DY[d];
        area2 += x * ny - nx * y;
        x = nx; y = ny; prev = d;
        // incoming edges map one-to-one onto outgoing ones: left turn first, then straight, then right
        const choices = out.get(y * V + x)!;
        const next = [(d + 1) % 4, d, (d + 3) % 4].find((c) => choices.includes(c))!;
        if (x === sx && y === sy && next === d0) break;
        d = next;
      }
      if (prev === d0) ring.shift(); // the start vertex lies mid-way along a straight run
      ring.push([...ring[0]]);
      if (ring.length < 4) continue;
      if (area2 > 0) outers.push(ring);
      else {
        const lx = [0, -1, -1, 0][d0], ly = [0, 0, -1, -1][d0];
        holes.push({ ring, probe: [(key % V) + lx + 0.5, Math.floor(key / V) + ly + 0.5] });
      }
    }
  }
  const polys = outers.map((o) => [o]);
  let placed = 0;
  for (const h of holes) {
    if ((++placed & 15) === 0) yield;
    const owner = polys.find((poly) => insideRing(h.probe, poly[0]));
    if (owner) owner.push(h.ring);
  }
  return polys;
}

function insideRing([px, py]: [number, number], ring: number[][]): boolean {
  let inside = false;
  for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
    const [xa, ya] = ring[a], [xb, yb] = ring[b];
    if (ya > py !== yb > py && px < ((xb - xa) * (py - ya)) / (yb - ya) + xa) inside = !inside;
  }
  return inside;
}
