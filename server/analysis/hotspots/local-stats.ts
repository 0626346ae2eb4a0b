/**
 * Local hotspot statistics over a weights matrix: Getis–Ord Gi* (Getis & Ord 1992; Ord & Getis 1995)
 * and local Moran's I (Anselin 1995, "Local indicators of spatial association — LISA", Geogr. Anal.
 * 27(2)), with analytic z and p, optional conditional-permutation p (permutation.ts), Benjamini–Hochberg
 * FDR and ArcGIS-style bins. Islands get NaN statistics and are listed, never scored as zero.
 *
 * Every computation exists step-wise (`…Steps`, yielding every few thousand units) for a WorkBudget on
 * the server, and as a plain function that runs in one go, honouring `signal` and `deadlineMs` between
 * chunks.
 */
import { DeadlineExceededError } from '../../graph/work-budget.ts';
import { confidenceBins, benjaminiHochberg, fdrBins } from './fdr.ts';
import { HotspotInputError } from './hotspot-error.ts';
import { type Neighbours, checkNeighbours, islandsOf } from './neighbours.ts';
import { twoSidedP } from './normal.ts';
import { NO_COUNT, permutationCountSteps } from './permutation.ts';

export interface LocalOptions {
  /** Conditional permutations for pSim (0 or absent: analytic p only; 499 or 999 usual). */
  permutations?: number;
  /** Seed of the permutation draws (default 12345); the same seed gives the same pSim. */
  seed?: number;
  /** Classify with Benjamini–Hochberg FDR instead of the uncorrected p (default false). */
  fdr?: boolean;
  /** Abandon the work (between chunks) when aborted. */
  signal?: AbortSignal;
  /** Throw DeadlineExceededError (503 + Retry-After) past this many ms. */
  deadlineMs?: number;
}

export interface GiStarOptions extends LocalOptions {
  /** w_ii, the weight of the focal unit in its own sum: 1 by default (Gi*); 0 gives Getis–Ord Gi. */
  focalWeight?: number;
}

export interface GiStarResult {
  /** Gi* as a z-score (the statistic is standardised by construction); NaN for islands. */
  z: Float64Array;
  /** Two-sided analytic p = 2·Q(|z|). */
  p: Float64Array;
  /** Two-sided conditional-permutation p = (count + 1)/(P + 1), when permutations were asked for. */
  pSim?: Float64Array;
  /** −3..3: cold/hot at 99/95/90 % (from pSim when present, else p; FDR-corrected when asked). */
  bin: Int8Array;
  /** Units with no neighbour: NaN z and p, bin 0. */
  islands: number[];
  /** Which p-value the bins come from, and whether FDR corrected it. */
  binsFrom: { p: 'analytic' | 'permutation'; fdr: boolean };
}

export type Quadrant = 'HH' | 'LL' | 'HL' | 'LH' | 'ns';

export interface LocalMoranResult {
  /** I_i = (z_i / m2) Σ_j w_ij z_j with z the deviations from the mean and m2 = Σ z_i² / n. */
  I: Float64Array;
  /** (I_i − E[I_i]) / sqrt(Var[I_i]) under total randomisation (Anselin 1995 eq. 12–13). */
  z: Float64Array;
  p: Float64Array;
  pSim?: Float64Array;
  /** HH/LL clusters and HL/LH outliers where significant at `alpha` (pSim when present), else 'ns'. */
  quadrant: Quadrant[];
  islands: number[];
  binsFrom: { p: 'analytic' | 'permutation'; fdr: boolean; alpha: number };
}

type Steps<T> = Generator<void, T, void>;

function checkValues(x: Float64Array, W: Neighbours): void {
  if (!(x instanceof Float64Array)) throw new HotspotInputError('Values must be a Float64Array.');
  if (x.length < 3) throw new HotspotInputError(`Hotspot statistics need at least 3 units, not ${x.length}.`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new HotspotInputError(`Unit ${i} has value ${x[i]}; leave units without a value out of the analysis.`, { unit: i });
  checkNeighbours(W, x.length);
}

function meanAndVariance(x: Float64Array): { mean: number; m2: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const mean = s / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  const m2 = ss / x.length;
  if (!(m2 > 0)) throw new HotspotInputError('All values are equal (no variance): there are no hot or cold spots to find.');
  return { mean, m2 };
}

/** Runs a step-wise computation in one go, checking an abort signal and a deadline between chunks. */
export function drain<T>(steps: Steps<T>, opts: { signal?: AbortSignal; deadlineMs?: number; what?: string } = {}): T {
  const started = performance.now();
  for (;;) {
    opts.signal?.throwIfAborted();
    if (opts.deadlineMs !== undefined && performance.now() - started >= opts.deadlineMs) {
      throw new DeadlineExceededError(opts.what ?? 'The hotspot analysis', opts.deadlineMs, 5);
    }
    const r = steps.next();
    if (r.done) return r.value;
  }
}

function* simulatedP(x: Float64Array, W: Neighbours, opts: LocalOptions): Steps<Float64Array | undefined> {
  const P = opts.permutations ?? 0;
  if (!P) return undefined;
  const counts = yield* permutationCountSteps(x, W, P, opts.seed ?? 12345);
  const pSim = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) pSim[i] = counts[i] === NO_COUNT ? NaN : (counts[i] + 1) / (P + 1);
  return pSim;
}

/**
 * Getis–Ord Gi* per unit, step-wise:
 * Gi* = (Σ_j w_ij x_j − X̄ W_i) / (S · sqrt((n S1_i − W_i²) / (n − 1))), sums over j including i with
 * w_ii = focalWeight, W_i = Σ_j w_ij, S1_i = Σ_j w_ij², X̄ and S the mean and (population) standard
 * deviation of all n values (indicators.md §11.3; Ord & Getis 1995 eq. 4 with the star). Positive = hot.
 *
 * The analytic p treats every value as random; the permutation p keeps x_i fixed (conditional), so for a
 * unit with an extreme value of its own but ordinary neighbours the two differ by design.
 */
export function* getisOrdGiStarSteps(x: Float64Array, W: Neighbours, opts: GiStarOptions = {}): Steps<GiStarResult> {
  checkValues(x, W);
  const wii = opts.focalWeight ?? 1;
  if (!Number.isFinite(wii) || wii < 0) throw new HotspotInputError(`focalWeight must be a finite number ≥ 0, not ${wii}.`);
  const n = x.length;
  const { mean, m2 } = meanAndVariance(x);
  const S = Math.sqrt(m2);
  const islands = islandsOf(W);
  const isIsland = new Uint8Array(n);
  for (const i of islands) isIsland[i] = 1;
  const z = new Float64Array(n), p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (isIsland[i]) { z[i] = NaN; p[i] = NaN; continue; }
    let lag = wii * x[i], wSum = wii, w2 = wii * wii;
    for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) { const w = W.weights[a]; lag += w * x[W.ids[a]]; wSum += w; w2 += w * w; }
    const den = S * Math.sqrt((n * w2 - wSum * wSum) / (n - 1));
    z[i] = den > 0 ? (lag - mean * wSum) / den : NaN;
    p[i] = twoSidedP(z[i]);
    if (i % 65536 === 65535) yield;
  }
  const pSim = yield* simulatedP(x, W, opts);
  const pUsed = pSim ?? p;
  const bin = opts.fdr ? fdrBins(pUsed, z) : confidenceBins(pUsed, z);
  return { z, p, ...(pSim ? { pSim } : {}), bin, islands, binsFrom: { p: pSim ? 'permutation' : 'analytic', fdr: !!opts.fdr } };
}

/** Getis–Ord Gi* in one go (see getisOrdGiStarSteps). */
export function getisOrdGiStar(x: Float64Array, W: Neighbours, opts: GiStarOptions = {}): GiStarResult {
  return drain(getisOrdGiStarSteps(x, W, opts), { ...opts, what: 'The Gi* hotspot analysis' });
}

/**
 * Local Moran's I per unit, step-wise (Anselin 1995): I_i = (z_i / m2) Σ_j w_ij z_j, E[I_i] = −w_i/(n−1),
 * Var[I_i] = w_i(2)(n − b2)/(n−1) + 2w_i(kh)(2b2 − n)/((n−1)(n−2)) − w_i²/(n−1)², with w_i = Σ_j w_ij,
 * w_i(2) = Σ_j w_ij², 2w_i(kh) = Σ_{k≠h} w_ik w_ih = w_i² − w_i(2), b2 = m4/m2². Usually run on
 * row-standardised weights (rowStandardise).
 */
export function* localMoranSteps(x: Float64Array, W: Neighbours, opts: LocalOptions & { alpha?: number } = {}): Steps<LocalMoranResult> {
  checkValues(x, W);
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new HotspotInputError(`alpha must lie strictly between 0 and 1, not ${alpha}.`);
  const n = x.length;
  const { mean, m2 } = meanAndVariance(x);
  let m4 = 0;
  for (let i = 0; i < n; i++) m4 += (x[i] - mean) ** 4;
  m4 /= n;
  const b2 = m4 / (m2 * m2);
  const islands = islandsOf(W);
  const isIsland = new Uint8Array(n);
  for (const i of islands) isIsland[i] = 1;
  const I = new Float64Array(n), z = new Float64Array(n), p = new Float64Array(n), lagOf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (isIsland[i]) { I[i] = z[i] = p[i] = NaN; continue; }
    let lag = 0, wi = 0, wi2 = 0;
    for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) { const w = W.weights[a]; lag += w * (x[W.ids[a]] - mean); wi += w; wi2 += w * w; }
    lagOf[i] = lag;
    I[i] = ((x[i] - mean) / m2) * lag;
    const e = -wi / (n - 1);
    const v = (wi2 * (n - b2)) / (n - 1) + ((wi * wi - wi2) * (2 * b2 - n)) / ((n - 1) * (n - 2)) - e * e;
    z[i] = v > 0 ? (I[i] - e) / Math.sqrt(v) : NaN;
    p[i] = twoSidedP(z[i]);
    if (i % 65536 === 65535) yield;
  }
  const pSim = yield* simulatedP(x, W, opts);
  const pUsed = pSim ?? p;
  const significant = opts.fdr ? benjaminiHochberg(pUsed, alpha) : Array.from(pUsed, (v) => v <= alpha);
  const quadrant = new Array<Quadrant>(n);
  for (let i = 0; i < n; i++) {
    const zi = x[i] - mean, l = lagOf[i];
    quadrant[i] = !significant[i] || zi === 0 || l === 0 ? 'ns' : zi > 0 ? (l > 0 ? 'HH' : 'HL') : (l > 0 ? 'LH' : 'LL');
  }
  return { I, z, p, ...(pSim ? { pSim } : {}), quadrant, islands, binsFrom: { p: pSim ? 'permutation' : 'analytic', fdr: !!opts.fdr, alpha } };
}

/** Local Moran's I in one go (see localMoranSteps). */
export function localMoran(x: Float64Array, W: Neighbours, opts: LocalOptions & { alpha?: number } = {}): LocalMoranResult {
  return drain(localMoranSteps(x, W, opts), { ...opts, what: 'The local Moran analysis' });
}
