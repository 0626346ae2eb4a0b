/**
 * Heritage constraints as hard checks (indicators.md §9.1, §9.3) and the 留改拆 (retain / renovate /
 * demolish) suggestion per building and per site, each with the rule that decided it. Inputs are the
 * rows of analysis.renewal_heritage_hits / renewal_site_buildings; pure functions.
 */
import type { RenewalScenario, RuleCheck } from './policy-rules.ts';

export interface HeritageHit {
  hit: 'core_zone' | 'control_zone' | 'protected_building';
  relation: 'inside' | 'overlaps' | 'touches' | 'near';
  featureId: number;
  featureName: string | null;
  districtName: string | null;
  overlapM2: number | null;
}

export interface ControlLimits { controlZoneMaxHeightM: number; controlZoneMaxFar: number }

export type RenewalMode = 'micro_renewal_only' | 'controlled' | 'unconstrained';

export interface HeritageVerdict {
  mode: RenewalMode;
  demolitionAllowed: boolean;
  checks: RuleCheck[];
  hits: HeritageHit[];
}

const CORE_TEXT = '历史文化街区核心保护范围内不得进行新建、扩建活动（必要的基础设施和公共服务设施除外），历史建筑保持原有高度、体量、外观形象及色彩；仅可微改造';
const BUILDING_TEXT = '不拆除、不迁移历史建筑和具有保护价值的老建筑；相邻地块仅可微改造';
const CONTROL_TEXT = '建设控制地带内新建建筑应符合保护规划确定的高度、体量等控制要求';

/**
 * The verdict for one site: overlapping a core protection area (interiors meet; a shared boundary
 * only does not count) or meeting a protected building (inside, overlapping, touching or within the
 * touch distance) → micro-renewal only, demolition forbidden; overlapping a construction-control zone
 * → height and floor-area-ratio limits, checked against the scenario's proposal when one is given.
 */
export function heritageVerdict(hits: readonly HeritageHit[], limits: ControlLimits, scenario?: Partial<RenewalScenario>): HeritageVerdict {
  const core = hits.filter((h) => h.hit === 'core_zone' && h.relation !== 'touches');
  const protectedB = hits.filter((h) => h.hit === 'protected_building');
  const control = hits.filter((h) => h.hit === 'control_zone' && h.relation !== 'touches');
  const names = (hs: HeritageHit[]) => hs.map((h) => h.featureName ?? `#${h.featureId}`).join(', ');
  const checks: RuleCheck[] = [
    {
      rule: 'core_zone', value: core.length, limit: 0, comparator: '<=', pass: core.length === 0,
      figures: { zones: core.length, overlapM2: core.reduce((a, h) => a + (h.overlapM2 ?? 0), 0) },
      text: core.length ? `${CORE_TEXT}（${names(core)}）` : CORE_TEXT,
      source: '历史文化名城名镇名村保护条例; GB/T 50357-2018 (indicators.md §9.1 [S44b][S45])', confidence: 'CONFIRMED',
    },
    {
      rule: 'protected_building', value: protectedB.length, limit: 0, comparator: '<=', pass: protectedB.length === 0,
      figures: { buildings: protectedB.length },
      text: protectedB.length ? `${BUILDING_TEXT}（${names(protectedB)}）` : BUILDING_TEXT,
      source: '建科〔2021〕63号; 建办科〔2021〕2号 (indicators.md §9.1–9.2 [S39][S47])', confidence: 'CONFIRMED',
    },
  ];
  if (control.length) {
    const h = scenario?.proposedMaxHeightM;
    const far = scenario?.proposedFar;
    checks.push({
      rule: 'control_zone_height', value: h ?? null, limit: limits.controlZoneMaxHeightM, comparator: '<=',
      pass: h === undefined || h <= limits.controlZoneMaxHeightM, figures: h === undefined ? {} : { proposedMaxHeightM: h },
      text: `${CONTROL_TEXT}（${names(control)}：限高 ${limits.controlZoneMaxHeightM} m）`,
      source: '历史文化名城名镇名村保护条例 (CONFIRMED [S44b]); the limit is a local parameter', confidence: 'LOCAL',
    }, {
      rule: 'control_zone_far', value: far ?? null, limit: limits.controlZoneMaxFar, comparator: '<=',
      pass: far === undefined || far <= limits.controlZoneMaxFar, figures: far === undefined ? {} : { proposedFar: far },
      text: `${CONTROL_TEXT}（${names(control)}：容积率 ≤ ${limits.controlZoneMaxFar}）`,
      source: '历史文化名城名镇名村保护条例 (CONFIRMED [S44b]); the limit is a local parameter', confidence: 'LOCAL',
    });
  }
  const micro = core.length > 0 || protectedB.length > 0;
  return { mode: micro ? 'micro_renewal_only' : control.length ? 'controlled' : 'unconstrained', demolitionAllowed: !micro, checks, hits: [...hits] };
}

export interface SiteBuilding {
  buildingId: number;
  name: string | null;
  heightM: number | null;
  buildYear: number | null;
  footprintM2: number;
  isProtected: boolean;
  protectedName: string | null;
  inCore: boolean;
  inControl: boolean;
}

export type Suggestion = 'retain' | 'renovate' | 'demolish';

export interface BuildingSuggestion { buildingId: number; suggestion: Suggestion; rule: string }

/**
 * 留改拆 per building, first matching rule wins:
 * protected_building → retain (never demolish or move); core_zone → retain (micro-renovation only);
 * listed for demolition by the scenario, allowed on the site and within the 2021 rules →
 * demolish (scenario_demolition); listed but not allowed → retain (demolition_refused);
 * built ≤ the old-estate cut-off → renovate (old_building, 基础/完善/提升);
 * taller than the control-zone limit inside a control zone → renovate without extension (control_zone_height);
 * otherwise retain (retain_first: 以保留利用提升为主). Buildings without any condition survey are never
 * suggested for demolition on their own.
 */
export function suggestBuildings(
  buildings: readonly SiteBuilding[],
  o: { cutoffYear: number; controlZoneMaxHeightM: number; demolitionAllowed: boolean; scenarioPasses: boolean; demolish: ReadonlySet<number> },
): BuildingSuggestion[] {
  return buildings.map((b) => {
    const s = (suggestion: Suggestion, rule: string) => ({ buildingId: b.buildingId, suggestion, rule });
    if (b.isProtected) return s('retain', 'protected_building');
    if (b.inCore) return s('retain', 'core_zone');
    if (o.demolish.has(b.buildingId)) return o.demolitionAllowed && o.scenarioPasses ? s('demolish', 'scenario_demolition') : s('retain', 'demolition_refused');
    if (b.buildYear !== null && b.buildYear <= o.cutoffYear) return s('renovate', 'old_building');
    if (b.inControl && b.heightM !== null && b.heightM > o.controlZoneMaxHeightM) return s('renovate', 'control_zone_height');
    return s('retain', 'retain_first');
  });
}

/** 留改拆 for the whole site (estate or drawn site), with its rule. */
export function suggestSite(verdict: HeritageVerdict, isOld: boolean, scenarioPasses: boolean | null): { suggestion: Suggestion; rule: string } {
  if (!verdict.demolitionAllowed) return { suggestion: 'retain', rule: verdict.checks.find((c) => !c.pass)?.rule ?? 'core_zone' };
  if (scenarioPasses === false) return { suggestion: isOld ? 'renovate' : 'retain', rule: 'scenario_fails_2021_rules' };
  if (isOld) return { suggestion: 'renovate', rule: 'old_estate' };
  return { suggestion: 'retain', rule: 'retain_first' };
}
