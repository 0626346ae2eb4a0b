/**
 * The diagnosis engine (诊断): from per-unit indicators and neighbour pairs to the disease score and
 * the hotspot statistics of every unit. Pure: no database, no Fastify. The composite score and the
 * statistics are the shared libraries' (server/analysis/composite, server/analysis/hotspots): this
 * module only chooses the inputs and puts the results together.
 *
 * - Disease score = 1 − composite health score (weighted sum of normalised indicators, indicators.md
 *   §11.1–11.2), so that high = sick and a Gi* hot spot is a cluster of sick units.
 * - Units without a score (none of the chosen indicators applies) are left out of the statistics,
 *   and so are their pairs; they are reported with null statistics.
 * - Gi* on binary weights with the focal unit included; local and global Moran on row-standardised
 *   weights. Units with no neighbour among the scored units are islands: reported, with null local
 *   Moran (Gi* of an island is the statistic of the unit alone, as the library computes it).
 * - FDR: Benjamini–Hochberg at alpha over the pseudo p-values when permutations ran, else the analytic ones.
 */
import { composite, type Criterion, type NormMethod, type WeightMethod } from '../analysis/composite/index.ts';
import {
  benjaminiHochberg, fromPairs, getisOrdGiStarSteps, globalMoran, islandsOf, localMoranSteps, rowStandardise,
} from '../analysis/hotspots/index.ts';
import type { DiagnosisIndicatorDef } from '../contract/diagnosis.ts';
import { runSync, type Steps } from '../graph/work-budget.ts';

/** Drains step-wise work: a WorkBudget's `run` on the server (yields, deadline → 503), runSync elsewhere. */
export type StepRunner = <T>(steps: Steps<T>) => T | Promise<T>;

export interface EngineCriterion { code: string; direction: 'benefit' | 'cost'; target: number | null; weight: number | null }

export interface EngineInput {
  /** Raw indicator values per unit (unit i = row i of the weights matrix). */
  indicators: readonly Record<string, number | null>[];
  /** Neighbour pairs (i, j) with binary weights, as stored (both directions for symmetric schemes). */
  pairs: { i: Int32Array; j: Int32Array };
  criteria: readonly EngineCriterion[];
  norm: NormMethod;
  weightMethod: WeightMethod;
  permutations: number;
  seed: number;
  alpha: number;
}

export interface EngineUnit {
  score: number | null; disease: number | null;
  normalised: Record<string, number | null>; obstacle: Record<string, number | null>;
  giZ: number | null; giP: number | null; giPSim: number | null; giBin: number | null; giFdr: boolean | null;
  lisaI: number | null; lisaZ: number | null; lisaP: number | null; lisaPSim: number | null;
  lisaQuadrant: 'HH' | 'LL' | 'HL' | 'LH' | 'ns' | null; lisaFdr: boolean | null;
  neighbours: number;
}

export interface EngineSummary {
  units: number; scored: number; islands: number[];
  globalMoran: { I: number | null; expected: number | null; variance: number | null; z: number | null; p: number | null };
  hot: number; cold: number; giFdrSignificant: number;
  quadrants: Record<string, number>;
  weights: { code: string; weight: number }[];
  pairs: number;
}

/** A bad criterion list (e.g. expert weights all zero): answered 400. */
export class DiagnosisInputError extends Error {
  readonly code = 'DIAGNOSIS_INPUT';
  readonly statusCode = 400;
}

const fin = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);

/** The criteria of a request: the named indicators, or the default set, with their definitions. */
export function resolveCriteria(
  defs: readonly DiagnosisIndicatorDef[],
  requested: readonly { code: string; weight?: number; target?: number }[] | undefined,
): EngineCriterion[] {
  const byCode = new Map(defs.map((d) => [d.code, d]));
  const list: readonly { code: string; weight?: number; target?: number }[] = requested ?? defs.filter((d) => d.inComposite).map((d) => ({ code: d.code }));
  const seen = new Set<string>();
  return list.map((c) => {
    const d = byCode.get(c.code);
    if (!d) throw new DiagnosisInputError(`unknown indicator "${c.code}"; choose from ${defs.map((x) => x.code).join(', ')}`);
    if (seen.has(c.code)) throw new DiagnosisInputError(`indicator "${c.code}" is named twice`);
    seen.add(c.code);
    return { code: d.code, direction: d.direction, target: c.target ?? d.target, weight: c.weight ?? null };
  });
}

/** Scores every unit and runs Gi*, local and global Moran and the FDR correction over the scored units. */
export async function diagnose(input: EngineInput, run: StepRunner = runSync): Promise<{ units: EngineUnit[]; summary: EngineSummary }> {
  const n = input.indicators.length;
  const codes = input.criteria.map((c) => c.code);
  if (input.weightMethod === 'expert' && !input.criteria.some((c) => (c.weight ?? 0) > 0)) {
    throw new DiagnosisInputError('expert weights need a weight above 0 for at least one indicator');
  }
  const criteria: Criterion[] = input.criteria.map((c) => ({ code: c.code, direction: c.direction, target: c.target, weight: c.weight }));
  const comp = composite({
    criteria,
    values: input.indicators.map((row) => codes.map((c) => fin(row[c] ?? undefined))),
    norm: input.norm,
    weights: input.weightMethod,
    expertWeights: input.weightMethod === 'expert' ? Object.fromEntries(input.criteria.map((c) => [c.code, c.weight ?? 0])) : undefined,
  });

  // The statistics run on the scored units only, renumbered 0..m−1.
  const scoredIdx: number[] = [];
  const compact = new Int32Array(n).fill(-1);
  comp.scores.forEach((s, i) => {
    if (s !== null && Number.isFinite(s)) { compact[i] = scoredIdx.length; scoredIdx.push(i); }
  });
  const m = scoredIdx.length;
  const keep: number[] = [];
  for (let k = 0; k < input.pairs.i.length; k++) if (compact[input.pairs.i[k]] >= 0 && compact[input.pairs.j[k]] >= 0) keep.push(k);
  const W = fromPairs(m, {
    i: Int32Array.from(keep, (k) => compact[input.pairs.i[k]]),
    j: Int32Array.from(keep, (k) => compact[input.pairs.j[k]]),
  }, { duplicates: 'first' });
  const x = Float64Array.from(scoredIdx, (i) => 1 - (comp.scores[i] as number));
  const islands = new Set(islandsOf(W));
  const opts = { permutations: input.permutations, seed: input.seed };
  const canTest = m >= 3;
  const gi = canTest ? await run(getisOrdGiStarSteps(x, W, opts)) : null;
  const Wr = rowStandardise(W);
  const lisa = canTest ? await run(localMoranSteps(x, Wr, { ...opts, alpha: input.alpha })) : null;
  const gm = canTest ? globalMoran(x, Wr) : null;
  const giP = gi ? (input.permutations > 0 && gi.pSim ? gi.pSim : gi.p) : null;
  const lisaP = lisa ? (input.permutations > 0 && lisa.pSim ? lisa.pSim : lisa.p) : null;
  const giFdr = giP ? benjaminiHochberg(giP, input.alpha) : null;
  const lisaFdr = lisaP ? benjaminiHochberg(lisaP, input.alpha) : null;

  const units: EngineUnit[] = input.indicators.map((_, i) => {
    const k = compact[i];
    const island = k >= 0 && islands.has(k);
    const score = comp.scores[i];
    return {
      score,
      disease: score === null ? null : 1 - score,
      normalised: Object.fromEntries(codes.map((c, q) => [c, comp.normalised[i][q]])),
      obstacle: Object.fromEntries(codes.map((c, q) => [c, comp.obstacle[i][q]])),
      giZ: k >= 0 && gi ? fin(gi.z[k]) : null,
      giP: k >= 0 && gi ? fin(gi.p[k]) : null,
      giPSim: k >= 0 && gi?.pSim ? fin(gi.pSim[k]) : null,
      giBin: k >= 0 && gi ? gi.bin[k] : null,
      giFdr: k >= 0 && giFdr ? giFdr[k] : null,
      lisaI: k >= 0 && lisa && !island ? fin(lisa.I[k]) : null,
      lisaZ: k >= 0 && lisa && !island ? fin(lisa.z[k]) : null,
      lisaP: k >= 0 && lisa && !island ? fin(lisa.p[k]) : null,
      lisaPSim: k >= 0 && lisa?.pSim && !island ? fin(lisa.pSim[k]) : null,
      lisaQuadrant: k >= 0 && lisa && !island ? lisa.quadrant[k] : null,
      lisaFdr: k >= 0 && lisaFdr && !island ? lisaFdr[k] : null,
      neighbours: k >= 0 ? W.offsets[k + 1] - W.offsets[k] : 0,
    };
  });
  const quadrants: Record<string, number> = { HH: 0, LL: 0, HL: 0, LH: 0, ns: 0 };
  for (const u of units) if (u.lisaQuadrant) quadrants[u.lisaQuadrant]++;
  return {
    units,
    summary: {
      units: n,
      scored: m,
      islands: [...islands].map((k) => scoredIdx[k]).sort((a, b) => a - b),
      globalMoran: { I: fin(gm?.I), expected: fin(gm?.expected), variance: fin(gm?.variance), z: fin(gm?.z), p: fin(gm?.p) },
      hot: units.filter((u) => (u.giBin ?? 0) > 0).length,
      cold: units.filter((u) => (u.giBin ?? 0) < 0).length,
      giFdrSignificant: units.filter((u) => u.giFdr).length,
      quadrants,
      weights: codes.map((c, q) => ({ code: c, weight: comp.weights[q] })),
      pairs: W.ids.length,
    },
  };
}
