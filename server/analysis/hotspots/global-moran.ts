/**
 * Global Moran's I (Moran 1950; moments under randomisation from Cliff & Ord 1981, as in PySAL's
 * `Moran.VI_rand`): the context for a hotspot map — is the field clustered at all?
 */
import { HotspotInputError } from './hotspot-error.ts';
import { type Neighbours, checkNeighbours, fromTriplets, islandsOf } from './neighbours.ts';
import { twoSidedP } from './normal.ts';

export interface GlobalMoranResult {
  /** I = (n / S0) Σ_i Σ_j w_ij z_i z_j / Σ_i z_i². */
  I: number;
  /** E[I] = −1/(n − 1). */
  expected: number;
  /** Var[I] under randomisation. */
  variance: number;
  z: number;
  /** Two-sided analytic p. */
  p: number;
  islands: number[];
}

/** Wᵀ in CSR (rows sorted by id), for the symmetric sums S1 and S2. */
function transpose(W: Neighbours): Neighbours {
  const src = new Int32Array(W.ids.length);
  for (let i = 0; i < W.n; i++) for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) src[a] = i;
  return fromTriplets(W.n, W.ids, src, W.weights, 'sum');
}

/**
 * Global Moran's I of x over W with its moments under randomisation. With no neighbour pair at all
 * every statistic is NaN (and every unit is listed as an island); with exactly 3 units I is given but
 * its variance (which divides by n − 3) and so z and p are NaN.
 */
export function globalMoran(x: Float64Array, W: Neighbours): GlobalMoranResult {
  const n = x.length;
  if (n < 3) throw new HotspotInputError(`Global Moran's I needs at least 3 units, not ${n}.`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) throw new HotspotInputError(`Unit ${i} has value ${x[i]}.`, { unit: i });
  checkNeighbours(W, n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let z2 = 0, z4 = 0, cross = 0, S0 = 0;
  for (let i = 0; i < n; i++) {
    const zi = x[i] - mean;
    z2 += zi * zi; z4 += zi ** 4;
    for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) { cross += W.weights[a] * zi * (x[W.ids[a]] - mean); S0 += W.weights[a]; }
  }
  if (!(z2 > 0)) throw new HotspotInputError('All values are equal (no variance): Moran\'s I is undefined.');
  if (!(S0 > 0)) return { I: NaN, expected: -1 / (n - 1), variance: NaN, z: NaN, p: NaN, islands: islandsOf(W) };
  const I = (n / S0) * (cross / z2);
  if (n < 4) return { I, expected: -1 / (n - 1), variance: NaN, z: NaN, p: NaN, islands: islandsOf(W) };
  // S1 = ½ Σ_ij (w_ij + w_ji)², S2 = Σ_i (w_i. + w_.i)²: merge row i of W with row i of Wᵀ
  const T = transpose(W);
  let S1 = 0, S2 = 0;
  for (let i = 0; i < n; i++) {
    let a = W.offsets[i], b = T.offsets[i];
    const aEnd = W.offsets[i + 1], bEnd = T.offsets[i + 1];
    let rowSum = 0, colSum = 0;
    while (a < aEnd || b < bEnd) {
      const ja = a < aEnd ? W.ids[a] : Infinity, jb = b < bEnd ? T.ids[b] : Infinity;
      let wij = 0, wji = 0;
      if (ja <= jb) { wij = W.weights[a++]; rowSum += wij; }
      if (jb <= ja) { wji = T.weights[b++]; colSum += wji; }
      S1 += (wij + wji) ** 2;
    }
    S2 += (rowSum + colSum) ** 2;
  }
  S1 /= 2;
  const b2 = (n * z4) / (z2 * z2);
  const expected = -1 / (n - 1);
  const num = n * ((n * n - 3 * n + 3) * S1 - n * S2 + 3 * S0 * S0) - b2 * ((n * n - n) * S1 - 2 * n * S2 + 6 * S0 * S0);
  const variance = num / ((n - 1) * (n - 2) * (n - 3) * S0 * S0) - expected * expected;
  const z = (I - expected) / Math.sqrt(variance);
  return { I, expected, variance, z, p: twoSidedP(z), islands: islandsOf(W) };
}
