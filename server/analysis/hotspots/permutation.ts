/**
 * Conditional permutation inference for local statistics (Anselin 1995 §4): for unit i the value x_i
 * stays put and its k_i neighbour slots are filled with a random sample, without replacement, of the
 * other n − 1 values; P such samples give the reference distribution of the neighbour sum Σ_j w_ij x_j.
 *
 * Both Gi* and local Moran's I are, for a fixed unit, increasing or decreasing linear functions of that
 * neighbour sum, so one count serves both: a permutation counts as "at least as extreme" when its sum
 * lies at least as far from the sum's exact conditional mean, (Σ_j w_ij)·mean(x without x_i), as the
 * observed one (two-sided), and p = (count + 1) / (P + 1).
 *
 * Speed (100k units × 999 permutations in well under a second): as in PySAL esda's `crand`, the P random
 * samples are drawn once and shared by all units; each row holds k_max + 1 distinct indices of [0, n),
 * and unit i uses the first k_i of them with i itself, if drawn, replaced by the spare last one — still a
 * uniform sample of the other n − 1 values. When a unit's weights are all equal (contiguity, distance
 * bands, k-nearest, row-standardised versions of these) its permutation sums depend only on k_i, so the
 * P sums for each k are computed and sorted once and every unit needs two binary searches plus a
 * correction for the few samples that drew the unit itself. Units with unequal weights (e.g. inverse
 * distance) take the plain loop over their P samples. Sharing draws makes the p-values of units with the
 * same k depend on the same samples (each is still exact for its unit); this is the usual trade-off of
 * esda and is stated here rather than hidden.
 */
import { HotspotInputError } from './hotspot-error.ts';
import type { Neighbours } from './neighbours.ts';
import { mulberry32 } from './random.ts';

/** Cells handled between two yields of the step-wise computations. */
export const CHUNK = 8192;

/** Marks the islands' counts (no neighbours: no permutation test). */
export const NO_COUNT = -1;

/** P rows of kmax + 1 distinct indices in [0, n), seeded. */
export function drawSamples(n: number, permutations: number, kmax: number, seed: number): Int32Array {
  const width = kmax + 1;
  if (width > n) throw new HotspotInputError(`A unit has ${kmax} neighbours among ${n} units; permutation needs more units than that.`);
  const rnd = mulberry32(seed);
  const r = new Int32Array(permutations * width);
  const seen = new Int32Array(n);
  for (let p = 0; p < permutations; p++) {
    const stamp = p + 1, base = p * width;
    for (let t = 0; t < width; t++) {
      let v: number;
      do { v = Math.floor(rnd() * n); } while (seen[v] === stamp);
      seen[v] = stamp;
      r[base + t] = v;
    }
  }
  return r;
}

function upperBound(sorted: Float64Array, v: number): number { // number of entries ≤ v
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid] <= v) lo = mid + 1; else hi = mid; }
  return lo;
}
function lowerBound(sorted: Float64Array, v: number): number { // number of entries < v
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid] < v) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * Two-sided conditional-permutation counts per unit (NO_COUNT for islands), step-wise: yields every
 * CHUNK units so a WorkBudget can share the event loop and enforce a deadline.
 */
export function* permutationCountSteps(x: Float64Array, W: Neighbours, permutations: number, seed: number): Generator<void, Int32Array, void> {
  const n = x.length;
  if (!Number.isInteger(permutations) || permutations < 1 || permutations > 99_999) throw new HotspotInputError(`permutations must be a whole number between 1 and 99999, not ${permutations}.`);
  const { offsets, ids, weights } = W;
  let kmax = 0, total = 0, maxAbs = 0;
  for (let i = 0; i < n; i++) { kmax = Math.max(kmax, offsets[i + 1] - offsets[i]); total += x[i]; maxAbs = Math.max(maxAbs, Math.abs(x[i])); }
  const counts = new Int32Array(n).fill(NO_COUNT);
  if (kmax === 0) return counts;
  const width = kmax + 1;
  const r = drawSamples(n, permutations, kmax, seed);
  yield;
  // prefix sums of the drawn values per permutation: pre[p·width + k] = Σ_{t<k} x[r[p, t]]
  const pre = new Float64Array(permutations * width);
  for (let p = 0; p < permutations; p++) {
    let s = 0;
    for (let t = 0; t < kmax; t++) { pre[p * width + t] = s; s += x[r[p * width + t]]; }
    pre[p * width + kmax] = s;
  }
  // which (permutation, slot) drew each unit, for the self-draw correction
  const invStart = new Int32Array(n + 1);
  for (let p = 0; p < permutations; p++) for (let t = 0; t < kmax; t++) invStart[r[p * width + t] + 1]++;
  for (let i = 0; i < n; i++) invStart[i + 1] += invStart[i];
  const invAt = invStart.slice(0, n), inv = new Int32Array(invStart[n]);
  for (let p = 0; p < permutations; p++) for (let t = 0; t < kmax; t++) inv[invAt[r[p * width + t]]++] = p * width + t;

  const sortedByK = new Map<number, Float64Array>();
  const sortedFor = (k: number) => {
    let s = sortedByK.get(k);
    if (!s) {
      s = new Float64Array(permutations);
      for (let p = 0; p < permutations; p++) s[p] = pre[p * width + k];
      s.sort();
      sortedByK.set(k, s);
    }
    return s;
  };

  for (let i = 0; i < n; i++) {
    if (i % CHUNK === CHUNK - 1) yield;
    const a = offsets[i], k = offsets[i + 1] - a;
    let wSum = 0, equal = true;
    for (let t = 0; t < k; t++) { wSum += weights[a + t]; if (weights[a + t] !== weights[a]) equal = false; }
    if (!(wSum > 0)) continue; // island
    const meanOthers = (total - x[i]) / (n - 1);
    if (equal) {
      let obs = 0;
      for (let t = 0; t < k; t++) obs += x[ids[a + t]];
      const e = k * meanOthers, d = Math.abs(obs - e), tol = 1e-9 * k * (maxAbs || 1);
      if (d <= tol) { counts[i] = permutations; continue; }
      const lo = e - d + tol, hi = e + d - tol;
      const sorted = sortedFor(k);
      let c = upperBound(sorted, lo) + (permutations - lowerBound(sorted, hi));
      for (let q = invStart[i]; q < invStart[i + 1]; q++) {
        const slot = inv[q], t = slot % width;
        if (t >= k) continue;
        const base = slot - t;
        const s = pre[base + k];
        if (s <= lo || s >= hi) c--;
        const fixed = s - x[i] + x[r[base + kmax]];
        if (fixed <= lo || fixed >= hi) c++;
      }
      counts[i] = c;
    } else {
      let obs = 0;
      for (let t = 0; t < k; t++) obs += weights[a + t] * x[ids[a + t]];
      const e = wSum * meanOthers, d = Math.abs(obs - e), tol = 1e-9 * wSum * (maxAbs || 1);
      if (d <= tol) { counts[i] = permutations; continue; }
      let c = 0;
      for (let p = 0, base = 0; p < permutations; p++, base += width) {
        let s = 0;
        for (let t = 0; t < k; t++) { let u = r[base + t]; if (u === i) u = r[base + kmax]; s += weights[a + t] * x[u]; }
        if (Math.abs(s - e) >= d - tol) c++;
      }
      counts[i] = c;
    }
  }
  return counts;
}
