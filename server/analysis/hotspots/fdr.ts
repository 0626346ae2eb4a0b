/**
 * Multiple testing and ArcGIS-style confidence bins (Gi_Bin): +3/−3 hot/cold at 99 %, ±2 at 95 %,
 * ±1 at 90 %, 0 not significant; the sign is the sign of z.
 */

/**
 * Benjamini–Hochberg (1995) step-up procedure: sort the m finite p-values, find the largest rank k with
 * p_(k) ≤ k·alpha/m, and reject the k smallest. NaN p-values (islands) are not tests: never rejected,
 * not counted in m.
 */
export function benjaminiHochberg(p: Float64Array, alpha: number): boolean[] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), not ${alpha}`);
  const order: number[] = [];
  for (let i = 0; i < p.length; i++) if (!Number.isNaN(p[i])) order.push(i);
  order.sort((a, b) => p[a] - p[b] || a - b);
  const m = order.length;
  let k = 0;
  for (let r = m; r >= 1; r--) if (p[order[r - 1]] <= (r * alpha) / m) { k = r; break; }
  const out = new Array<boolean>(p.length).fill(false);
  for (let r = 0; r < k; r++) out[order[r]] = true;
  return out;
}

const LEVELS = [[3, 0.01], [2, 0.05], [1, 0.10]] as const;

/** Uncorrected bins: |bin| = 3 for p ≤ 0.01, 2 for p ≤ 0.05, 1 for p ≤ 0.10. */
export function confidenceBins(p: Float64Array, z: Float64Array): Int8Array {
  const bin = new Int8Array(p.length);
  for (let i = 0; i < p.length; i++) {
    if (Number.isNaN(p[i]) || Number.isNaN(z[i]) || z[i] === 0) continue;
    for (const [level, alpha] of LEVELS) if (p[i] <= alpha) { bin[i] = z[i] > 0 ? level : -level; break; }
  }
  return bin;
}

/**
 * FDR-corrected bins as ArcGIS Hot Spot Analysis does them: Benjamini–Hochberg at each confidence level
 * (α = 0.01, 0.05, 0.10) and the highest level a unit passes.
 */
export function fdrBins(p: Float64Array, z: Float64Array): Int8Array {
  const bin = new Int8Array(p.length);
  const passed = LEVELS.map(([, alpha]) => benjaminiHochberg(p, alpha));
  for (let i = 0; i < p.length; i++) {
    if (Number.isNaN(z[i]) || z[i] === 0) continue;
    for (let l = 0; l < LEVELS.length; l++) if (passed[l][i]) { bin[i] = z[i] > 0 ? LEVELS[l][0] : -LEVELS[l][0]; break; }
  }
  return bin;
}
