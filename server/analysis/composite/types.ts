/**
 * Shapes of the composite-index library (综合指数: normalisation, weights, weighted sum, TOPSIS,
 * obstacle degree 障碍度). One implementation shared by the health check (城市健康指数), the
 * diagnosis (disease score per grid cell or admin unit) and the renewal ranking.
 *
 * Matrices are `[unit][criterion]`: one row per unit (city, 街道, cell, estate …), one column per
 * criterion in the order of `criteria`. `null` marks a missing value.
 */

/** benefit: higher is better (e.g. park coverage); cost: lower is better (e.g. waterlogging density). */
export type Direction = 'benefit' | 'cost';
/** target: clamp(x/target) or clamp(target/x), comparable across years; minmax: within this set of units. */
export type NormMethod = 'target' | 'minmax';
/** equal 1/m; expert: given per criterion code; entropy: 熵权法 from the normalised matrix. */
export type WeightMethod = 'equal' | 'expert' | 'entropy';

export interface Criterion {
  /** Indicator code, unique within one input. */
  code: string;
  direction: Direction;
  /** Target value in the indicator's unit; required for target-based normalisation. */
  target?: number | null;
  /** Expert weight (any positive scale; normalised to sum 1); `expertWeights[code]` wins over it. */
  weight?: number | null;
}

export interface CompositeInput {
  criteria: Criterion[];
  /** Raw indicator values `[unit][criterion]`, in the indicators' own units. */
  values: (number | null)[][];
  norm: NormMethod;
  weights: WeightMethod;
  /** Expert weights by criterion code (used when `weights` is 'expert'). */
  expertWeights?: Record<string, number>;
}

export interface CompositeResult {
  /** Weights per criterion, summing to 1 (before any per-unit renormalisation for missing values). */
  weights: number[];
  /** Normalised scores s_ij in [0,1], 1 = best, `[unit][criterion]`; null where the value is missing. */
  normalised: (number | null)[][];
  /** Per-unit score in [0,1] (weighted sum, or TOPSIS closeness); null when no criterion is present. */
  scores: (number | null)[];
  /** Obstacle degree O_ij in [0,1] per unit and criterion (a unit's present criteria sum to 1, or all 0 when the unit is perfect). */
  obstacle: (number | null)[][];
  /** The method as it should be shown next to every index value. */
  method: { norm: NormMethod; weights: WeightMethod; missing: string };
}
