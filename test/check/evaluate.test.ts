/**
 * Evaluation (评价) and warnings (监测预警) at the edges of the thresholds (server/check/evaluate.ts):
 * a value on a threshold counts on the good side; one step past it does not.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, fourGrade } from '../../server/check/evaluate.ts';

const park = { target: 80, yellow: 70, red: 50 }; // benefit, % (park_coverage defaults)
const water = { target: 0, yellow: 0.5, red: 1 }; // cost, points per km² (waterlogging_density defaults)
const eps = 1e-9;

describe('evaluate (benefit: higher is better)', () => {
  it.each([
    [100, 'pass', null],
    [80, 'pass', null],
    [80 - eps, 'basic', null],
    [70, 'basic', null],
    [70 - eps, 'fail', 'yellow'],
    [50, 'fail', 'yellow'],
    [50 - eps, 'fail', 'red'],
    [0, 'fail', 'red'],
  ])('x = %s → grade %s, warning %s', (x, grade, warning) => {
    const e = evaluate(x, 'benefit', park);
    expect(e.grade).toBe(grade);
    expect(e.warning).toBe(warning);
  });

  it('names the rule that fired', () => {
    expect(evaluate(40, 'benefit', park).ruleFired).toBe('x = 40 < red 50');
    expect(evaluate(60, 'benefit', park).ruleFired).toBe('x = 60 < yellow 70');
    expect(evaluate(75, 'benefit', park).ruleFired).toBe('x = 75 < target 80');
    expect(evaluate(80, 'benefit', park).ruleFired).toBe('x = 80 ≥ target 80');
  });
});

describe('evaluate (cost: lower is better)', () => {
  it.each([
    [0, 'pass', null],
    [eps, 'basic', null],
    [0.5, 'basic', null],
    [0.5 + eps, 'fail', 'yellow'],
    [1, 'fail', 'yellow'],
    [1 + eps, 'fail', 'red'],
  ])('x = %s → grade %s, warning %s', (x, grade, warning) => {
    const e = evaluate(x, 'cost', water);
    expect(e.grade).toBe(grade);
    expect(e.warning).toBe(warning);
  });

  it('a count with target 0 and yellow 0 warns from the first non-compliant unit', () => {
    const t = { target: 0, yellow: 0, red: 3 };
    expect(evaluate(0, 'cost', t)).toEqual({ grade: 'pass', warning: null, ruleFired: 'x = 0 ≤ target 0' });
    expect(evaluate(1, 'cost', t)).toEqual({ grade: 'fail', warning: 'yellow', ruleFired: 'x = 1 > yellow 0' });
    expect(evaluate(3, 'cost', t).warning).toBe('yellow');
    expect(evaluate(4, 'cost', t)).toEqual({ grade: 'fail', warning: 'red', ruleFired: 'x = 4 > red 3' });
  });
});

describe('evaluate without thresholds or value', () => {
  it('gives no grade without a target and no warning without levels', () => {
    expect(evaluate(42, 'cost', { target: null, yellow: null, red: null })).toEqual({ grade: null, warning: null, ruleFired: null });
  });

  it('grades without warnings when only the target is set', () => {
    expect(evaluate(79, 'benefit', { target: 80, yellow: null, red: null })).toEqual({ grade: 'fail', warning: null, ruleFired: 'x = 79 < target 80' });
  });

  it('leaves a missing or non-finite value unevaluated', () => {
    expect(evaluate(null, 'benefit', park)).toEqual({ grade: null, warning: null, ruleFired: null });
    expect(evaluate(Number.NaN, 'benefit', park).grade).toBeNull();
  });
});

describe('fourGrade (很好/较好/一般/较差 from the same thresholds)', () => {
  it.each([
    [80, 'very_good'],
    [80 - eps, 'good'],
    [70, 'good'],
    [70 - eps, 'fair'],
    [50, 'fair'],
    [50 - eps, 'poor'],
  ])('park coverage %s → %s', (x, g) => {
    expect(fourGrade(evaluate(x, 'benefit', park))).toBe(g);
  });

  it('is fair below a target without warning levels, and absent without a target', () => {
    expect(fourGrade(evaluate(79, 'benefit', { target: 80, yellow: null, red: null }))).toBe('fair');
    expect(fourGrade(evaluate(79, 'benefit', { target: null, yellow: null, red: null }))).toBeNull();
  });
});
