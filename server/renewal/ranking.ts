/**
 * Ranking of renewal candidates (更新候选排序) with the composite library (weighted sum or TOPSIS over
 * min–max normalised criteria; server/analysis/composite), the reasons behind each rank, a fast
 * re-rank for new weights, and the sensitivity of the top N to each weight moving ±20 %.
 * Pure functions: no database, no Fastify.
 */
import { composite, topsis, topsisCloseness, weightedScores } from '../analysis/composite/index.ts';
import { RenewalInputError } from './renewal-error.ts';

export type RankMethod = 'weighted_sum' | 'topsis';

export interface RankCriterion { code: string; direction: 'benefit' | 'cost' }

export interface RankInput {
  ids: readonly number[];
  criteria: readonly RankCriterion[];
  /** Raw values `[candidate][criterion]`. */
  values: (number | null)[][];
  /** Weights by criterion code (any non-negative scale; normalised to sum 1). */
  weights: Readonly<Record<string, number>>;
  method: RankMethod;
}

export interface RankReason { code: string; value: number | null; normalised: number; share: number }

export interface RankedCandidate { id: number; rank: number; score: number | null; normalised: (number | null)[]; reasons: RankReason[] }

export interface RankResult {
  weights: number[];
  method: { rank: RankMethod; norm: 'minmax'; missing: string };
  ranked: RankedCandidate[];
  /** Normalised matrix in input order, kept for re-ranking with other weights. */
  normalised: (number | null)[][];
}

/** Order of candidates: score descending (null last), then id ascending so ties are stable. */
export function orderByScore(ids: readonly number[], scores: readonly (number | null)[]): number[] {
  return ids.map((_, i) => i).sort((a, b) => {
    const sa = scores[a], sb = scores[b];
    if (sa === null || sb === null) return sa === sb ? ids[a] - ids[b] : sa === null ? 1 : -1;
    return sb - sa || ids[a] - ids[b];
  });
}

/**
 * The first `n` of `orderByScore` without sorting everything: a bounded insertion list, O(N·n) —
 * for the small top N of the sensitivity view over thousands of candidates.
 */
export function topByScore(ids: readonly number[], scores: readonly (number | null)[], n: number): number[] {
  const before = (a: number, b: number) => {
    const sa = scores[a], sb = scores[b];
    if (sa === null || sb === null) return sa === sb ? ids[a] < ids[b] : sb === null;
    return sa > sb || (sa === sb && ids[a] < ids[b]);
  };
  const top: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (top.length === n && !before(i, top[n - 1])) continue;
    let k = Math.min(top.length, n - 1);
    if (top.length < n) top.push(i);
    while (k > 0 && before(i, top[k - 1])) { top[k] = top[k - 1]; k--; }
    top[k] = i;
  }
  return top;
}

/** Scores for new weights over an already normalised matrix (no renormalisation: weight sliders). */
export function rescore(normalised: (number | null)[][], weights: readonly number[], method: RankMethod): (number | null)[] {
  return method === 'topsis' ? topsisCloseness(normalised, weights) : weightedScores(normalised, weights);
}

/**
 * Ranks candidates: normalises (min–max; a column where every candidate has the same value scores 1
 * for all), weights (expert weights from `weights`), scores, orders, and names for each candidate the
 * criteria that contribute most (share = w_j s_ij / Σ_j w_j s_ij, at most three, zero shares left out)
 * — for the first `reasonsFor` ranks only when the caller shows no more.
 */
export function rankCandidates(input: RankInput, topReasons = 3, reasonsFor = Infinity): RankResult {
  if (input.values.length !== input.ids.length) throw new RenewalInputError('ranking: one row of values per candidate is required');
  const criteria = input.criteria.map((c) => ({ code: c.code, direction: c.direction }));
  const missingWeight = criteria.filter((c) => !Object.hasOwn(input.weights, c.code));
  if (missingWeight.length) throw new RenewalInputError(`weights must name every criterion; missing: ${missingWeight.map((c) => c.code).join(', ')}`);
  const res = (input.method === 'topsis' ? topsis : composite)({
    criteria, values: input.values, norm: 'minmax', weights: 'expert', expertWeights: { ...input.weights },
  });
  const order = orderByScore(input.ids, res.scores);
  // A column where every candidate has the same value scores 1 for all: it shifts every score alike
  // and explains no rank, so it is never given as a reason.
  const informative = criteria.map((_, j) => {
    let lo = Infinity, hi = -Infinity;
    for (const row of input.values) { const x = row[j]; if (x !== null) { lo = Math.min(lo, x); hi = Math.max(hi, x); } }
    return hi > lo;
  });
  const ranked = order.map((i, k) => {
    const row = res.normalised[i];
    if (k >= reasonsFor) return { id: input.ids[i], rank: k + 1, score: res.scores[i], normalised: row, reasons: [] };
    const contrib = row.map((s, j) => (s === null ? 0 : res.weights[j] * s));
    const total = contrib.reduce((a, b) => a + b, 0);
    const reasons = contrib
      .map((c, j) => ({ code: criteria[j].code, value: input.values[i][j], normalised: row[j] ?? 0, share: total > 0 ? c / total : 0 }))
      .filter((r, j) => r.share > 0 && informative[j])
      .sort((a, b) => b.share - a.share)
      .slice(0, topReasons);
    return { id: input.ids[i], rank: k + 1, score: res.scores[i], normalised: row, reasons };
  });
  return { weights: res.weights, method: { rank: input.method, norm: 'minmax', missing: res.method.missing }, ranked, normalised: res.normalised };
}

export interface SensitivityRow {
  code: string;
  /** Weight factor applied to this criterion before renormalising (0.8 or 1.2). */
  factor: number;
  /** Ids of the top N with the moved weight. */
  top: number[];
  entered: number[];
  left: number[];
  /** |top ∩ base top| / N. */
  overlap: number;
  /** Positions of the top N held by another candidate than in the base order (rank changes inside the top N count too). */
  moved: number;
}

/**
 * How the top N changes when each criterion's weight moves by ±`delta` (default 20 %) and the weights
 * are renormalised; criteria with weight 0 stay 0 under any factor and are skipped.
 */
export function sensitivity(
  ids: readonly number[], normalised: (number | null)[][], criteria: readonly RankCriterion[], weights: readonly number[],
  method: RankMethod, topN: number, delta = 0.2,
): { topN: number; delta: number; base: number[]; rows: SensitivityRow[] } {
  const top = (scores: (number | null)[]) => topByScore(ids, scores, topN).map((i) => ids[i]);
  const base = top(rescore(normalised, weights, method));
  const baseSet = new Set(base);
  const rows: SensitivityRow[] = [];
  criteria.forEach((c, j) => {
    if (!(weights[j] > 0)) return;
    for (const factor of [1 - delta, 1 + delta]) {
      const w = weights.map((x, k) => (k === j ? x * factor : x));
      const sum = w.reduce((a, b) => a + b, 0);
      const t = top(rescore(normalised, w.map((x) => x / sum), method));
      const tSet = new Set(t);
      rows.push({
        code: c.code, factor: Math.round(factor * 1000) / 1000, top: t,
        entered: t.filter((id) => !baseSet.has(id)), left: base.filter((id) => !tSet.has(id)),
        overlap: base.length ? t.filter((id) => baseSet.has(id)).length / base.length : 1,
        moved: t.filter((id, k) => base[k] !== id).length,
      });
    }
  });
  return { topN, delta, base, rows };
}
