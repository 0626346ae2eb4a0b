/**
 * Criterion weights (indicators.md §11.2): equal, expert, entropy (熵权法).
 */
import { CompositeInputError } from './composite-error.ts';
import type { Criterion } from './types.ts';

/** 1/m for each of m criteria. */
export function equalWeights(m: number): number[] {
  return new Array<number>(m).fill(1 / m);
}

/**
 * Expert weights by code (`byCode[code]`, else the criterion's own `weight`), scaled to sum 1.
 * Every criterion needs a finite weight ≥ 0 and at least one must be positive.
 */
export function expertWeights(criteria: readonly Criterion[], byCode: Readonly<Record<string, number>> = {}): number[] {
  const known = new Set(criteria.map((c) => c.code));
  const unknown = Object.keys(byCode).filter((k) => !known.has(k));
  if (unknown.length) throw new CompositeInputError(`Expert weights name unknown indicators: ${unknown.join(', ')}. Known: ${[...known].join(', ')}.`, { unknown });
  const raw = criteria.map((c) => (Object.hasOwn(byCode, c.code) ? byCode[c.code] : c.weight));
  const bad = criteria.filter((_, j) => { const w = raw[j]; return w === null || w === undefined || !Number.isFinite(w) || w < 0; });
  if (bad.length) throw new CompositeInputError(`Expert weights must be finite numbers ≥ 0 for every indicator; missing or invalid for: ${bad.map((c) => c.code).join(', ')}.`, { codes: bad.map((c) => c.code) });
  const sum = (raw as number[]).reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new CompositeInputError('Expert weights are all zero; at least one indicator needs a positive weight.');
  return (raw as number[]).map((w) => w / sum);
}

/**
 * Entropy weights (熵权法) from a normalised matrix `[unit][criterion]` with s in [0,1]
 * (§11.2, the textbook form): p_ij = s_ij / Σ_i s_ij, e_j = −(1/ln n_j) Σ_i p_ij ln p_ij (0·ln 0 = 0),
 * d_j = 1 − e_j, w_j = d_j / Σ_j d_j.
 *
 * Missing values: n_j counts the units where criterion j is present, so a criterion is judged by the
 * units that have it. A column that cannot diverge (fewer than two values, or all values 0) gets
 * e_j = 1, hence weight 0. When no column diverges at all, the weights fall back to equal (there is
 * no information to prefer any criterion) — shown as such by the caller's method string.
 */
export function entropyWeights(normalised: readonly (readonly (number | null)[])[]): number[] {
  const n = normalised.length;
  const m = n ? normalised[0].length : 0;
  const d = new Array<number>(m).fill(0);
  for (let j = 0; j < m; j++) {
    let sum = 0, count = 0;
    for (let i = 0; i < n; i++) {
      const s = normalised[i][j];
      if (s === null) continue;
      if (!Number.isFinite(s) || s < 0) throw new CompositeInputError(`Entropy weights need normalised values ≥ 0; criterion ${j}, unit ${i} is ${s}.`);
      sum += s; count++;
    }
    if (count < 2 || !(sum > 0)) continue;
    let h = 0;
    for (let i = 0; i < n; i++) {
      const s = normalised[i][j];
      if (s === null || s === 0) continue;
      const p = s / sum;
      h -= p * Math.log(p);
    }
    const e = h / Math.log(count);
    d[j] = Math.max(0, 1 - e);
  }
  const total = d.reduce((a, b) => a + b, 0);
  return total > 0 ? d.map((x) => x / total) : equalWeights(m);
}
