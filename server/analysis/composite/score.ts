/**
 * Weighted-sum index, TOPSIS closeness and obstacle degree (障碍度) over a normalised matrix
 * (indicators.md §11.2). No official composite 城市健康指数 formula exists (§11, UNCONFIRMED), so every
 * result carries its method, to be shown next to the index value.
 */
import { CompositeInputError } from './composite-error.ts';
import { normaliseMatrix } from './normalise.ts';
import type { CompositeInput, CompositeResult } from './types.ts';
import { entropyWeights, equalWeights, expertWeights } from './weights.ts';

/** The one missing-value policy, stated in every result. */
export const MISSING_POLICY =
  'A missing value (null) leaves its criterion out for that unit: the weights are renormalised over the criteria present '
  + 'for the unit (weighted sum), TOPSIS distances and obstacle degrees use only the present criteria, and entropy weights '
  + 'count only the units that have the criterion; a unit with no criterion present has no score (null).';

/**
 * Per-unit weighted sum Σ_j w_j s_ij / Σ_{j present} w_j (weights renormalised over the present criteria);
 * null where no criterion with a positive weight is present. Re-usable for a fast re-rank after a weight change.
 */
export function weightedScores(normalised: readonly (readonly (number | null)[])[], weights: readonly number[]): (number | null)[] {
  return normalised.map((row) => {
    let num = 0, den = 0;
    for (let j = 0; j < weights.length; j++) {
      const s = row[j];
      if (s === null) continue;
      num += weights[j] * s;
      den += weights[j];
    }
    return den > 0 ? num / den : null;
  });
}

/**
 * Obstacle degree O_ij = w_j (1 − s_ij) / Σ_j w_j (1 − s_ij) over the criteria present for unit i:
 * the share of the unit's shortfall that criterion j causes. A unit scoring 1 everywhere has no
 * obstacle: all its present O_ij are 0. Null where s_ij is missing.
 */
export function obstacleDegrees(normalised: readonly (readonly (number | null)[])[], weights: readonly number[]): (number | null)[][] {
  return normalised.map((row) => {
    let den = 0;
    for (let j = 0; j < weights.length; j++) { const s = row[j]; if (s !== null) den += weights[j] * (1 - s); }
    return weights.map((w, j) => {
      const s = row[j];
      if (s === null) return null;
      return den > 0 ? (w * (1 - s)) / den : 0;
    });
  });
}

/**
 * TOPSIS closeness C_i = D−_i / (D+_i + D−_i) with D±_i = sqrt(Σ_j w_j² (s_ij − ideal±_j)²), the positive
 * ideal being the best observed normalised value of each criterion (max, since 1 = best) and the negative
 * ideal the worst (min). A unit at the positive ideal scores 1 (also when D− is 0 too); null where no
 * criterion is present.
 */
export function topsisCloseness(normalised: readonly (readonly (number | null)[])[], weights: readonly number[]): (number | null)[] {
  const m = weights.length;
  const best = new Array<number>(m).fill(-Infinity), worst = new Array<number>(m).fill(Infinity);
  for (const row of normalised) {
    for (let j = 0; j < m; j++) {
      const s = row[j];
      if (s === null) continue;
      if (s > best[j]) best[j] = s;
      if (s < worst[j]) worst[j] = s;
    }
  }
  return normalised.map((row) => {
    let plus = 0, minus = 0, present = 0;
    for (let j = 0; j < m; j++) {
      const s = row[j];
      if (s === null) continue;
      present++;
      const w2 = weights[j] * weights[j];
      plus += w2 * (s - best[j]) ** 2;
      minus += w2 * (s - worst[j]) ** 2;
    }
    if (!present) return null;
    const dPlus = Math.sqrt(plus), dMinus = Math.sqrt(minus);
    return dPlus === 0 ? 1 : dMinus / (dPlus + dMinus);
  });
}

function validate(input: CompositeInput): void {
  const { criteria, values } = input;
  if (!Array.isArray(criteria) || criteria.length === 0) throw new CompositeInputError('A composite index needs at least one indicator.');
  const seen = new Set<string>();
  for (const c of criteria) {
    if (seen.has(c.code)) throw new CompositeInputError(`Indicator ${c.code} is listed twice.`, { code: c.code });
    seen.add(c.code);
    if (c.direction !== 'benefit' && c.direction !== 'cost') throw new CompositeInputError(`Indicator ${c.code}: direction must be 'benefit' or 'cost', not '${String(c.direction)}'.`, { code: c.code });
  }
  values.forEach((row, i) => {
    if (row.length !== criteria.length) throw new CompositeInputError(`Unit ${i} has ${row.length} values for ${criteria.length} indicators.`, { unit: i });
  });
}

function weightsFor(input: CompositeInput, normalised: (number | null)[][]): number[] {
  const m = input.criteria.length;
  switch (input.weights) {
    case 'equal': return equalWeights(m);
    case 'expert': return expertWeights(input.criteria, input.expertWeights);
    case 'entropy': return normalised.length ? entropyWeights(normalised) : equalWeights(m);
    default: throw new CompositeInputError(`Unknown weighting '${String(input.weights)}'; use 'equal', 'expert' or 'entropy'.`);
  }
}

function prepare(input: CompositeInput): { normalised: (number | null)[][]; weights: number[] } {
  validate(input);
  const normalised = normaliseMatrix(input.values, input.criteria, input.norm);
  return { normalised, weights: weightsFor(input, normalised) };
}

/**
 * The composite index: normalise each indicator, weight, and sum per unit (scores in [0,1], ×100 for an
 * index), with the obstacle degree of each indicator per unit. Throws CompositeInputError (400) on input
 * that cannot be scored.
 *
 * @example composite({ criteria: [{ code: 'park', direction: 'benefit', target: 0.9 }], values: [[0.45]], norm: 'target', weights: 'equal' }).scores // [0.5]
 */
export function composite(input: CompositeInput): CompositeResult {
  const { normalised, weights } = prepare(input);
  return {
    weights,
    normalised,
    scores: weightedScores(normalised, weights),
    obstacle: obstacleDegrees(normalised, weights),
    method: { norm: input.norm, weights: input.weights, missing: MISSING_POLICY },
  };
}

/**
 * TOPSIS over the same normalised, weighted matrix (§11.2; used for the Xining city-health index [S57]):
 * `scores` and `closeness` are C_i in [0,1]; obstacle degrees as in `composite`.
 */
export function topsis(input: CompositeInput): CompositeResult & { closeness: (number | null)[] } {
  const { normalised, weights } = prepare(input);
  const closeness = topsisCloseness(normalised, weights);
  return {
    weights,
    normalised,
    scores: closeness,
    closeness,
    obstacle: obstacleDegrees(normalised, weights),
    method: { norm: input.norm, weights: input.weights, missing: MISSING_POLICY },
  };
}
