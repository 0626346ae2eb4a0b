/**
 * The 2021 anti "large-scale demolition and construction" rules (防止大拆大建, 建科〔2021〕63号;
 * indicators.md §9.2) as pass/fail checks of a renewal scenario, each with its figures, limit,
 * source and confidence. Limits are parameters (request → city setting → default).
 */
import { RenewalInputError } from './renewal-error.ts';

/** Floor areas in m² (建筑面积), households as counts. */
export interface RenewalScenario {
  existingGfaM2: number;
  demolishedGfaM2: number;
  /** Part of the demolished area that the cap does not count: illegal buildings and dangerous ones not worth repairing. */
  excludedDemolishedGfaM2?: number;
  newGfaM2: number;
  householdsTotal: number;
  householdsResettledLocal: number;
  /** Tallest proposed building (m) and proposed floor-area ratio, checked in construction-control zones. */
  proposedMaxHeightM?: number;
  proposedFar?: number;
}

export interface PolicyLimits {
  maxDemolitionShare: number;
  maxDemolitionToBuildRatio: number;
  minLocalResettlement: number;
}

export interface RuleCheck {
  rule: string;
  /** The figure the rule compares (share 0–1 or ratio); null when the rule does not apply (e.g. nothing demolished). */
  value: number | null;
  limit: number;
  comparator: '<=' | '>=';
  pass: boolean;
  /** The inputs behind the figure. */
  figures: Record<string, number>;
  text: string;
  source: string;
  confidence: 'CONFIRMED' | 'SECONDARY' | 'UNCONFIRMED' | 'LOCAL';
}

function nonNegative(s: RenewalScenario): void {
  const fields = ['existingGfaM2', 'demolishedGfaM2', 'excludedDemolishedGfaM2', 'newGfaM2', 'householdsTotal', 'householdsResettledLocal', 'proposedMaxHeightM', 'proposedFar'] as const;
  for (const k of fields) {
    const v: unknown = s[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) throw new RenewalInputError(`scenario.${k} must be a finite number ≥ 0, got ${String(v)}`);
  }
  if (s.demolishedGfaM2 > s.existingGfaM2) throw new RenewalInputError(`scenario.demolishedGfaM2 (${s.demolishedGfaM2} m²) cannot exceed existingGfaM2 (${s.existingGfaM2} m²)`);
  if ((s.excludedDemolishedGfaM2 ?? 0) > s.demolishedGfaM2) throw new RenewalInputError(`scenario.excludedDemolishedGfaM2 (${s.excludedDemolishedGfaM2} m²) cannot exceed demolishedGfaM2 (${s.demolishedGfaM2} m²)`);
  if (s.householdsResettledLocal > s.householdsTotal) throw new RenewalInputError(`scenario.householdsResettledLocal (${s.householdsResettledLocal}) cannot exceed householdsTotal (${s.householdsTotal})`);
}

/**
 * Checks a scenario against the three quantified 2021 rules:
 * - demolition share = (demolished − excluded) ÷ existing floor area ≤ maxDemolitionShare (20 %);
 * - 拆建比 = new ÷ demolished floor area ≤ maxDemolitionToBuildRatio (2; the definition as new-build ÷
 *   demolished is UNCONFIRMED, §9.3); nothing demolished → not applicable (pass, value null);
 * - local/nearby resettlement = resettled locally ÷ households ≥ minLocalResettlement (50 %); no
 *   households to move → not applicable.
 * Limits are inclusive (exactly 20 %, exactly 2, exactly 50 % pass).
 */
export function checkScenario(s: RenewalScenario, limits: PolicyLimits): RuleCheck[] {
  nonNegative(s);
  const counted = s.demolishedGfaM2 - (s.excludedDemolishedGfaM2 ?? 0);
  const share = s.existingGfaM2 > 0 ? counted / s.existingGfaM2 : counted > 0 ? Infinity : 0;
  const ratio = s.demolishedGfaM2 > 0 ? s.newGfaM2 / s.demolishedGfaM2 : null;
  const resettle = s.householdsTotal > 0 ? s.householdsResettledLocal / s.householdsTotal : null;
  return [
    {
      rule: 'demolition_share', value: Number.isFinite(share) ? share : null, limit: limits.maxDemolitionShare, comparator: '<=',
      pass: share <= limits.maxDemolitionShare,
      figures: { existingGfaM2: s.existingGfaM2, demolishedGfaM2: s.demolishedGfaM2, excludedDemolishedGfaM2: s.excludedDemolishedGfaM2 ?? 0 },
      text: '城市更新单元（片区）或项目内拆除建筑面积原则上不应大于现状总建筑面积的20%（不含违法建筑和经鉴定为危房且无修缮保留价值的建筑）',
      source: '建科〔2021〕63号 (indicators.md §9.2 [S38][S39])', confidence: 'CONFIRMED',
    },
    {
      rule: 'demolition_to_build_ratio', value: ratio, limit: limits.maxDemolitionToBuildRatio, comparator: '<=',
      pass: ratio === null || ratio <= limits.maxDemolitionToBuildRatio,
      figures: { newGfaM2: s.newGfaM2, demolishedGfaM2: s.demolishedGfaM2 },
      text: '城市更新单元（片区）或项目内拆建比不应大于2（拆建比按新建 ÷ 拆除建筑面积计，定义未经确认）',
      source: '建科〔2021〕63号 (indicators.md §9.2 [S39][S40]; definition §9.3 UNCONFIRMED)', confidence: 'CONFIRMED',
    },
    {
      rule: 'local_resettlement', value: resettle, limit: limits.minLocalResettlement, comparator: '>=',
      pass: resettle === null || resettle >= limits.minLocalResettlement,
      figures: { householdsTotal: s.householdsTotal, householdsResettledLocal: s.householdsResettledLocal },
      text: '城市更新项目居民就地、就近安置率不宜低于50%',
      source: '建科〔2021〕63号 (indicators.md §9.2 [S40]; final wording SECONDARY)', confidence: 'SECONDARY',
    },
  ];
}
