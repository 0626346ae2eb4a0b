/**
 * Composite indices (综合指数): normalisation, weights (equal / expert / entropy 熵权法), weighted sum,
 * TOPSIS and obstacle degree (障碍度), as in indicators.md §11.1–11.2. Pure functions over arrays: no
 * database, no Fastify. Used by the health check (城市健康指数), the diagnosis (disease score) and the
 * renewal ranking — one implementation.
 */
export type { CompositeInput, CompositeResult, Criterion, Direction, NormMethod, WeightMethod } from './types.ts';
export { CompositeInputError } from './composite-error.ts';
export { normalise, normaliseMatrix } from './normalise.ts';
export { entropyWeights, equalWeights, expertWeights } from './weights.ts';
export { MISSING_POLICY, composite, obstacleDegrees, topsis, topsisCloseness, weightedScores } from './score.ts';
