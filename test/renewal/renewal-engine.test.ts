/**
 * The renewal engine without a database: the 2021 rules at their edges, the ranking against a hand
 * computation, the sensitivity view, heritage verdicts, 留改拆, the project state machine, and the
 * area-weighted criteria of blocks and drawn sites.
 */
import { describe, expect, it } from 'vitest';
import { heritageVerdict, suggestBuildings, type HeritageHit, type SiteBuilding } from '../../server/renewal/heritage-rules.ts';
import { checkScenario, type RenewalScenario } from '../../server/renewal/policy-rules.ts';
import { assertTransition, NEXT_STAGES, STAGES } from '../../server/renewal/project-states.ts';
import { orderByScore, rankCandidates, sensitivity, topByScore } from '../../server/renewal/ranking.ts';
import { RENEWAL_CRITERIA } from '../../server/renewal/criteria.ts';
import { siteAsCriteriaRow, type SiteCriteriaRow } from '../../server/renewal/site-criteria.ts';

const LIMITS = { maxDemolitionShare: 0.2, maxDemolitionToBuildRatio: 2, minLocalResettlement: 0.5 };
const base: RenewalScenario = { existingGfaM2: 10_000, demolishedGfaM2: 0, newGfaM2: 0, householdsTotal: 100, householdsResettledLocal: 100 };
const rule = (s: RenewalScenario, code: string) => checkScenario(s, LIMITS).find((c) => c.rule === code)!;

describe('2021 anti-demolition rules (建科〔2021〕63号)', () => {
  it('passes a demolition of exactly 20 % of the existing floor area and fails one square metre more', () => {
    expect(rule({ ...base, demolishedGfaM2: 2000 }, 'demolition_share')).toMatchObject({ value: 0.2, pass: true });
    expect(rule({ ...base, demolishedGfaM2: 2001 }, 'demolition_share')).toMatchObject({ value: 0.2001, pass: false });
  });

  it('leaves illegal and unrepairable dangerous buildings out of the 20 % cap', () => {
    const r = rule({ ...base, demolishedGfaM2: 3000, excludedDemolishedGfaM2: 1000 }, 'demolition_share');
    expect(r).toMatchObject({ value: 0.2, pass: true, figures: { excludedDemolishedGfaM2: 1000 } });
  });

  it('passes a demolition-to-construction ratio of exactly 2 and fails above it; nothing demolished is not applicable', () => {
    expect(rule({ ...base, demolishedGfaM2: 1000, newGfaM2: 2000 }, 'demolition_to_build_ratio')).toMatchObject({ value: 2, pass: true });
    expect(rule({ ...base, demolishedGfaM2: 1000, newGfaM2: 2001 }, 'demolition_to_build_ratio')).toMatchObject({ value: 2.001, pass: false });
    expect(rule({ ...base, newGfaM2: 500 }, 'demolition_to_build_ratio')).toMatchObject({ value: null, pass: true });
  });

  it('passes local resettlement of exactly 50 % and fails one household less', () => {
    expect(rule({ ...base, householdsResettledLocal: 50 }, 'local_resettlement')).toMatchObject({ value: 0.5, pass: true });
    expect(rule({ ...base, householdsResettledLocal: 49 }, 'local_resettlement')).toMatchObject({ value: 0.49, pass: false });
  });

  it('uses configured limits and states source and confidence', () => {
    const r = checkScenario({ ...base, demolishedGfaM2: 2500 }, { ...LIMITS, maxDemolitionShare: 0.3 })[0];
    expect(r).toMatchObject({ rule: 'demolition_share', limit: 0.3, pass: true, confidence: 'CONFIRMED' });
    expect(r.source).toMatch(/建科〔2021〕63号/);
    expect(checkScenario(base, LIMITS)[2].confidence).toBe('SECONDARY');
  });

  it('refuses contradictory scenario figures with a message', () => {
    expect(() => checkScenario({ ...base, demolishedGfaM2: 20_000 }, LIMITS)).toThrow(/cannot exceed existingGfaM2/);
    expect(() => checkScenario({ ...base, householdsResettledLocal: 101 }, LIMITS)).toThrow(/cannot exceed householdsTotal/);
    expect(() => checkScenario({ ...base, newGfaM2: -1 }, LIMITS)).toThrow(/finite number ≥ 0/);
  });
});

describe('ranking', () => {
  // Four candidates, three criteria (all raise priority), weights 2 : 1 : 1 → 0.5, 0.25, 0.25.
  //   raw a: 10, 20, 30, 40 → min–max 0, 1/3, 2/3, 1
  //   raw b: 5, 5, 0, 10    → 0.5, 0.5, 0, 1
  //   raw c: 100, 0, 50, 0  → 1, 0, 0.5, 0
  // weighted sums: #1 0.5·0 + 0.25·0.5 + 0.25·1 = 0.375; #2 0.5/3 + 0.125 = 0.291667;
  //                #3 1/3 + 0 + 0.125 = 0.458333; #4 0.5 + 0.25 + 0 = 0.75  → order 4, 3, 1, 2
  const input = {
    ids: [1, 2, 3, 4],
    criteria: [{ code: 'a', direction: 'benefit' as const }, { code: 'b', direction: 'benefit' as const }, { code: 'c', direction: 'benefit' as const }],
    values: [[10, 5, 100], [20, 5, 0], [30, 0, 50], [40, 10, 0]],
    weights: { a: 2, b: 1, c: 1 },
  };

  it('equals the hand-computed weighted sum and order', () => {
    const r = rankCandidates({ ...input, method: 'weighted_sum' });
    expect(r.ranked.map((c) => c.id)).toEqual([4, 3, 1, 2]);
    const byId = Object.fromEntries(r.ranked.map((c) => [c.id, c.score]));
    expect(byId[1]).toBeCloseTo(0.375, 12);
    expect(byId[2]).toBeCloseTo(0.5 / 3 + 0.125, 12);
    expect(byId[3]).toBeCloseTo(1 / 3 + 0.125, 12);
    expect(byId[4]).toBeCloseTo(0.75, 12);
    expect(r.weights).toEqual([0.5, 0.25, 0.25]);
  });

  it('names the criteria that contribute most as reasons', () => {
    const r = rankCandidates({ ...input, method: 'weighted_sum' });
    const first = r.ranked[0];
    // #4: a contributes 0.5, b 0.25, c 0 → shares 2/3, 1/3
    expect(first.reasons.map((x) => x.code)).toEqual(['a', 'b']);
    expect(first.reasons[0].share).toBeCloseTo(2 / 3, 12);
  });

  it('ranks by TOPSIS closeness computed by hand', () => {
    // ideal+ = (1, 1, 1), ideal− = (0, 0, 0) over the normalised columns; D± with w² = (0.25, 0.0625, 0.0625).
    const s = [[0, 0.5, 1], [1 / 3, 0.5, 0], [2 / 3, 0, 0.5], [1, 1, 0]];
    const w2 = [0.25, 0.0625, 0.0625];
    const c = s.map((row) => {
      const dp = Math.sqrt(row.reduce((a, x, j) => a + w2[j] * (x - 1) ** 2, 0));
      const dm = Math.sqrt(row.reduce((a, x, j) => a + w2[j] * x ** 2, 0));
      return dm / (dp + dm);
    });
    const r = rankCandidates({ ...input, method: 'topsis' });
    for (const cand of r.ranked) expect(cand.score).toBeCloseTo(c[cand.id - 1], 12);
    expect(r.ranked.map((x) => x.id)).toEqual([1, 2, 3, 4].sort((p, q) => c[q - 1] - c[p - 1]));
  });

  it('picks the top N without a full sort exactly as the full order does (ties and missing scores included)', () => {
    let x = 7;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const ids = Array.from({ length: 500 }, (_, i) => 1000 - i);
    const scores = ids.map(() => { const r = rnd(); return r < 0.1 ? null : Math.round(r * 20) / 20; });
    for (const n of [1, 10, 37]) expect(topByScore(ids, scores, n)).toEqual(orderByScore(ids, scores).slice(0, n));
  });

  it('breaks ties by id so the order is stable', () => {
    const r = rankCandidates({ ids: [9, 3, 5], criteria: [{ code: 'a', direction: 'benefit' }], values: [[1], [1], [1]], weights: { a: 1 }, method: 'weighted_sum' });
    expect(r.ranked.map((c) => c.id)).toEqual([3, 5, 9]);
  });

  it('shows how the top N changes when each weight moves ±20 %', () => {
    const r = rankCandidates({ ...input, method: 'weighted_sum' });
    const s = sensitivity(input.ids, r.normalised, input.criteria, r.weights, 'weighted_sum', 2);
    expect(s.base).toEqual([4, 3]);
    expect(s.rows).toHaveLength(6);
    // c × 1.2 → weights 0.5, 0.25, 0.3 / 1.05: #1 = (0.125 + 0.3) / 1.05 = 0.4048, #3 = (1/3 + 0.15) / 1.05 = 0.4603: top stays 4, 3.
    const cUp = s.rows.find((x) => x.code === 'c' && x.factor === 1.2)!;
    expect(cUp.top).toEqual([4, 3]);
    expect(cUp.overlap).toBe(1);
    expect(cUp.moved).toBe(0);
    // A larger move (c × 1.9, delta 0.9) → weights 0.5, 0.25, 0.475 over 1.225:
    //   #1 = (0.125 + 0.475) / 1.225 = 0.4898, #3 = (1/3 + 0.2375) / 1.225 = 0.4660 → order 4, 1, 3, 2: two positions moved.
    const big = sensitivity(input.ids, r.normalised, input.criteria, r.weights, 'weighted_sum', 4, 0.9);
    const cBig = big.rows.find((x) => x.code === 'c' && x.factor === 1.9)!;
    expect(cBig.top).toEqual([4, 1, 3, 2]);
    expect(cBig.moved).toBe(2);
    expect(cBig.overlap).toBe(1);
    // a × 0.8 → 0.4, 0.25, 0.25 (/0.9): #1 = 0.375/0.9 = 0.4167, #3 = (0.2667 + 0.125)/0.9 = 0.4352: top stays.
    expect(s.rows.find((x) => x.code === 'a' && x.factor === 0.8)!.entered).toEqual([]);
  });

  it('refuses weights that do not name every criterion', () => {
    expect(() => rankCandidates({ ...input, weights: { a: 1 }, method: 'weighted_sum' })).toThrow(/missing: b, c/);
  });
});

describe('heritage verdict and 留改拆', () => {
  const hit = (h: Partial<HeritageHit>): HeritageHit => ({ hit: 'core_zone', relation: 'inside', featureId: 1, featureName: 'z', districtName: null, overlapM2: 100, ...h });
  const limits = { controlZoneMaxHeightM: 24, controlZoneMaxFar: 2 };

  it('inside a core zone or touching a protected building → micro-renewal only, demolition forbidden', () => {
    expect(heritageVerdict([hit({})], limits)).toMatchObject({ mode: 'micro_renewal_only', demolitionAllowed: false });
    expect(heritageVerdict([hit({ hit: 'protected_building', relation: 'touches', overlapM2: null })], limits)).toMatchObject({ mode: 'micro_renewal_only', demolitionAllowed: false });
  });

  it('a shared boundary with a core zone does not constrain', () => {
    expect(heritageVerdict([hit({ relation: 'touches', overlapM2: 0 })], limits)).toMatchObject({ mode: 'unconstrained', demolitionAllowed: true });
  });

  it('a control zone limits height and floor-area ratio against the scenario', () => {
    const v = heritageVerdict([hit({ hit: 'control_zone' })], limits, { proposedMaxHeightM: 24.5, proposedFar: 2 });
    expect(v.mode).toBe('controlled');
    expect(v.checks.find((c) => c.rule === 'control_zone_height')).toMatchObject({ pass: false, value: 24.5, limit: 24 });
    expect(v.checks.find((c) => c.rule === 'control_zone_far')).toMatchObject({ pass: true, value: 2, limit: 2 });
  });

  it('suggests retain / renovate / demolish per building with the deciding rule', () => {
    const b = (id: number, o: Partial<SiteBuilding>): SiteBuilding => ({ buildingId: id, name: null, heightM: 10, buildYear: 2010, footprintM2: 100, isProtected: false, protectedName: null, inCore: false, inControl: false, ...o });
    const out = suggestBuildings(
      [b(1, { isProtected: true }), b(2, { inCore: true }), b(3, {}), b(4, { buildYear: 1990 }), b(5, { inControl: true, heightM: 30 }), b(6, {})],
      { cutoffYear: 2000, controlZoneMaxHeightM: 24, demolitionAllowed: true, scenarioPasses: true, demolish: new Set([1, 3]) },
    );
    expect(out.map((x) => `${x.buildingId}:${x.suggestion}:${x.rule}`)).toEqual([
      '1:retain:protected_building', '2:retain:core_zone', '3:demolish:scenario_demolition', '4:renovate:old_building',
      '5:renovate:control_zone_height', '6:retain:retain_first',
    ]);
    const refused = suggestBuildings([b(3, {})], { cutoffYear: 2000, controlZoneMaxHeightM: 24, demolitionAllowed: true, scenarioPasses: false, demolish: new Set([3]) });
    expect(refused[0]).toMatchObject({ suggestion: 'retain', rule: 'demolition_refused' });
  });
});

describe('project states', () => {
  it('allows each forward step and refuses skipping (储备 → 销号) with the allowed moves named', () => {
    for (let i = 0; i + 1 < STAGES.length; i++) expect(() => assertTransition(1, STAGES[i], STAGES[i + 1])).not.toThrow();
    expect(() => assertTransition(7, 'reserve', 'closed')).toThrow(/Project 7 cannot move from 储备 reserve to 销号 closed; allowed next: 审批 approved/);
    expect(() => assertTransition(7, 'closed', 'reserve')).toThrow(/closed project takes no further moves/);
    expect(NEXT_STAGES.rechecked).toContain('implementing');
  });
});

describe('criteria of a block or drawn site (area-weighted over the estates inside)', () => {
  const site: SiteCriteriaRow = {
    siteIdx: 1, areaM2: 10_000, oldEstateShare: 0.3,
    // 3000 m² of an old estate (1980, surveyed, 1000 residents on 6000 m², 4 unmet types) and 1000 m² of a newer
    // one (2010, completed, 400 residents on 1000 m², 0 unmet); a third one without a build year or residents.
    estates: [
      { id: 1, insideM2: 3000, estateM2: 6000, buildYear: 1980, isOld: true, status: 'surveyed', residents: 1000, unmet: 4, isSample: true },
      { id: 2, insideM2: 1000, estateM2: 1000, buildYear: 2010, isOld: false, status: 'completed', residents: 400, unmet: 0, isSample: false },
      { id: 3, insideM2: 500, estateM2: 500, buildYear: null, isOld: false, status: null, residents: null, unmet: null, isSample: false },
    ],
    parkDistanceM: 250, lifeCircleRunId: 9, waterloggingPoints: 1, waterloggingSeverity: 3, buildingCount: 4, maxHeightM: 18,
    meanBuildingYear: 1990, lowValueAreaM2: 0, lon: 118.7, lat: 32, diseaseScore: null, hotspotBin: null, diagnosisRunId: null,
  };

  it('weights build year, renovation gap and life-circle gaps by the area inside; residents by the share of each estate inside', () => {
    const r = siteAsCriteriaRow(site, 7, null, 2026);
    // year (3000·1980 + 1000·2010) / 4000 = 1987.5 → age 38.5; gap (3000·1 + 1000·0 + 500·1) / 4500; unmet (3000·4 + 1000·0) / 4000
    expect(r).toMatchObject({ buildYear: 1988, ageYears: 38.5, residents: 900, lifeCircleUnmet: 3, oldEstateShare: 0.3, isOld: true, isSample: true });
    expect(r.renovationGap).toBeCloseTo(3500 / 4500, 12);
    const value = (code: string) => RENEWAL_CRITERIA.find((c) => c.code === code)!.value(r, { checkYear: 2026 });
    expect([value('renovationGap'), value('oldEstateShare'), value('ageYears'), value('buildingAgeYears')]).toEqual([3500 / 4500, 0.3, 38.5, 36]);
  });

  it('knows nothing of age, renovation, residents or life circles without estates inside', () => {
    const r = siteAsCriteriaRow({ ...site, estates: [], oldEstateShare: 0 }, 1, '地块', 2026);
    expect(r).toMatchObject({ name: '地块', buildYear: null, ageYears: null, renovationGap: null, residents: null, lifeCircleUnmet: null, isOld: false, isSample: false });
    expect(RENEWAL_CRITERIA.find((c) => c.code === 'renovationGap')!.value(r, { checkYear: 2026 })).toBeNull();
  });
});
