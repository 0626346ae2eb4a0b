/**
 * Spatial weights as compressed sparse rows (CSR): the neighbours of unit i are
 * `ids[offsets[i] .. offsets[i+1])` with weights at the same positions, ids ascending within a row.
 * Never contains the unit itself: Gi* adds the focal unit on its own (`focalWeight`).
 */
import { HotspotInputError } from './hotspot-error.ts';

export interface Neighbours {
  /** Number of units. */
  n: number;
  /** Row starts, length n + 1. */
  offsets: Int32Array;
  /** Neighbour unit indexes, ascending within each row. */
  ids: Int32Array;
  /** Weight of each neighbour (1 for contiguity and distance bands, unless row-standardised). */
  weights: Float64Array;
}

/** Neighbour pairs as objects or as parallel typed arrays (e.g. straight from a SQL result). */
export type Pairs =
  | readonly { i: number; j: number; w?: number }[]
  | { i: Int32Array | readonly number[]; j: Int32Array | readonly number[]; w?: Float64Array | readonly number[] };

export interface FromPairsOptions {
  /** Add j→i for every i→j (default false: pairs as given, e.g. ST_Touches already lists both). */
  symmetric?: boolean;
  /** What to do with a pair listed twice: 'error' (default), 'first' keeps the first, 'sum' adds the weights. */
  duplicates?: 'error' | 'first' | 'sum';
}

/** Builds CSR weights from (i, j, w) triplets (w defaults to 1); self-pairs and out-of-range ids are refused. */
export function fromPairs(n: number, pairs: Pairs, opts: FromPairsOptions = {}): Neighbours {
  if (!Number.isInteger(n) || n < 0) throw new HotspotInputError(`The number of units must be a whole number ≥ 0, not ${n}.`);
  const arrays = Array.isArray(pairs)
    ? null
    : (pairs as { i: ArrayLike<number>; j: ArrayLike<number>; w?: ArrayLike<number> });
  const objects = Array.isArray(pairs) ? (pairs as readonly { i: number; j: number; w?: number }[]) : null;
  const m = objects ? objects.length : arrays!.i.length;
  if (arrays && (arrays.j.length !== m || (arrays.w && arrays.w.length !== m))) throw new HotspotInputError('Pair arrays i, j (and w) must have the same length.');
  const total = opts.symmetric ? 2 * m : m;
  const src = new Int32Array(total), dst = new Int32Array(total), wt = new Float64Array(total);
  for (let k = 0; k < m; k++) {
    const i = objects ? objects[k].i : arrays!.i[k];
    const j = objects ? objects[k].j : arrays!.j[k];
    const w = objects ? objects[k].w ?? 1 : arrays!.w ? arrays!.w[k] : 1;
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= n || j >= n) {
      throw new HotspotInputError(`Neighbour pair ${k} (${i}, ${j}) names a unit outside 0..${n - 1}.`, { pair: k });
    }
    if (i === j) throw new HotspotInputError(`Neighbour pair ${k} links unit ${i} to itself; the focal unit is added by Gi* itself.`, { pair: k });
    if (!Number.isFinite(w) || w < 0) throw new HotspotInputError(`Neighbour pair ${k} has weight ${w}; weights must be finite and ≥ 0.`, { pair: k });
    src[k] = i; dst[k] = j; wt[k] = w;
    if (opts.symmetric) { src[m + k] = j; dst[m + k] = i; wt[m + k] = w; }
  }
  return fromTriplets(n, src, dst, wt, opts.duplicates ?? (opts.symmetric ? 'first' : 'error'));
}

/** CSR from parallel arrays by counting sort on the source, then sorting each row by neighbour id. */
export function fromTriplets(n: number, src: Int32Array, dst: Int32Array, wt: Float64Array, duplicates: 'error' | 'first' | 'sum' = 'error'): Neighbours {
  const count = new Int32Array(n + 1);
  for (let k = 0; k < src.length; k++) count[src[k] + 1]++;
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const cursor = count.slice(0, n);
  const ids = new Int32Array(src.length), weights = new Float64Array(src.length);
  for (let k = 0; k < src.length; k++) { const at = cursor[src[k]]++; ids[at] = dst[k]; weights[at] = wt[k]; }
  return sortRows({ n, offsets: count, ids, weights }, duplicates);
}

/** Sorts each row by neighbour id (insertion sort: rows are short) and resolves duplicate neighbours. */
function sortRows(W: Neighbours, duplicates: 'error' | 'first' | 'sum'): Neighbours {
  const { n, offsets, ids, weights } = W;
  let dup = false;
  for (let i = 0; i < n; i++) {
    for (let a = offsets[i] + 1; a < offsets[i + 1]; a++) {
      const id = ids[a], w = weights[a];
      let b = a - 1;
      while (b >= offsets[i] && ids[b] > id) { ids[b + 1] = ids[b]; weights[b + 1] = weights[b]; b--; }
      ids[b + 1] = id; weights[b + 1] = w;
      if (b >= offsets[i] && ids[b] === id) dup = true;
    }
  }
  if (!dup) return W;
  if (duplicates === 'error') throw new HotspotInputError('A neighbour pair is listed twice; pass duplicates: "first" or "sum" to accept it.');
  const outOffsets = new Int32Array(n + 1), outIds = new Int32Array(ids.length), outW = new Float64Array(ids.length);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let a = offsets[i]; a < offsets[i + 1]; a++) {
      if (at > outOffsets[i] && outIds[at - 1] === ids[a]) { if (duplicates === 'sum') outW[at - 1] += weights[a]; continue; }
      outIds[at] = ids[a]; outW[at] = weights[a]; at++;
    }
    outOffsets[i + 1] = at;
  }
  return { n, offsets: outOffsets, ids: outIds.slice(0, at), weights: outW.slice(0, at) };
}

/** Each row divided by its sum (w_ij / Σ_j w_ij); islands stay empty rows. */
export function rowStandardise(W: Neighbours): Neighbours {
  const weights = new Float64Array(W.weights.length);
  for (let i = 0; i < W.n; i++) {
    let s = 0;
    for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) s += W.weights[a];
    if (s > 0) for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) weights[a] = W.weights[a] / s;
  }
  return { n: W.n, offsets: W.offsets, ids: W.ids, weights };
}

/** Units with no neighbour of positive weight (islands): reported by every statistic, never scored as zero. */
export function islandsOf(W: Neighbours): number[] {
  const out: number[] = [];
  for (let i = 0; i < W.n; i++) {
    let s = 0;
    for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) s += W.weights[a];
    if (!(s > 0)) out.push(i);
  }
  return out;
}

/** Checks a Neighbours object handed in from outside (shape, ranges, no self-links). */
export function checkNeighbours(W: Neighbours, n: number): void {
  if (W.n !== n || W.offsets.length !== n + 1) throw new HotspotInputError(`The weights are for ${W.n} units but ${n} values were given.`);
  if (W.offsets[0] !== 0 || W.offsets[n] !== W.ids.length || W.weights.length !== W.ids.length) throw new HotspotInputError('Malformed weights: offsets, ids and weights do not match.');
  for (let i = 0; i < n; i++) {
    if (W.offsets[i + 1] < W.offsets[i]) throw new HotspotInputError('Malformed weights: offsets must not decrease.');
    for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) {
      const j = W.ids[a];
      if (j < 0 || j >= n || j === i) throw new HotspotInputError(`Malformed weights: unit ${i} lists neighbour ${j}.`);
    }
  }
}
