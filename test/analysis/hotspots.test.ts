/**
 * Hotspot statistics against independent, deliberately plain computations written here (dense n × n
 * weight matrices, explicit double loops), from the published formulas:
 *
 * - Gi*: Ord & Getis (1995), "Local spatial autocorrelation statistics: distributional issues and an
 *   application", Geographical Analysis 27(4), eq. for G*_i in standardised form (as in indicators.md §11.3):
 *   (Σ_j w_ij x_j − X̄ Σ_j w_ij) / (S sqrt((n Σ_j w_ij² − (Σ_j w_ij)²)/(n − 1))), j over all units including i.
 * - Local Moran: Anselin (1995), "Local indicators of spatial association — LISA", Geographical Analysis
 *   27(2), eq. 7 (I_i), 12 (E[I_i]) and 13 (Var[I_i] under randomisation, with 2w_i(kh) = Σ_{k≠h} w_ik w_ih).
 * - Global Moran: Cliff & Ord (1981), Spatial Processes, moments under randomisation.
 * - Benjamini & Hochberg (1995), J. R. Stat. Soc. B 57(1), the step-up rule, worked by hand below.
 *
 * The fixture has islands (units 10 and 11), ties among the values and, in one case, unequal weights.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  HotspotInputError, type Neighbours, benjaminiHochberg, confidenceBins, distanceBand, fdrBins, fromPairs, fullGrid,
  getisOrdGiStar, globalMoran, hexGridContiguity, knn, localMoran, mulberry32, rowStandardise, squareGridContiguity, twoSidedP, upperTail,
} from '../../server/analysis/hotspots/index.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { testPool } from '../helpers/db.ts';

// 12 units; 10 and 11 are islands. Ties: 3 appears three times, 1 and 7 twice.
const VALUES = Float64Array.from([3, 3, 5, 1, 1, 8, 2, 3, 7, 7, 4, 6]);
const EDGES: [number, number][] = [[0, 1], [0, 2], [1, 2], [1, 3], [2, 4], [3, 4], [3, 6], [4, 5], [5, 8], [5, 9], [6, 7], [7, 8], [8, 9], [2, 5]];
const W_BINARY = fromPairs(12, EDGES.map(([i, j]) => ({ i, j })), { symmetric: true });
const W_UNEQUAL = fromPairs(12, EDGES.map(([i, j], k) => ({ i, j, w: 0.5 + (k % 3) * 0.75 })), { symmetric: true });

function dense(W: Neighbours): number[][] {
  const m = Array.from({ length: W.n }, () => new Array<number>(W.n).fill(0));
  for (let i = 0; i < W.n; i++) for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) m[i][W.ids[a]] = W.weights[a];
  return m;
}

/** Gi* straight from Ord & Getis (1995), focal weight w_ii = 1. */
function giStarByHand(x: number[], w: number[][]): number[] {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const S = Math.sqrt(x.reduce((a, b) => a + b * b, 0) / n - mean * mean);
  return x.map((_, i) => {
    const wi = w[i].map((v, j) => (j === i ? 1 : v));
    if (w[i].every((v) => v === 0)) return Number.NaN;
    const sw = wi.reduce((a, b) => a + b, 0), sw2 = wi.reduce((a, b) => a + b * b, 0);
    const num = wi.reduce((acc, v, j) => acc + v * x[j], 0) - mean * sw;
    return num / (S * Math.sqrt((n * sw2 - sw * sw) / (n - 1)));
  });
}

/** Local Moran I and its randomisation z, from Anselin (1995) eq. 7, 12, 13. */
function localMoranByHand(x: number[], w: number[][]): { I: number[]; z: number[] } {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const z = x.map((v) => v - mean);
  const m2 = z.reduce((a, b) => a + b * b, 0) / n;
  const m4 = z.reduce((a, b) => a + b ** 4, 0) / n;
  const b2 = m4 / (m2 * m2);
  const I: number[] = [], Z: number[] = [];
  for (let i = 0; i < n; i++) {
    if (w[i].every((v) => v === 0)) { I.push(Number.NaN); Z.push(Number.NaN); continue; }
    let lag = 0, wi = 0, wi2 = 0, wikh2 = 0;
    for (let j = 0; j < n; j++) { lag += w[i][j] * z[j]; wi += w[i][j]; wi2 += w[i][j] ** 2; }
    for (let k = 0; k < n; k++) for (let h = 0; h < n; h++) if (k !== i && h !== i && k !== h) wikh2 += w[i][k] * w[i][h];
    const Ii = (z[i] / m2) * lag;
    const e = -wi / (n - 1);
    const v = (wi2 * (n - b2)) / (n - 1) + (wikh2 * (2 * b2 - n)) / ((n - 1) * (n - 2)) - (wi * wi) / (n - 1) ** 2;
    I.push(Ii); Z.push((Ii - e) / Math.sqrt(v));
  }
  return { I, z: Z };
}

/** Global Moran's I, E, Var under randomisation (Cliff & Ord 1981), dense. */
function globalMoranByHand(x: number[], w: number[][]) {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const z = x.map((v) => v - mean);
  let S0 = 0, S1 = 0, S2 = 0, cross = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0, colSum = 0;
    for (let j = 0; j < n; j++) {
      S0 += w[i][j]; cross += w[i][j] * z[i] * z[j];
      S1 += 0.5 * (w[i][j] + w[j][i]) ** 2;
      rowSum += w[i][j]; colSum += w[j][i];
    }
    S2 += (rowSum + colSum) ** 2;
  }
  const z2 = z.reduce((a, b) => a + b * b, 0), z4 = z.reduce((a, b) => a + b ** 4, 0);
  const I = (n / S0) * (cross / z2);
  const E = -1 / (n - 1);
  const b2 = (n * z4) / (z2 * z2);
  const V = (n * ((n * n - 3 * n + 3) * S1 - n * S2 + 3 * S0 * S0) - b2 * ((n * n - n) * S1 - 2 * n * S2 + 6 * S0 * S0))
    / ((n - 1) * (n - 2) * (n - 3) * S0 * S0) - E * E;
  return { I, E, V, z: (I - E) / Math.sqrt(V) };
}

const expectClose = (actual: ArrayLike<number>, expected: number[], tol = 1e-9) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i]).toBeNaN();
    else expect(Math.abs(actual[i] - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  });
};

describe('getisOrdGiStar', () => {
  it('equals Ord & Getis (1995) computed densely, focal unit included, with islands and ties', () => {
    const r = getisOrdGiStar(VALUES, W_BINARY);
    expectClose(r.z, giStarByHand([...VALUES], dense(W_BINARY)));
    expect(r.islands).toEqual([10, 11]);
    expect(r.bin[10]).toBe(0);
    expect(r.p[10]).toBeNaN();
    r.z.forEach((z, i) => { if (!Number.isNaN(z)) expect(r.p[i]).toBeCloseTo(twoSidedP(z), 15); });
    expect(r.binsFrom).toEqual({ p: 'analytic', fdr: false });
  });

  it('equals the dense computation with unequal weights too', () => {
    expectClose(getisOrdGiStar(VALUES, W_UNEQUAL).z, giStarByHand([...VALUES], dense(W_UNEQUAL)));
  });

  it('with focalWeight 0 is Getis–Ord Gi, the focal unit left out', () => {
    const r = getisOrdGiStar(VALUES, W_BINARY, { focalWeight: 0 });
    const n = VALUES.length, x = [...VALUES];
    const mean = x.reduce((a, b) => a + b, 0) / n;
    const S = Math.sqrt(x.reduce((a, b) => a + b * b, 0) / n - mean * mean);
    // unit 2 has neighbours 0, 1, 4, 5: sum 3 + 3 + 1 + 8 = 15, W = 4, S1 = 4
    expect(r.z[2]).toBeCloseTo((15 - mean * 4) / (S * Math.sqrt((n * 4 - 16) / (n - 1))), 12);
  });

  it('gives the same permutation p-values for the same seed and others for another seed', () => {
    const a = getisOrdGiStar(VALUES, W_BINARY, { permutations: 999, seed: 7 });
    const b = getisOrdGiStar(VALUES, W_BINARY, { permutations: 999, seed: 7 });
    const c = getisOrdGiStar(VALUES, W_BINARY, { permutations: 999, seed: 8 });
    expect([...a.pSim!]).toEqual([...b.pSim!]);
    expect([...a.pSim!]).not.toEqual([...c.pSim!]);
    for (let i = 0; i < 10; i++) {
      const count = a.pSim![i] * 1000 - 1; // p = (count + 1)/(P + 1)
      expect(Math.abs(count - Math.round(count))).toBeLessThan(1e-9);
    }
    expect(a.pSim![10]).toBeNaN();
    expect(a.binsFrom.p).toBe('permutation');
  });

  it('matches the exact conditional permutation distribution (all subsets enumerated) within sampling error', () => {
    // For a small fixture every k-subset of the other n − 1 values can be listed: the exact two-sided
    // conditional p of unit i is the share of subsets whose weighted sum lies at least as far from its mean.
    const P = 19_999;
    for (const W of [W_BINARY, W_UNEQUAL]) {
      const r = getisOrdGiStar(VALUES, W, { permutations: P, seed: 3 });
      const x = [...VALUES], n = x.length;
      for (let i = 0; i < 10; i++) {
        const nb: number[] = [], wt: number[] = [];
        for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) { nb.push(W.ids[a]); wt.push(W.weights[a]); }
        const others = x.filter((_, j) => j !== i);
        const mean = others.reduce((s, v) => s + v, 0) / others.length;
        const e = wt.reduce((s, v) => s + v, 0) * mean;
        const obs = nb.reduce((s, j, t) => s + wt[t] * x[j], 0);
        let extreme = 0, total = 0;
        // ordered samples without replacement (weights differ by slot)
        const pick = (chosen: number[]) => {
          if (chosen.length === nb.length) {
            const s = chosen.reduce((acc, j, t) => acc + wt[t] * others[j], 0);
            total++;
            if (Math.abs(s - e) >= Math.abs(obs - e) - 1e-9) extreme++;
            return;
          }
          for (let j = 0; j < n - 1; j++) if (!chosen.includes(j)) pick([...chosen, j]);
        };
        pick([]);
        const exact = extreme / total;
        const sigma = Math.sqrt(exact * (1 - exact) / P);
        expect(Math.abs(r.pSim![i] - exact)).toBeLessThanOrEqual(4.5 * sigma + 2 / P);
      }
    }
  });

  it('refuses values that cannot be analysed, with a 400', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => getisOrdGiStar(Float64Array.from([1, 1, 1]), fromPairs(3, [{ i: 0, j: 1 }], { symmetric: true })), /no variance/],
      [() => getisOrdGiStar(Float64Array.from([1, Number.NaN, 3]), fromPairs(3, [], {})), /Unit 1 has value NaN/],
      [() => getisOrdGiStar(VALUES, fromPairs(5, [], {})), /weights are for 5 units but 12 values/],
      [() => getisOrdGiStar(VALUES, W_BINARY, { permutations: 0.5 }), /permutations must be a whole number/],
    ];
    for (const [call, message] of cases) {
      let caught: unknown;
      try { call(); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(HotspotInputError);
      expect((caught as HotspotInputError).statusCode).toBe(400);
      expect((caught as Error).message).toMatch(message);
    }
  });

  it('stops when aborted, and answers 503 past its deadline', () => {
    const ctl = new AbortController();
    ctl.abort(new Error('client went away'));
    expect(() => getisOrdGiStar(VALUES, W_BINARY, { permutations: 99, signal: ctl.signal })).toThrowError('client went away');
    let caught: unknown;
    try { getisOrdGiStar(VALUES, W_BINARY, { permutations: 99, deadlineMs: 0 }); } catch (e) { caught = e; }
    expect((caught as { statusCode: number }).statusCode).toBe(503);
  });
});

describe('localMoran', () => {
  it('equals Anselin (1995) computed densely on row-standardised weights, with islands and ties', () => {
    const W = rowStandardise(W_BINARY);
    const r = localMoran(VALUES, W);
    const byHand = localMoranByHand([...VALUES], dense(W));
    expectClose(r.I, byHand.I);
    expectClose(r.z, byHand.z);
    expect(r.islands).toEqual([10, 11]);
    expect(r.quadrant[10]).toBe('ns');
  });

  it('equals the dense computation on unequal, unstandardised weights', () => {
    const r = localMoran(VALUES, W_UNEQUAL);
    const byHand = localMoranByHand([...VALUES], dense(W_UNEQUAL));
    expectClose(r.I, byHand.I);
    expectClose(r.z, byHand.z);
  });

  it('labels significant units by the signs of their deviation and their lag', () => {
    // a 20 × 20 grid: a high block in one corner, a low block in the other, an outlier inside each
    const cells = fullGrid(20, 20);
    const x = new Float64Array(400);
    const rnd = mulberry32(11);
    for (let k = 0; k < 400; k++) {
      const [c, r] = [cells.i[k], cells.j[k]];
      x[k] = rnd() + (c < 6 && r < 6 ? 5 : 0) - (c >= 14 && r >= 14 ? 5 : 0);
    }
    x[2 * 20 + 2] = -5; // a low value among highs
    x[17 * 20 + 17] = 5; // a high value among lows
    const res = localMoran(x, rowStandardise(squareGridContiguity(cells, 'queen')), { permutations: 999, seed: 1 });
    expect(res.quadrant[4 * 20 + 4]).toBe('HH');
    expect(res.quadrant[16 * 20 + 16]).toBe('LL');
    expect(res.quadrant[2 * 20 + 2]).toBe('LH');
    expect(res.quadrant[17 * 20 + 17]).toBe('HL');
    expect(res.quadrant[10 * 20 + 10]).toBe('ns');
  });
});

describe('globalMoran', () => {
  it('equals Cliff & Ord (1981) moments under randomisation, for symmetric and asymmetric weights', () => {
    const asymmetric = fromPairs(12, [{ i: 0, j: 1, w: 2 }, { i: 1, j: 0 }, { i: 2, j: 4 }, { i: 4, j: 5, w: 0.5 }, { i: 5, j: 8 }, { i: 8, j: 5, w: 3 }, { i: 6, j: 7 }, { i: 9, j: 8 }, { i: 3, j: 6 }]);
    for (const W of [W_BINARY, W_UNEQUAL, rowStandardise(W_BINARY), asymmetric]) {
      const r = globalMoran(VALUES, W);
      const h = globalMoranByHand([...VALUES], dense(W));
      expect(r.I).toBeCloseTo(h.I, 12);
      expect(r.expected).toBeCloseTo(h.E, 14);
      expect(r.variance).toBeCloseTo(h.V, 12);
      expect(r.z).toBeCloseTo(h.z, 9);
      expect(r.p).toBeCloseTo(twoSidedP(h.z), 12);
    }
  });
});

describe('globalMoran at the edges', () => {
  it('gives NaN statistics and lists every unit as an island when there is no neighbour pair', () => {
    const r = globalMoran(Float64Array.from([1, 2, 3, 4]), fromPairs(4, []));
    expect(r.I).toBeNaN();
    expect(r.z).toBeNaN();
    expect(r.islands).toEqual([0, 1, 2, 3]);
  });

  it('gives I but no variance for 3 units (the variance divides by n − 3)', () => {
    const W = fromPairs(3, [{ i: 0, j: 1 }, { i: 1, j: 2 }], { symmetric: true });
    const r = globalMoran(Float64Array.from([1, 2, 4]), W);
    // mean 7/3, z = (−4/3, −1/3, 5/3), Σz² = 42/9, S0 = 4, cross = 2·(4/9 − 5/9) = −2/9 → I = (3/4)(−2/9)/(42/9) = −1/28
    expect(r.I).toBeCloseTo(-1 / 28, 14);
    expect(r.variance).toBeNaN();
  });
});

describe('permutation p on a large field', () => {
  // 40,000 hexagons with independent standard normal values (Box–Muller, seeded): under the null the
  // permutation p must follow the normal approximation. The samples are shared by units with the same
  // number of neighbours, so the bound is the Kolmogorov–Smirnov one for P draws (1.63/√P at 99 %, twice
  // for a two-sided tail), not a per-unit binomial band.
  const cells = fullGrid(200, 200);
  const W = hexGridContiguity(cells);
  const rnd = mulberry32(2024);
  const x = new Float64Array(cells.i.length);
  for (let k = 0; k < x.length; k++) x[k] = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const P = 9999;
  const bound = 2 * 1.63 / Math.sqrt(P) + 0.005;

  it('agrees with the analytic p of Gi (focal unit left out)', () => {
    const r = getisOrdGiStar(x, W, { permutations: P, seed: 5, focalWeight: 0 });
    let worst = 0, sum = 0;
    for (let i = 0; i < x.length; i++) { const d = Math.abs(r.pSim![i] - r.p[i]); worst = Math.max(worst, d); sum += d; }
    expect(worst).toBeLessThan(bound);
    expect(sum / x.length).toBeLessThan(0.01);
  });

  it('agrees for Gi* with the normal approximation of the conditional distribution (x_i held fixed)', () => {
    const r = getisOrdGiStar(x, W, { permutations: P, seed: 6 });
    const n = x.length;
    const total = x.reduce((a, b) => a + b, 0), total2 = x.reduce((a, b) => a + b * b, 0);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const k = W.offsets[i + 1] - W.offsets[i];
      let obs = 0;
      for (let a = W.offsets[i]; a < W.offsets[i + 1]; a++) obs += x[W.ids[a]];
      const mean = (total - x[i]) / (n - 1), varPop = (total2 - x[i] ** 2) / (n - 1) - mean * mean;
      const sd = Math.sqrt((k * varPop * (n - 1 - k)) / (n - 2)); // sampling k of n − 1 without replacement
      const pc = 2 * upperTail(Math.abs(obs - k * mean) / sd);
      worst = Math.max(worst, Math.abs(r.pSim![i] - pc));
    }
    expect(worst).toBeLessThan(bound);
  });
});

describe('normal tail', () => {
  it('matches tabulated values from the centre far into the tail (relative 1e-12)', () => {
    // Q(z) = P(Z > z): 0.5 at 0; the 97.5 % and 99.5 % quantiles; Q(5) and Q(10) (Abramowitz & Stegun 26.2, extended)
    const table: [number, number][] = [[0, 0.5], [1.959963984540054, 0.025], [2.5758293035489004, 0.005], [5, 2.866515718791939e-7], [10, 7.619853024160527e-24]];
    for (const [z, q] of table) expect(Math.abs(upperTail(z) - q) / q).toBeLessThan(1e-12);
    expect(twoSidedP(-1.959963984540054)).toBeCloseTo(0.05, 14);
  });
});

describe('benjaminiHochberg and bins', () => {
  it('rejects the k smallest p with p_(k) ≤ k·α/m (hand-worked), NaN not counted', () => {
    // m = 5 finite: sorted 0.005 ≤ 0.01 ✓, 0.01 ≤ 0.02 ✓, 0.03 ≤ 0.03 ✓, 0.039 ≤ 0.04 ✓, 0.2 > 0.05 → k = 4
    expect(benjaminiHochberg(Float64Array.from([0.01, 0.039, 0.03, 0.005, 0.2, Number.NaN]), 0.05)).toEqual([true, true, true, true, false, false]);
    // step-up: 0.02 > 0.0167 at rank 1 and 0.035 > 0.0333 at rank 2 fail, but 0.04 ≤ 0.05 at rank 3 rejects all three
    expect(benjaminiHochberg(Float64Array.from([0.04, 0.035, 0.02]), 0.05)).toEqual([true, true, true]);
    // 0.015 ≤ 0.0167 ✓, 0.03 ≤ 0.0333 ✓, 0.6 > 0.05 → k = 2
    expect(benjaminiHochberg(Float64Array.from([0.03, 0.6, 0.015]), 0.05)).toEqual([true, false, true]);
    // 0.02 > 0.0167, 0.04 > 0.0333, 0.6 > 0.05 → none
    expect(benjaminiHochberg(Float64Array.from([0.04, 0.6, 0.02]), 0.05)).toEqual([false, false, false]);
  });

  it('bins at 99/95/90 % with and without FDR as ArcGIS does (hand-worked)', () => {
    const p = Float64Array.from([0.001, 0.008, 0.02, 0.03, 0.06, 0.5]);
    const z = Float64Array.from([3.3, -2.65, 2.33, 2.17, -1.88, 0.67]);
    // uncorrected: 0.001 → 99 %, 0.008 → 99 %, 0.02 and 0.03 → 95 %, 0.06 → 90 %, 0.5 → none
    expect([...confidenceBins(p, z)]).toEqual([3, -3, 2, 2, -1, 0]);
    // BH at α = 0.01: thresholds r·0.01/6 = 0.0017, 0.0033 … → only 0.001 passes
    // at α = 0.05: r·0.05/6 = 0.0083, 0.0167, 0.025, 0.0333, 0.0417 → the four smallest pass
    // at α = 0.10: r·0.1/6 = … 0.0833 at rank 5 ≥ 0.06 → five pass
    expect([...fdrBins(p, z)]).toEqual([3, -2, 2, 2, -1, 0]);
  });

  it('classifies Gi* with FDR when asked', () => {
    const r = getisOrdGiStar(VALUES, W_BINARY, { fdr: true });
    expect([...r.bin]).toEqual([...fdrBins(r.p, r.z)]);
    expect(r.binsFrom.fdr).toBe(true);
  });
});

describe('weights', () => {
  it('builds CSR from pairs, sorted by neighbour, and refuses self-links, unknown units and duplicates', () => {
    const W = fromPairs(4, { i: Int32Array.from([0, 0, 2]), j: Int32Array.from([3, 1, 1]), w: Float64Array.from([2, 1, 0.5]) });
    expect([...W.offsets]).toEqual([0, 2, 2, 3, 3]);
    expect([...W.ids]).toEqual([1, 3, 1]);
    expect([...W.weights]).toEqual([1, 2, 0.5]);
    expect(() => fromPairs(3, [{ i: 1, j: 1 }])).toThrowError(/links unit 1 to itself/);
    expect(() => fromPairs(3, [{ i: 0, j: 3 }])).toThrowError(/outside 0..2/);
    expect(() => fromPairs(3, [{ i: 0, j: 1 }, { i: 0, j: 1 }])).toThrowError(/listed twice/);
    expect([...fromPairs(3, [{ i: 0, j: 1 }, { i: 0, j: 1, w: 2 }], { duplicates: 'sum' }).weights]).toEqual([3]);
  });

  it('row-standardises, leaving islands empty', () => {
    const R = rowStandardise(W_UNEQUAL);
    for (let i = 0; i < 10; i++) {
      let s = 0;
      for (let a = R.offsets[i]; a < R.offsets[i + 1]; a++) s += R.weights[a];
      expect(s).toBeCloseTo(1, 14);
    }
    expect(R.offsets[11] - R.offsets[10]).toBe(0);
  });

  it('finds the k nearest and the distance band as a brute-force scan does', () => {
    const rnd = mulberry32(9);
    const pts = Float64Array.from({ length: 600 }, () => Math.round(rnd() * 500)); // integer coordinates: ties happen
    const n = 300;
    const d2 = (a: number, b: number) => (pts[2 * a] - pts[2 * b]) ** 2 + (pts[2 * a + 1] - pts[2 * b + 1]) ** 2;
    const K = knn(pts, 5), B = distanceBand(pts, 40);
    for (let i = 0; i < n; i++) {
      const others = [...Array(n).keys()].filter((j) => j !== i).sort((a, b) => d2(i, a) - d2(i, b) || a - b);
      expect([...K.ids.subarray(K.offsets[i], K.offsets[i + 1])]).toEqual(others.slice(0, 5).sort((a, b) => a - b));
      expect([...B.ids.subarray(B.offsets[i], B.offsets[i + 1])]).toEqual(others.filter((j) => d2(i, j) <= 1600).sort((a, b) => a - b));
    }
  });

  it('gives square-grid rook and queen neighbours and leaves a clipped-off cell an island', () => {
    // 3 × 3 grid without its centre's right neighbour (2, 1); cell (0, 0) and (2, 2) kept
    const cells = { i: [0, 1, 2, 0, 1, 0, 1, 2, 5], j: [0, 0, 0, 1, 1, 2, 2, 2, 5] };
    const rook = squareGridContiguity(cells, 'rook'), queen = squareGridContiguity(cells, 'queen');
    const row = (W: Neighbours, k: number) => [...W.ids.subarray(W.offsets[k], W.offsets[k + 1])];
    expect(row(rook, 4)).toEqual([1, 3, 6]); // (1,1): (1,0), (0,1), (1,2); (2,1) is absent
    expect(row(queen, 4)).toEqual([0, 1, 2, 3, 5, 6, 7]);
    expect(row(queen, 8)).toEqual([]); // (5,5) is far away: an island
  });
});

describe('grid contiguity against PostGIS', () => {
  const pool = testPool();
  afterAll(() => pool.end());

  /** Cells of a PostGIS grid over a 4 km × 3 km box around the origin (metres; negative i and j included) with their (i, j), and the pairs that touch. */
  async function postgisGrid(fn: 'ST_HexagonGrid' | 'ST_SquareGrid', edge: 'edge' | 'any') {
    const grid = fn === 'ST_HexagonGrid' ? 'ST_HexagonGrid(250, ST_MakeEnvelope(-2000, -1500, 2000, 1500, 32650))' : 'ST_SquareGrid(250, ST_MakeEnvelope(-2000, -1500, 2000, 1500, 32650))';
    const touch = edge === 'edge' ? `ST_Relate(a.geom, b.geom, 'F***1****')` : 'ST_Touches(a.geom, b.geom)';
    const { rows: cells } = await pool.query<{ i: number; j: number }>(`SELECT i, j FROM ${grid} ORDER BY j, i`);
    const { rows: pairs } = await pool.query<{ ai: number; aj: number; bi: number; bj: number }>(
      `WITH g AS (SELECT * FROM ${grid}) SELECT a.i AS ai, a.j AS aj, b.i AS bi, b.j AS bj FROM g a JOIN g b ON ${touch}`);
    return { cells, pairs };
  }

  function expectSameNeighbours(W: Neighbours, cells: { i: number; j: number }[], pairs: { ai: number; aj: number; bi: number; bj: number }[]) {
    const key = (i: number, j: number) => `${i},${j}`;
    const index = new Map(cells.map((c, k) => [key(c.i, c.j), k]));
    const expected = cells.map(() => [] as number[]);
    for (const p of pairs) expected[index.get(key(p.ai, p.aj))!].push(index.get(key(p.bi, p.bj))!);
    expect(cells.length).toBeGreaterThan(50);
    cells.forEach((_, k) => expect([...W.ids.subarray(W.offsets[k], W.offsets[k + 1])]).toEqual(expected[k].sort((a, b) => a - b)));
  }

  it('hexagon neighbours by (i, j) equal ST_Touches on ST_HexagonGrid', async () => {
    const { cells, pairs } = await postgisGrid('ST_HexagonGrid', 'any');
    expectSameNeighbours(hexGridContiguity({ i: cells.map((c) => c.i), j: cells.map((c) => c.j) }), cells, pairs);
  });

  it('square queen neighbours equal ST_Touches and rook neighbours the shared edges of ST_SquareGrid', async () => {
    const { cells, pairs } = await postgisGrid('ST_SquareGrid', 'any');
    const byIndex = { i: cells.map((c) => c.i), j: cells.map((c) => c.j) };
    expectSameNeighbours(squareGridContiguity(byIndex, 'queen'), cells, pairs);
    const edges = await postgisGrid('ST_SquareGrid', 'edge');
    expectSameNeighbours(squareGridContiguity(byIndex, 'rook'), edges.cells, edges.pairs);
  });
});

describe('library boundaries', () => {
  it('the composite and hotspot libraries import neither Fastify, pg, kysely nor plugins, routes or repositories', () => {
    const offenders: string[] = [];
    for (const dir of ['server/analysis/composite', 'server/analysis/hotspots']) {
      for (const f of fs.readdirSync(path.join(REPO_ROOT, dir)).filter((name) => name.endsWith('.ts'))) {
        const text = fs.readFileSync(path.join(REPO_ROOT, dir, f), 'utf8');
        for (const [, m] of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm)) {
          if (/^(fastify|@fastify\/|pg$|kysely)/.test(m) || /\/(plugins|routes|repositories)\//.test(m)) offenders.push(`${dir}/${f} → ${m}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
