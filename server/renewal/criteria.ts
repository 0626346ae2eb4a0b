/**
 * Renewal-candidate criteria (更新候选指标): what raises an estate's renewal priority, from the raw
 * values of analysis.renewal_estate_criteria. Every criterion is oriented so that a higher value
 * means more need (direction 'benefit' in the composite library: normalised 1 = highest priority);
 * the ranking is the composite library's weighted sum or TOPSIS over min–max normalised values.
 */
import type { Criterion } from '../analysis/composite/index.ts';

/** One row of analysis.renewal_estate_criteria, camelCase. */
export interface EstateCriteriaRow {
  estateId: number;
  name: string | null;
  nameDerived: boolean;
  buildYear: number | null;
  isOld: boolean;
  ageYears: number | null;
  renovationStatus: string | null;
  renovationClass: string[];
  renovationPlanYear: number | null;
  residents: number | null;
  households: number | null;
  floorAreaM2: number | null;
  areaM2: number;
  isSample: boolean;
  parkDistanceM: number | null;
  lifeCircleUnmet: number | null;
  lifeCircleRunId: number | null;
  waterloggingPoints: number;
  waterloggingSeverity: number;
  buildingCount: number;
  maxHeightM: number | null;
  meanBuildingYear: number | null;
  lowValueAreaM2: number;
  lon: number;
  lat: number;
  /** Disease score (0–1) and Gi* bin (−3…3) of the estate's unit in the city's latest diagnosis run; null without one. */
  diseaseScore: number | null;
  hotspotBin: number | null;
  diagnosisRunId: number | null;
  /**
   * Blocks and drawn sites only (server/renewal/site-criteria.ts): area-weighted renovation gap of the
   * estates inside (null when none), and the share of the site's area covered by old estates.
   */
  renovationGap?: number | null;
  oldEstateShare?: number;
}

/**
 * Renovation gap by ledger status (design choice, CityCheck): an estate nobody has listed yet
 * needs renewal most; one under works or completed least.
 */
export const RENOVATION_GAP: Readonly<Record<string, number>> = Object.freeze({
  not_listed: 1, surveyed: 1, reserve: 0.75, planned: 0.5, under_works: 0.25, completed: 0,
});

export interface RenewalCriterion extends Criterion {
  /** Unit of the raw value, for reasons and tables. */
  unit: string;
  /** Default weight (any positive scale; normalised to sum 1). Design defaults, changed with the sliders. */
  defaultWeight: number;
  /** Raw value of one estate (null = unknown). */
  value: (r: EstateCriteriaRow, ctx: { checkYear: number | null }) => number | null;
  source: string;
}

export const RENEWAL_CRITERIA: readonly RenewalCriterion[] = Object.freeze([
  { code: 'ageYears', direction: 'benefit', unit: 'a', defaultWeight: 25, value: (r) => r.ageYears,
    source: 'check year − build year; 老旧小区 built ≤ cut-off (indicators.md §7, 国办发〔2020〕23号, CONFIRMED)' },
  { code: 'renovationGap', direction: 'benefit', unit: '', defaultWeight: 15,
    value: (r) => (r.renovationGap !== undefined ? r.renovationGap : RENOVATION_GAP[r.renovationStatus ?? 'not_listed'] ?? 1),
    source: 'ledger renovation status: not listed/surveyed 1, reserve 0.75, planned 0.5, under works 0.25, completed 0 (design choice); blocks and drawn sites: area-weighted over the estates inside' },
  // Weight 0 by default: with onlyOld every estate candidate has share 1, so it would shift every
  // estate score alike; it tells blocks and drawn sites apart once a planner gives it a weight.
  { code: 'oldEstateShare', direction: 'benefit', unit: '', defaultWeight: 0,
    value: (r) => (r.oldEstateShare !== undefined ? r.oldEstateShare : r.isOld ? 1 : 0),
    source: 'share of the candidate\'s area covered by old estates (老旧小区, built ≤ cut-off; indicators.md §7): an estate 1 or 0, a block or drawn site its area share' },
  { code: 'parkDistanceM', direction: 'benefit', unit: 'm', defaultWeight: 15, value: (r) => r.parkDistanceM,
    source: 'straight-line distance to the nearest park ≥ the small-park size (indicators.md §4, 300 m / 500 m rule)' },
  { code: 'lifeCircleUnmet', direction: 'benefit', unit: 'types', defaultWeight: 15, value: (r) => r.lifeCircleUnmet,
    source: 'facility types beyond their walking standard in the latest stored life-circle run (GB 50180-2018, indicators.md §5)' },
  { code: 'waterloggingSeverity', direction: 'benefit', unit: '', defaultWeight: 15, value: (r) => r.waterloggingSeverity,
    source: 'untreated / in-progress waterlogging points within the radius, weighted low 1, medium 2, high 3, severe 4, unknown 1 — the one scale of analysis.waterlogging_severity_weights (indicators.md §8)' },
  { code: 'residents', direction: 'benefit', unit: 'persons', defaultWeight: 10, value: (r) => r.residents,
    source: 'residents affected (estate ledger)' },
  { code: 'lowValueAreaM2', direction: 'benefit', unit: 'm²', defaultWeight: 5, value: (r) => r.lowValueAreaM2,
    source: 'idle low-value space (低效空间台账) within the radius: room for facilities or resettlement nearby (seed 002)' },
  { code: 'diseaseScore', direction: 'benefit', unit: '', defaultWeight: 10, value: (r) => r.diseaseScore,
    source: 'composite disease score (1 − health score) of the estate\'s unit in the latest diagnosis run (indicators.md §11; unknown without a run)' },
  { code: 'hotspot', direction: 'benefit', unit: '', defaultWeight: 5, value: (r) => (r.hotspotBin === null ? null : Math.max(0, r.hotspotBin)),
    source: 'Gi* hot-spot confidence of the estate\'s unit (0 none, 1/2/3 = 90/95/99 % hot; cold spots count 0; indicators.md §11.3)' },
  { code: 'buildingAgeYears', direction: 'benefit', unit: 'a', defaultWeight: 0,
    value: (r, c) => (r.meanBuildingYear !== null && c.checkYear !== null ? Math.max(0, c.checkYear - r.meanBuildingYear) : null),
    source: 'mean age of the estate\'s buildings where the building layer has build years (often unknown)' },
] satisfies RenewalCriterion[]);

export const CRITERION_CODES = RENEWAL_CRITERIA.map((c) => c.code);
