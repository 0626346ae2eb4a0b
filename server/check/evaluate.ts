/**
 * Evaluation (评价) and early warning (监测预警) of one indicator value against its thresholds
 * (indicators.md §10, §12.6–12.7). Pure: no database, no Fastify.
 *
 * Benefit indicators (higher is better):  达标 pass  x ≥ target;  基本达标 basic  yellow ≤ x < target;
 *   不达标 fail  x < yellow;  yellow warning  red ≤ x < yellow;  red warning  x < red.
 * Cost indicators (lower is better) mirror it:  pass x ≤ target;  basic target < x ≤ yellow;
 *   fail x > yellow;  yellow warning  yellow < x ≤ red;  red warning  x > red.
 * A value exactly on a threshold counts on the good side. A missing threshold is skipped: with no
 * yellow level, anything short of the target is 不达标 (and warns only when red is given); with no
 * target there is no grade. The four-grade scheme (很好/较好/一般/较差) is derived: {@link fourGrade}.
 */
export type Direction = 'benefit' | 'cost';
export type Grade = 'pass' | 'basic' | 'fail';
export type FourGrade = 'very_good' | 'good' | 'fair' | 'poor';
export type GradeScheme = 'three' | 'four';
export type Warning = 'yellow' | 'red';

export interface Thresholds {
  target: number | null;
  yellow: number | null;
  red: number | null;
}

export interface Evaluation {
  grade: Grade | null;
  warning: Warning | null;
  /** The rule that decided the warning (or the grade when none fired), e.g. "x = 42 < yellow 70". */
  ruleFired: string | null;
}

const fmt = (x: number) => String(Math.round(x * 1e6) / 1e6);

/**
 * The four-grade scheme (很好/较好/一般/较差) from the same thresholds: meets the target → very_good;
 * short of it but not past yellow → good; past yellow but not past red (or short of the target with
 * no warning levels) → fair; past red → poor.
 */
export function fourGrade(e: Evaluation): FourGrade | null {
  if (e.grade === null) return null;
  if (e.grade === 'pass') return 'very_good';
  if (e.grade === 'basic') return 'good';
  return e.warning === 'red' ? 'poor' : 'fair';
}

/** Evaluates `x` (null = no value: nothing to evaluate). */
export function evaluate(x: number | null, direction: Direction, t: Thresholds): Evaluation {
  if (x === null || !Number.isFinite(x)) return { grade: null, warning: null, ruleFired: null };
  // worse(a, b): a is on the bad side of threshold b (never when equal).
  const worse = (a: number, b: number) => (direction === 'benefit' ? a < b : a > b);
  const op = direction === 'benefit' ? '<' : '>';
  const okOp = direction === 'benefit' ? '≥' : '≤';
  let warning: Warning | null = null;
  let ruleFired: string | null = null;
  if (t.red !== null && worse(x, t.red)) {
    warning = 'red';
    ruleFired = `x = ${fmt(x)} ${op} red ${fmt(t.red)}`;
  } else if (t.yellow !== null && worse(x, t.yellow)) {
    warning = 'yellow';
    ruleFired = `x = ${fmt(x)} ${op} yellow ${fmt(t.yellow)}`;
  }
  let grade: Grade | null = null;
  if (t.target !== null) {
    if (!worse(x, t.target)) grade = 'pass';
    else if (t.yellow !== null && !worse(x, t.yellow)) grade = 'basic';
    else grade = 'fail';
    ruleFired ??= grade === 'pass' ? `x = ${fmt(x)} ${okOp} target ${fmt(t.target)}` : `x = ${fmt(x)} ${op} target ${fmt(t.target)}`;
  }
  return { grade, warning, ruleFired };
}
