/**
 * A diagnosis tied to a health-check cycle: on the hand-built check city (test/check/fixtures/check-city.sql,
 * 't-check'), a 社区 diagnosis on the computed 2025 cycle takes exactly the values the cycle stored
 * (app.indicator_value, mapped as server/diagnosis/cycle-inputs.ts says), states the cycle and the
 * provenance of every input, and follows a changed stored value; grid cells compute their own; a
 * cycle of another city, an unknown one or one not computed yet is refused.
 *
 * Runs in a database of its own (`<test db>_diag_cycle`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT } from '../../server/config.ts';
import type { DiagnosisExplain, DiagnosisRun } from '../../server/contract/diagnosis.ts';
import { ownDatabase } from '../helpers/db.ts';

const CITY = 't-check';
const OTHER = 't-diag-other';
let app: FastifyInstance;
let pool: pg.Pool;
let cycleId: number;
let otherCycleId: number;
let draftCycleId: number;

beforeAll(async () => {
  const url = await ownDatabase('_diag_cycle');
  pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query(fs.readFileSync(path.join(REPO_ROOT, 'test/check/fixtures/check-city.sql'), 'utf8'));
  await pool.query(`INSERT INTO app.dataset (id, name) VALUES ($1, '另一城')`, [OTHER]);
  await pool.query(`
    INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, source_id, check_year)
    VALUES ('公园', 'park', true, ST_Multi(ST_MakeEnvelope(5.0, 0.0, 5.001, 0.001, 4326)), $1, 'p1', 2025)`, [OTHER]);
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000, rateLimit: false, auth: { mode: 'off' } });
  await app.ready();
  const created = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { dataset: CITY, year: 2025 } });
  expect(created.statusCode, created.body).toBe(201);
  cycleId = created.json().id;
  const computed = await app.inject({ method: 'POST', url: `/api/check/cycles/${cycleId}/compute` });
  expect(computed.statusCode, computed.body).toBe(200);
  const draft = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { dataset: CITY, year: 2026 } });
  draftCycleId = draft.json().id;
  const other = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { dataset: OTHER, year: 2025 } });
  expect(other.statusCode, other.body).toBe(201);
  otherCycleId = other.json().id;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

const diagnose = (payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/api/analysis/diagnosis', payload: { dataset: CITY, permutations: 99, seed: 3, ...payload } });

/** The cycle's stored values of one indicator per 社区 admin unit id, read straight from the table. */
async function stored(indicator: string): Promise<Map<number, number | null>> {
  const { rows } = await pool.query(`SELECT unit_id, value FROM app.indicator_value WHERE cycle_id = $1 AND indicator = $2 AND unit_kind = 'community'`, [cycleId, indicator]);
  return new Map(rows.map((r) => [Number(r.unit_id), r.value === null ? null : Number(r.value)]));
}

describe('POST /api/analysis/diagnosis with a check cycle', () => {
  it('takes exactly the cycle\'s stored values for 社区 units, and states the cycle and the provenance of every input', async () => {
    const res = await diagnose({ unitKind: 'community', cycleId });
    expect(res.statusCode, res.body).toBe(200);
    const run: DiagnosisRun = res.json();
    expect(run.cycle).toMatchObject({ cycleId, year: 2025, status: 'draft' });
    expect(run.cycle!.computedAt).not.toBeNull();
    expect(run.effective.cycleId).toMatchObject({ value: cycleId, origin: 'request' });
    expect(run.effective.checkYear).toMatchObject({ value: 2025 });
    expect(run.units.length).toBeGreaterThanOrEqual(3);

    const water = await stored('waterlogging_density');
    const park = await stored('park_coverage');
    const old = await stored('old_estate_share');
    expect(water.size).toBe(4);
    for (const u of run.units) {
      const id = u.adminUnitId!;
      expect(u.indicators.waterlogging_density).toBe(water.get(id));
      expect(u.indicators.green_shortfall_share).toBeCloseTo(1 - 0.01 * park.get(id)!, 12);
      if (old.get(id) === null) expect(u.indicators.old_estate_share).toBeNull();
      else expect(u.indicators.old_estate_share).toBeCloseTo(0.01 * old.get(id)!, 12);
    }
    const byCode = new Map(run.inputs.map((i) => [i.code, i]));
    expect(byCode.get('waterlogging_density')).toMatchObject({ origin: 'cycle', cycleIndicator: 'waterlogging_density', unitsFromCycle: run.units.length, unitsComputed: 0 });
    expect(byCode.get('green_shortfall_share')).toMatchObject({ origin: 'cycle', cycleIndicator: 'park_coverage', unitsComputed: 0 });
    expect(byCode.get('missing_facility_types')).toMatchObject({ origin: 'computed', cycleIndicator: null, unitsFromCycle: 0, unitsComputed: run.units.length });

    const why = await app.inject(`/api/analysis/diagnosis/${run.runId}/units/${run.units[0].unitNo}`);
    const factors = new Map((why.json() as DiagnosisExplain).factors.map((f) => [f.code, f.origin]));
    expect(factors.get('waterlogging_density')).toBe('cycle');
    expect(factors.get('estate_age_years')).toBe('computed');
  });

  it('follows a changed stored value: the unit\'s input and every disease score move as min–max says', async () => {
    const before = await stored('waterlogging_density');
    const c2 = Number((await pool.query(`SELECT id FROM app.admin_unit WHERE dataset_id = $1 AND name = 'C2'`, [CITY])).rows[0].id);
    await pool.query(`UPDATE app.indicator_value SET value = 7.5 WHERE cycle_id = $1 AND indicator = 'waterlogging_density' AND unit_kind = 'community' AND unit_id = $2`, [cycleId, c2]);
    try {
      const res = await diagnose({ unitKind: 'community', cycleId, criteria: [{ code: 'waterlogging_density' }], norm: 'minmax' });
      expect(res.statusCode, res.body).toBe(200);
      const run: DiagnosisRun = res.json();
      const after = await stored('waterlogging_density');
      expect(after.get(c2)).toBe(7.5);
      expect(before.get(c2)).not.toBe(7.5);
      const xs = run.units.map((u) => after.get(u.adminUnitId!)!);
      const min = Math.min(...xs);
      const max = Math.max(...xs);
      expect(max).toBe(7.5);
      for (const u of run.units) {
        expect(u.indicators.waterlogging_density).toBe(after.get(u.adminUnitId!));
        // one cost indicator, min–max: disease = 1 − (max − x)/(max − min) = (x − min)/(max − min)
        expect(u.disease).toBeCloseTo((after.get(u.adminUnitId!)! - min) / (max - min), 12);
      }
      expect(run.units.find((u) => u.adminUnitId === c2)!.disease).toBeCloseTo(1, 12);
    } finally {
      await pool.query(`UPDATE app.indicator_value SET value = $3 WHERE cycle_id = $1 AND indicator = 'waterlogging_density' AND unit_kind = 'community' AND unit_id = $2`, [cycleId, c2, before.get(c2)]);
    }
  });

  it('computes every input of grid cells itself, and still states the cycle and its year', async () => {
    const res = await diagnose({ unitKind: 'square', cellSizeM: 250, cycleId });
    expect(res.statusCode, res.body).toBe(200);
    const run: DiagnosisRun = res.json();
    expect(run.cycle?.cycleId).toBe(cycleId);
    expect(run.inputs.length).toBeGreaterThan(0);
    for (const i of run.inputs) expect(i).toMatchObject({ origin: 'computed', unitsFromCycle: 0, unitsComputed: run.units.length });
  });

  it('states "computed" for every input of a run without a cycle', async () => {
    const run: DiagnosisRun = (await diagnose({ unitKind: 'community' })).json();
    expect(run.cycle).toBeNull();
    expect(run.effective.cycleId).toBeUndefined();
    expect(run.inputs.every((i) => i.origin === 'computed')).toBe(true);
  });

  it('refuses a cycle of another city (400), an unknown cycle (404) and one not computed yet (400)', async () => {
    const other = await diagnose({ unitKind: 'community', cycleId: otherCycleId });
    expect(other.statusCode).toBe(400);
    expect(other.json().message).toBe(`Check cycle ${otherCycleId} is of city "${OTHER}", not of "${CITY}"`);
    const none = await diagnose({ unitKind: 'community', cycleId: 2147483000 });
    expect(none.statusCode).toBe(404);
    expect(none.json().message).toBe('No check cycle 2147483000');
    const draft = await diagnose({ unitKind: 'community', cycleId: draftCycleId });
    expect(draft.statusCode).toBe(400);
    expect(draft.json().message).toMatch(/has not been computed yet/);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.diagnosis_run WHERE cycle_id IN ($1, $2)`, [otherCycleId, draftCycleId]);
    expect(rows[0].n).toBe(0);
  });
});
