/**
 * Renewal candidates and site checks over HTTP on the hand-built fixture (test/renewal/fixture):
 * a core zone, a control zone and a protected building with sites inside / touching / outside.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';
import { loadRenewalFixture } from './fixture/load-fixture.ts';

const pool = testPool();
let app: FastifyInstance;
const ids: Record<string, number> = {};
const bld: Record<string, number> = {};

beforeAll(async () => {
  await loadRenewalFixture(pool);
  for (const r of (await pool.query(`SELECT id, name FROM app.estate WHERE dataset_id = 't-renew'`)).rows) ids[r.name] = Number(r.id);
  for (const r of (await pool.query(`SELECT id, name FROM app.building WHERE dataset_id = 't-renew'`)).rows) bld[r.name] = Number(r.id);
  app = await testApp();
});
afterAll(async () => {
  await app?.close();
  await pool.end();
});

const constraints = async (payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/api/analysis/renewal/constraints', payload: { dataset: 't-renew', ...payload } });

describe('POST /api/analysis/renewal/constraints (heritage hard checks)', () => {
  it('a site inside the core zone is micro-renewal only, demolition forbidden, its building retained', async () => {
    const res = await constraints({ estateId: ids.E1 });
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b).toMatchObject({ mode: 'micro_renewal_only', demolitionAllowed: false, pass: false, suggestion: { suggestion: 'retain', rule: 'core_zone' } });
    expect(b.hits).toEqual([expect.objectContaining({ hit: 'core_zone', relation: 'inside', districtName: 'fixture 街区' })]);
    expect(b.heritage.find((c: { rule: string }) => c.rule === 'core_zone')).toMatchObject({ pass: false, confidence: 'CONFIRMED' });
    expect(b.buildings).toEqual([expect.objectContaining({ buildingId: bld.RB1, inCore: true, suggestion: 'retain', rule: 'core_zone' })]);
  });

  it('a site only touching the core zone boundary is not constrained by it', async () => {
    const b = (await constraints({ estateId: ids.E2 })).json();
    expect(b.hits).toEqual([expect.objectContaining({ hit: 'core_zone', relation: 'touches' })]);
    expect(b).toMatchObject({ mode: 'unconstrained', demolitionAllowed: true, pass: true, suggestion: { suggestion: 'renovate', rule: 'old_estate' } });
  });

  it('a site touching a protected building is micro-renewal only', async () => {
    const b = (await constraints({ estateId: ids.E4 })).json();
    expect(b.hits).toEqual([expect.objectContaining({ hit: 'protected_building', relation: 'touches', featureName: 'fixture 历史建筑' })]);
    expect(b).toMatchObject({ mode: 'micro_renewal_only', demolitionAllowed: false });
  });

  it('a site inside the control zone gets the height and volume limits, checked against the proposal', async () => {
    const b = (await constraints({ estateId: ids.E3, scenario: { existingGfaM2: 10000, demolishedGfaM2: 0, newGfaM2: 0, householdsTotal: 0, householdsResettledLocal: 0, proposedMaxHeightM: 30, proposedFar: 1.5 } })).json();
    expect(b.mode).toBe('controlled');
    expect(b.heritage.find((c: { rule: string }) => c.rule === 'control_zone_height')).toMatchObject({ pass: false, value: 30, limit: 24, confidence: 'LOCAL' });
    expect(b.heritage.find((c: { rule: string }) => c.rule === 'control_zone_far')).toMatchObject({ pass: true });
    expect(b.buildings).toEqual([expect.objectContaining({ buildingId: bld.RB2, inControl: true, suggestion: 'renovate', rule: 'control_zone_height' })]);
    expect(b.effective.controlZoneMaxHeightM).toMatchObject({ value: 24, origin: 'default' });
  });

  it('a drawn site outside everything is unconstrained; the 2021 rules pass at their edges and fail just past them', async () => {
    const site = { type: 'Polygon', coordinates: [[[118.7198, 31.9998], [118.7212, 31.9998], [118.7212, 32.0012], [118.7198, 32.0012], [118.7198, 31.9998]]] };
    const edge = { existingGfaM2: 10000, demolishedGfaM2: 2000, newGfaM2: 4000, householdsTotal: 100, householdsResettledLocal: 50, demolishBuildingIds: [bld.RB6] };
    const ok = (await constraints({ site, scenario: edge })).json();
    expect(ok).toMatchObject({ mode: 'unconstrained', pass: true, site: { estateId: null } });
    expect(ok.policy.map((c: { rule: string; value: number; pass: boolean }) => [c.rule, c.value, c.pass])).toEqual([
      ['demolition_share', 0.2, true], ['demolition_to_build_ratio', 2, true], ['local_resettlement', 0.5, true]]);
    expect(ok.buildings).toEqual([expect.objectContaining({ buildingId: bld.RB6, suggestion: 'demolish', rule: 'scenario_demolition' })]);
    const past = (await constraints({ site, scenario: { ...edge, demolishedGfaM2: 2001, newGfaM2: 4003, householdsResettledLocal: 49 } })).json();
    expect(past.policy.map((c: { pass: boolean }) => c.pass)).toEqual([false, false, false]);
    expect(past.pass).toBe(false);
    expect(past.buildings[0]).toMatchObject({ suggestion: 'retain', rule: 'demolition_refused' });
  });

  it('uses the request\'s limits and reports their origin', async () => {
    const b = (await constraints({ estateId: ids.E2, params: { maxDemolitionShare: 0.3 }, scenario: { existingGfaM2: 1000, demolishedGfaM2: 250, newGfaM2: 0, householdsTotal: 0, householdsResettledLocal: 0 } })).json();
    expect(b.policy[0]).toMatchObject({ value: 0.25, limit: 0.3, pass: true });
    expect(b.effective.maxDemolitionShare).toMatchObject({ value: 0.3, origin: 'request' });
  });

  it('answers 400 for contradictory figures, a missing site and an unknown city; 404 for an estate of another city', async () => {
    const bad = await constraints({ estateId: ids.E2, scenario: { existingGfaM2: 100, demolishedGfaM2: 200, newGfaM2: 0, householdsTotal: 0, householdsResettledLocal: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/cannot exceed existingGfaM2/);
    expect((await constraints({})).json().message).toMatch(/estateId or site/);
    expect((await app.inject({ method: 'POST', url: '/api/analysis/renewal/constraints', payload: { dataset: 'no-such-city', estateId: 1 } })).statusCode).toBe(400);
    expect((await constraints({ estateId: 999_999_999 })).statusCode).toBe(404);
  });
});

describe('POST /api/analysis/renewal/candidates', () => {
  it('ranks the old, not completed estates exactly as the hand computation', async () => {
    // Candidates: E1..E4 (E5 built 2010 is not old, E6 is completed). Check year 2026.
    // ageYears 46, 36, 51, 31 → min–max 0.75, 0.25, 1, 0; residents 1000, 3000, 500, 2000 → 0.2, 1, 0, 0.6.
    // Weights ageYears 2, residents 1, every other criterion 0 → 2/3, 1/3:
    //   E1 = 0.5 + 0.2/3 = 0.566667, E2 = 0.25·2/3 + 1/3 = 0.5, E3 = 2/3, E4 = 0.2 → E3, E1, E2, E4.
    const zero = { renovationGap: 0, parkDistanceM: 0, lifeCircleUnmet: 0, waterloggingSeverity: 0, lowValueAreaM2: 0, buildingAgeYears: 0, diseaseScore: 0, hotspot: 0 };
    const res = await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: 't-renew', weights: { ageYears: 2, residents: 1, ...zero }, topN: 2 } });
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.counts).toEqual({ estates: 6, candidates: 4, notOld: 1, completed: 1, blocks: 0, blocksWithoutOldEstates: 0, sites: 0 });
    expect(b.candidates.map((c: { name: string }) => c.name)).toEqual(['E3', 'E1', 'E2', 'E4']);
    const score = Object.fromEntries(b.candidates.map((c: { name: string; score: number }) => [c.name, c.score]));
    expect(score.E1).toBeCloseTo(0.5 + 0.2 / 3, 10);
    expect(score.E2).toBeCloseTo(0.5, 10);
    expect(score.E3).toBeCloseTo(2 / 3, 10);
    expect(score.E4).toBeCloseTo(0.2, 10);
    expect(b.candidates[0].reasons[0]).toMatchObject({ code: 'ageYears', value: 51 });
    expect(b.candidates.find((c: { name: string }) => c.name === 'E1').constraint).toMatchObject({ mode: 'micro_renewal_only', demolitionAllowed: false });
    expect(b.criteria.find((c: { code: string }) => c.code === 'ageYears')).toMatchObject({ weight: 2 / 3, weightOrigin: 'request' });
    expect(b.effective.cutoffYear).toMatchObject({ value: 2000, origin: 'default' });
    expect(b.sensitivity.base).toEqual([`estate:${ids.E3}`, `estate:${ids.E1}`]);
    expect(b.sensitivity.rows.map((r: { code: string }) => r.code)).toEqual(['ageYears', 'ageYears', 'residents', 'residents']);
  });

  it('moves the cut-off year and the completed filter by request', async () => {
    const b = (await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: 't-renew', params: { cutoffYear: 2010, excludeCompleted: false } } })).json();
    expect(b.counts).toMatchObject({ candidates: 6, notOld: 0 });
    expect(b.effective.cutoffYear).toMatchObject({ value: 2010, origin: 'request' });
  });

  it('reuses the criteria for a weight change; a ledger edit through the API or any change on the feed makes the next ranking re-read', async () => {
    await app.changeFeed.ready;
    const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: 't-renew', params: { waterloggingRadiusM: 301 }, ...payload } });
    const first = (await post({})).json();
    const again = (await post({ weights: { residents: 40 } })).json();
    expect([first.timing.cached, again.timing.cached]).toEqual([false, true]);
    expect(again.criteria.find((c: { code: string }) => c.code === 'residents').weightOrigin).toBe('request');
    try {
      // through the API (the route drops the cache itself; its row change also reaches the feed — wait for that too, so it cannot land later)
      const seen0 = app.changeFeed.received;
      const edit = await app.inject({ method: 'PATCH', url: `/api/renewal/ledger/estates/${ids.E2}`, payload: { actor: 'surveyor', renovationStatus: 'completed' } });
      expect(edit.statusCode).toBe(200);
      await expect.poll(() => app.changeFeed.received, { timeout: 10_000 }).toBeGreaterThan(seen0);
      const after = (await post({})).json();
      expect(after.timing.cached).toBe(false);
      expect(after.candidates.map((c: { name: string }) => c.name)).not.toContain('E2');
      expect(after.counts.completed).toBe(first.counts.completed + 1);
      // behind the API's back (another process, an import): the change feed drops the cache
      expect((await post({})).json().timing.cached).toBe(true);
      const seen = app.changeFeed.received;
      await pool.query(`UPDATE app.estate SET renovation_status = NULL WHERE id = $1`, [ids.E2]);
      await expect.poll(() => app.changeFeed.received, { timeout: 10_000 }).toBeGreaterThan(seen);
      const back = (await post({})).json();
      expect(back.timing.cached).toBe(false);
      expect(back.candidates.map((c: { name: string }) => c.name)).toContain('E2');
    } finally {
      await pool.query(`UPDATE app.estate SET renovation_status = NULL WHERE id = $1`, [ids.E2]);
    }
  });

  it('takes the disease score and hot-spot class of each estate\'s unit from the city\'s latest diagnosis run', async () => {
    const run = await pool.query(`INSERT INTO app.diagnosis_run (dataset_id, unit_kind, cell_size_m, metric_srid, built_up_source, built_up_m2, effective)
      VALUES ('t-renew', 'square', 500, 32650, 'derived', 1, '{}') RETURNING id`);
    const runId = Number(run.rows[0].id);
    try {
      // unit 0 holds E1 and E2 (disease 0.8, 99 % hot spot); unit 1 holds E3 (0.2, 90 % cold spot); E4 lies in neither.
      await pool.query(`INSERT INTO app.diagnosis_unit (run_id, unit_no, area_m2, built_up_m2, disease, gi_bin, geom) VALUES
        ($1, 0, 1, 1, 0.8, 3, ST_Multi(ST_MakeEnvelope(118.697, 31.999, 118.7025, 32.002, 4326))),
        ($1, 1, 1, 1, 0.2, -1, ST_Multi(ST_MakeEnvelope(118.7025, 31.999, 118.705, 32.002, 4326)))`, [runId]);
      const b = (await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: 't-renew' } })).json();
      expect(b.diagnosisRunId).toBe(runId);
      const j = b.criteria.findIndex((c: { code: string }) => c.code === 'diseaseScore');
      const h = b.criteria.findIndex((c: { code: string }) => c.code === 'hotspot');
      const by = Object.fromEntries(b.candidates.map((c: { name: string; values: number[]; hotspotBin: number | null }) => [c.name, [c.values[j], c.values[h], c.hotspotBin]]));
      expect(by).toEqual({ E1: [0.8, 3, 3], E2: [0.8, 3, 3], E3: [0.2, 0, -1], E4: [null, null, null] });
    } finally {
      await pool.query('DELETE FROM app.diagnosis_run WHERE id = $1', [runId]);
    }
  });

  it('refuses unknown criteria and all-zero weights with 400', async () => {
    const a = await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: 't-renew', weights: { beauty: 1 } } });
    expect(a.statusCode).toBe(400);
    expect(a.json().message).toMatch(/unknown criteria in weights: beauty/);
    const zeros = Object.fromEntries(['ageYears', 'renovationGap', 'parkDistanceM', 'lifeCircleUnmet', 'waterloggingSeverity', 'residents', 'lowValueAreaM2', 'buildingAgeYears', 'diseaseScore', 'hotspot'].map((k) => [k, 0]));
    expect((await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: 't-renew', weights: zeros } })).statusCode).toBe(400);
  });
});
