/**
 * The city health index (城市健康指数, indicators.md §11): the cycle's values at one level,
 * normalised (target-based by default, min–max optional), weighted (equal, expert or entropy) and
 * aggregated overall and per dimension (2021) or check level (2024), with the obstacle degree
 * (障碍度) of each indicator. One implementation: server/analysis/composite. No official composite
 * formula exists (§11, UNCONFIRMED), so the method and weights travel with every index value.
 * Pure: no database, no Fastify.
 */
import { composite, topsis, type Criterion, type NormMethod, type WeightMethod } from '../analysis/composite/index.ts';
import type { HealthIndex } from '../contract/check.ts';
import type { ActiveIndicator } from './cycle-service.ts';

export interface IndexValue { indicator: string; unitKind: string; unitId: number | null; unitName: string | null; value: number | null }

export interface IndexRequest {
  cycleId: number;
  year: number;
  level: string;
  norm: NormMethod;
  weights: WeightMethod;
  expertWeights?: Record<string, number>;
  /** sum: weighted sum of the normalised scores (default); topsis: closeness to the ideal unit (§11.2, Xining [S57]). */
  aggregate?: 'sum' | 'topsis';
  framework: string;
}

const r4 = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);

export function healthIndex(defs: ActiveIndicator[], values: IndexValue[], req: IndexRequest): HealthIndex {
  const aggregate = req.aggregate ?? 'sum';
  const atLevel = values.filter((v) => v.unitKind === req.level);
  const excluded: HealthIndex['excluded'] = [];
  const used: ActiveIndicator[] = [];
  for (const d of defs) {
    const vs = atLevel.filter((v) => v.indicator === d.code && v.value !== null);
    if (vs.length === 0) excluded.push({ code: d.code, reason: 'no value at this level in this cycle' });
    else if (req.norm === 'target' && !(d.target !== null && d.target > 0)) excluded.push({ code: d.code, reason: 'no positive target (target-based scoring needs one; use norm=minmax)' });
    else used.push(d);
  }
  const unitKey = (v: IndexValue) => `${v.unitId ?? 0}`;
  const units = [...new Map(atLevel.map((v) => [unitKey(v), v])).values()].sort((a, b) => (a.unitName ?? '').localeCompare(b.unitName ?? ''));
  const matrix = units.map((u) => used.map((d) => atLevel.find((v) => v.indicator === d.code && unitKey(v) === unitKey(u))?.value ?? null));
  const criteria: Criterion[] = used.map((d) => ({ code: d.code, direction: d.direction, target: d.target }));
  const group = (d: ActiveIndicator) => (req.framework === '2024' ? d.checkLevel : d.dimension) ?? 'other';
  const note = 'No official composite formula exists (indicators.md §11, UNCONFIRMED): CityCheck method, shown with its weights.';
  if (used.length === 0 || units.length === 0) {
    return { cycleId: req.cycleId, year: req.year, level: req.level, method: { norm: req.norm, weights: req.weights, aggregate, missing: '', note }, criteria: [], excluded, units: [] };
  }
  const input = { criteria, values: matrix, norm: req.norm, weights: req.weights, expertWeights: req.expertWeights };
  const all = aggregate === 'topsis' ? topsis(input) : composite(input);
  // Per dimension: the weighted sum of the same normalised scores, the overall weights renormalised within the group.
  const groups = [...new Set(used.map(group))];
  const dims = units.map((_u, i) => Object.fromEntries(groups.map((g) => {
    let s = 0; let w = 0;
    used.forEach((d, j) => {
      const x = all.normalised[i][j];
      if (group(d) === g && x !== null) { s += all.weights[j] * x; w += all.weights[j]; }
    });
    return [g, w > 0 ? r4((100 * s) / w) : null];
  })));
  return {
    cycleId: req.cycleId, year: req.year, level: req.level,
    method: { ...all.method, aggregate, note },
    criteria: used.map((d, j) => ({ code: d.code, nameZh: d.nameZh, nameEn: d.nameEn, dimension: group(d), direction: d.direction, target: d.target, weight: r4(all.weights[j])! })),
    excluded,
    units: units.map((u, i) => ({
      unitKind: u.unitKind, unitId: u.unitId, unitName: u.unitName,
      index: all.scores[i] === null ? null : r4(100 * all.scores[i]!),
      dimensions: dims[i],
      obstacles: used.map((d, j) => ({ code: d.code, degree: r4(all.obstacle[i][j] ?? 0)!, normalised: r4(all.normalised[i][j]) }))
        .sort((a, b) => b.degree - a.degree),
    })),
  };
}
