/**
 * Composite index library against worked examples computed independently here.
 *
 * Sources of the formulas the expected values follow (indicators.md §11.1–11.2):
 * - min–max with direction: the entropy-TOPSIS method description [S58];
 *   target-based clamp(x/target) / clamp(target/x): the design recommendation of §11.1;
 * - entropy weights 熵权法: p_ij = s_ij/Σ_i s_ij, e_j = −(1/ln n)Σ_i p_ij ln p_ij, w_j = (1−e_j)/Σ(1−e_j);
 * - TOPSIS (Hwang & Yoon 1981, as used for the Xining index [S57]): D± = sqrt(Σ_j w_j²(s_ij − ideal±_j)²),
 *   C = D−/(D+ + D−);
 * - obstacle degree 障碍度 [S56]: O_ij = w_j(1 − s_ij)/Σ_j w_j(1 − s_ij).
 * The small cases are worked by hand in the comments; the larger ones by the plain loops below, written
 * without the library.
 */
import { describe, expect, it } from 'vitest';
import {
  CompositeInputError, type Criterion, composite, entropyWeights, normalise, topsis,
} from '../../server/analysis/composite/index.ts';

const benefit = (code: string, target?: number): Criterion => ({ code, direction: 'benefit', target });
const cost = (code: string, target?: number): Criterion => ({ code, direction: 'cost', target });

/** Plain entropy weights over a complete matrix (no missing values), straight from the formula. */
function entropyByHand(s: number[][]): number[] {
  const n = s.length, m = s[0].length;
  const e = [];
  for (let j = 0; j < m; j++) {
    const col = s.map((row) => row[j]);
    const total = col.reduce((a, b) => a + b, 0);
    const h = col.map((v) => v / total).filter((p) => p > 0).reduce((acc, p) => acc + p * Math.log(p), 0);
    e.push(-h / Math.log(n));
  }
  const d = e.map((v) => 1 - v);
  const sd = d.reduce((a, b) => a + b, 0);
  return d.map((v) => v / sd);
}

describe('normalise', () => {
  it('scores a benefit indicator target-based as clamp(x / target, 0, 1), nulls kept', () => {
    // park coverage 45 %, 90 %, 99 %, missing, −1 against a 90 % target
    expect(normalise([45, 90, 99, null, -1], benefit('park', 90), 'target')).toEqual([0.5, 1, 1, null, 0]);
  });

  it('scores a cost indicator target-based as clamp(target / x, 0, 1), with x = 0 (and below) scoring 1', () => {
    // waterlogging points per km²: target 2; 4 → 0.5, 1 → 1 (better than target), 0 → 1
    expect(normalise([4, 1, 0, 8, null], cost('water', 2), 'target')).toEqual([0.5, 1, 1, 0.25, null]);
  });

  it('refuses target-based scoring without a positive target, naming the indicator (400)', () => {
    for (const target of [undefined, 0, -3, Number.NaN]) {
      expect(() => normalise([1], benefit('green', target), 'target')).toThrowError(/green.*positive target/);
    }
    try { normalise([1], benefit('green'), 'target'); } catch (e) {
      expect(e).toBeInstanceOf(CompositeInputError);
      expect((e as CompositeInputError).statusCode).toBe(400);
    }
  });

  it('scores min–max with direction, and an all-equal column as 1 for every present value', () => {
    expect(normalise([2, 4, 6, null], benefit('a'), 'minmax')).toEqual([0, 0.5, 1, null]);
    expect(normalise([2, 4, 6, null], cost('a'), 'minmax')).toEqual([1, 0.5, 0, null]);
    expect(normalise([3, 3, null], cost('flat'), 'minmax')).toEqual([1, 1, null]);
  });

  it('refuses non-finite values instead of scoring them', () => {
    expect(() => normalise([1, Number.POSITIVE_INFINITY], benefit('a'), 'minmax')).toThrowError(/unit 1 is Infinity/);
  });
});

describe('entropyWeights', () => {
  it('gives all the weight to the column that varies, none to a constant one (hand-worked)', () => {
    // column a: s = [0, 1] → p = [0, 1] → e = −(1/ln 2)(1·ln 1) = 0 → d = 1
    // column b: s = [1, 1] → p = [½, ½] → e = −(1/ln 2)(2·½·ln ½) = 1 → d = 0
    expect(entropyWeights([[0, 1], [1, 1]])).toEqual([1, 0]);
  });

  it('equals the four-step formula on a 5 × 3 matrix', () => {
    const s = [[0.2, 0.9, 0.5], [0.4, 0.8, 0.1], [1, 0.7, 0.9], [0.6, 1, 0.3], [0, 0.85, 1]];
    const w = entropyWeights(s);
    const expected = entropyByHand(s);
    w.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 12));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('judges a criterion by the units that have it (n counts the present values only)', () => {
    const withGap = entropyWeights([[0.2, 0.5], [0.4, null], [1, 0.9], [0.6, 0.1]]);
    // column a judged over its 4 values (ln 4), column b over its 3 present ones (ln 3)
    const e = (col: number[]) => { const t = col.reduce((a, b) => a + b, 0); return -col.reduce((acc, v) => acc + (v / t) * Math.log(v / t), 0) / Math.log(col.length); };
    const da = 1 - e([0.2, 0.4, 1, 0.6]), db = 1 - e([0.5, 0.9, 0.1]);
    expect(withGap[0]).toBeCloseTo(da / (da + db), 12);
    expect(withGap[1]).toBeCloseTo(db / (da + db), 12);
  });

  it('falls back to equal weights when no column varies', () => {
    expect(entropyWeights([[1, 0.5], [1, 0.5]])).toEqual([0.5, 0.5]);
  });
});

describe('composite (weighted sum)', () => {
  // Three 街道 and three indicators, target-based: park coverage (benefit, target 90 %),
  // waterlogging density (cost, target 2 per km²), old-estate share (cost, target 20 %).
  const criteria = [benefit('park', 90), cost('water', 2), cost('old', 20)];
  const values = [[45, 4, 20], [90, 1, 40], [72, 8, 10]];
  // s = [[0.5, 0.5, 1], [1, 1, 0.5], [0.8, 0.25, 1]]

  it('scores with expert weights and gives the obstacle degree of each indicator (hand-worked)', () => {
    const r = composite({ criteria, values, norm: 'target', weights: 'expert', expertWeights: { park: 2, water: 1, old: 1 } });
    expect(r.weights).toEqual([0.5, 0.25, 0.25]);
    expect(r.normalised).toEqual([[0.5, 0.5, 1], [1, 1, 0.5], [0.8, 0.25, 1]]);
    // unit 0: 0.5·0.5 + 0.25·0.5 + 0.25·1 = 0.625; unit 1: 0.5 + 0.25 + 0.125 = 0.875; unit 2: 0.4 + 0.0625 + 0.25 = 0.7125
    r.scores.forEach((v, i) => expect(v).toBeCloseTo([0.625, 0.875, 0.7125][i], 12));
    // unit 0 shortfalls w(1−s): 0.25, 0.125, 0 → total 0.375 → O = 2/3, 1/3, 0
    // unit 2 shortfalls: 0.1, 0.1875, 0 → total 0.2875 → O = 0.347826…, 0.652173…, 0
    const o = r.obstacle;
    expect(o[0][0]).toBeCloseTo(2 / 3, 12); expect(o[0][1]).toBeCloseTo(1 / 3, 12); expect(o[0][2]).toBe(0);
    expect(o[2][0]).toBeCloseTo(0.1 / 0.2875, 12); expect(o[2][1]).toBeCloseTo(0.1875 / 0.2875, 12);
    expect(r.method).toMatchObject({ norm: 'target', weights: 'expert' });
    expect(r.method.missing).toMatch(/renormalised over the criteria present/);
  });

  it('takes expert weights from the criteria when none are passed by code', () => {
    const r = composite({ criteria: criteria.map((c, j) => ({ ...c, weight: [2, 1, 1][j] })), values, norm: 'target', weights: 'expert' });
    expect(r.weights).toEqual([0.5, 0.25, 0.25]);
  });

  it('uses entropy weights of the normalised matrix and equals the plain weighted sum', () => {
    const r = composite({ criteria, values, norm: 'minmax', weights: 'entropy' });
    // min–max by hand: park (45, 90, 72) → 0, 1, 0.6; water cost (4, 1, 8) → 4/7, 1, 0; old cost (20, 40, 10) → 2/3, 0, 1
    const s = [[0, 4 / 7, 2 / 3], [1, 1, 0], [0.6, 0, 1]];
    r.normalised.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(s[i][j], 12)));
    const w = entropyByHand(s);
    r.weights.forEach((v, j) => expect(v).toBeCloseTo(w[j], 12));
    s.forEach((row, i) => expect(r.scores[i]).toBeCloseTo(row.reduce((acc, v, j) => acc + w[j] * v, 0), 12));
  });

  it('renormalises the weights over the present criteria of a unit and gives no score when none is present', () => {
    const r = composite({ criteria, values: [[45, null, 20], [null, null, null], [90, 1, 40]], norm: 'target', weights: 'equal' });
    // unit 0: s = 0.5 and 1 with weights ⅓, ⅓ → (0.5 + 1)/2
    expect(r.scores[0]).toBeCloseTo(0.75, 12);
    expect(r.scores[1]).toBeNull();
    expect(r.obstacle[0]).toEqual([1, null, 0]);
    expect(r.obstacle[1]).toEqual([null, null, null]);
  });

  it('gives a perfect unit no obstacle at all', () => {
    const r = composite({ criteria, values: [[95, 0, 5]], norm: 'target', weights: 'equal' });
    expect(r.scores).toEqual([1]);
    expect(r.obstacle).toEqual([[0, 0, 0]]);
  });

  it('refuses bad input with a 400 and a message that names the problem', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => composite({ criteria: [], values: [], norm: 'minmax', weights: 'equal' }), /at least one indicator/],
      [() => composite({ criteria: [benefit('a'), benefit('a')], values: [[1, 2]], norm: 'minmax', weights: 'equal' }), /a is listed twice/],
      [() => composite({ criteria, values: [[1, 2]], norm: 'target', weights: 'equal' }), /Unit 0 has 2 values for 3 indicators/],
      [() => composite({ criteria, values, norm: 'target', weights: 'expert', expertWeights: { park: 1 } }), /missing or invalid for: water, old/],
      [() => composite({ criteria, values, norm: 'target', weights: 'expert', expertWeights: { park: 1, water: 1, old: 1, nope: 2 } }), /unknown indicators: nope/],
      [() => composite({ criteria, values, norm: 'target', weights: 'expert', expertWeights: { park: 0, water: 0, old: 0 } }), /all zero/],
      [() => composite({ criteria: [{ code: 'x', direction: 'up' as never }], values: [[1]], norm: 'minmax', weights: 'equal' }), /direction must be/],
    ];
    for (const [call, message] of bad) {
      let caught: unknown;
      try { call(); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(CompositeInputError);
      expect((caught as CompositeInputError).statusCode).toBe(400);
      expect((caught as Error).message).toMatch(message);
    }
  });
});

describe('topsis', () => {
  it('gives the closeness to the ideal (hand-worked, equal weights)', () => {
    // s = [[1, 1], [0, 0], [0.5, 1]], w = ½: ideal (1, 1), anti-ideal (0, 0)
    // unit 2: D+ = sqrt(¼·0.25) = 0.25, D− = sqrt(¼·(0.25 + 1)) = 0.5590…, C = 0.5590/(0.25 + 0.5590) = 0.69098…
    const r = topsis({ criteria: [benefit('a'), benefit('b')], values: [[10, 4], [0, 2], [5, 4]], norm: 'minmax', weights: 'equal' });
    expect(r.closeness[0]).toBe(1);
    expect(r.closeness[1]).toBe(0);
    expect(r.closeness[2]).toBeCloseTo(Math.sqrt(0.3125) / (0.25 + Math.sqrt(0.3125)), 12);
    expect(r.scores).toEqual(r.closeness);
  });

  it('equals the plain formula with entropy weights on a larger example, obstacle degrees included', () => {
    const criteria = [benefit('park'), cost('water'), cost('old'), benefit('school')];
    const values = [[45, 4, 20, 3], [90, 1, 40, 5], [72, 8, 10, 1], [60, 2, 35, 2], [81, 5, 15, 4]];
    const r = topsis({ criteria, values, norm: 'minmax', weights: 'entropy' });
    // by hand: min–max per column with direction, entropy weights, ideal = column max, anti-ideal = column min
    const cols = criteria.map((c, j) => {
      const col = values.map((row) => row[j]);
      const lo = Math.min(...col), hi = Math.max(...col);
      return col.map((v) => (c.direction === 'benefit' ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo)));
    });
    const s = values.map((_, i) => cols.map((col) => col[i]));
    const w = entropyByHand(s);
    const best = cols.map((col) => Math.max(...col)), worst = cols.map((col) => Math.min(...col));
    s.forEach((row, i) => {
      const dPlus = Math.sqrt(row.reduce((acc, v, j) => acc + w[j] ** 2 * (v - best[j]) ** 2, 0));
      const dMinus = Math.sqrt(row.reduce((acc, v, j) => acc + w[j] ** 2 * (v - worst[j]) ** 2, 0));
      expect(r.closeness[i]).toBeCloseTo(dMinus / (dPlus + dMinus), 12);
      const shortfall = row.map((v, j) => w[j] * (1 - v));
      const total = shortfall.reduce((a, b) => a + b, 0);
      row.forEach((_, j) => expect(r.obstacle[i][j]).toBeCloseTo(shortfall[j] / total, 12));
    });
  });

  it('leaves a missing criterion out of both distances', () => {
    const r = topsis({ criteria: [benefit('a'), benefit('b')], values: [[10, 4], [0, 2], [5, null]], norm: 'minmax', weights: 'equal' });
    // unit 2 on a alone: s = 0.5, ideal 1, anti-ideal 0 → C = 0.5
    expect(r.closeness[2]).toBeCloseTo(0.5, 12);
  });
});
