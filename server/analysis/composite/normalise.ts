/**
 * Normalisation of one indicator column to s in [0,1], 1 = best (indicators.md §11.1).
 */
import { CompositeInputError } from './composite-error.ts';
import type { Criterion, NormMethod } from './types.ts';

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

function checkFinite(values: readonly (number | null)[], c: Criterion): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && !Number.isFinite(v)) {
      throw new CompositeInputError(`Indicator ${c.code}: value of unit ${i} is ${v}; values must be finite numbers or null (missing).`, { code: c.code, unit: i });
    }
  }
}

/**
 * Normalises one indicator column; nulls stay null.
 *
 * - `target` (design recommendation of §11.1, comparable across years): benefit `clamp(x / target, 0, 1)`,
 *   cost `clamp(target / x, 0, 1)` with x ≤ 0 scoring 1 for a cost indicator (nothing bad at all is the
 *   best possible). The target must be a positive finite number.
 * - `minmax` (§11.1, CONFIRMED [S58]): benefit `(x − min) / (max − min)`, cost `(max − x) / (max − min)`
 *   over the non-null values. A column whose values are all equal carries no ranking information; every
 *   present value then scores 1 (no unit is penalised for a difference that does not exist).
 *
 * @example normalise([50, 100, 200], { code: 'park', direction: 'benefit', target: 100 }, 'target') // [0.5, 1, 1]
 */
export function normalise(values: readonly (number | null)[], c: Criterion, method: NormMethod): (number | null)[] {
  checkFinite(values, c);
  if (method === 'target') {
    const t = c.target;
    if (t === null || t === undefined || !Number.isFinite(t) || t <= 0) {
      throw new CompositeInputError(`Indicator ${c.code} has no usable target (${t ?? 'none'}); target-based scoring needs a positive target, or use min–max normalisation.`, { code: c.code });
    }
    return values.map((x) => (x === null ? null : c.direction === 'benefit' ? clamp01(x / t) : x <= 0 ? 1 : clamp01(t / x)));
  }
  if (method !== 'minmax') throw new CompositeInputError(`Unknown normalisation '${String(method)}'; use 'target' or 'minmax'.`);
  let min = Infinity, max = -Infinity;
  for (const x of values) if (x !== null) { if (x < min) min = x; if (x > max) max = x; }
  const range = max - min;
  return values.map((x) => {
    if (x === null) return null;
    if (!(range > 0)) return 1;
    return c.direction === 'benefit' ? (x - min) / range : (max - x) / range;
  });
}

/** Normalises every column of a `[unit][criterion]` matrix. */
export function normaliseMatrix(values: readonly (readonly (number | null)[])[], criteria: readonly Criterion[], method: NormMethod): (number | null)[][] {
  const n = values.length, m = criteria.length;
  const out: (number | null)[][] = Array.from({ length: n }, () => new Array<number | null>(m).fill(null));
  for (let j = 0; j < m; j++) {
    const col = normalise(values.map((row) => row[j]), criteria[j], method);
    for (let i = 0; i < n; i++) out[i][j] = col[i];
  }
  return out;
}
