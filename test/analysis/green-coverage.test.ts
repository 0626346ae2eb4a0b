/**
 * Coverage engine on a hand-built fixture with exact answers (test/fixtures/coverage/fixture.sql).
 * Targets (m²): R1 10000, R2 6000, R3 10000, R4 10000, R5 6000, R6 6000, R7 5000 = 53000.
 * Official (buffers): R1 + 3600 of R2 + R3 + R5 = 29600 → 55.849 %.
 * Walking: R3 lies across a river with no crossing → 19600 → 36.981 %; detour = R3 = 10000 m².
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../server/config.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const TOTAL = 53000;

beforeAll(async () => {
  await pool.query(`DELETE FROM app.dataset WHERE id = 't-cov'`).catch(() => {});
  const c = await pool.connect();
  try {
    await c.query(fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/coverage/fixture.sql'), 'utf8'));
  } finally {
    c.release();
  }
});
afterAll(() => pool.end());

async function run(mode: string, target = 'residential_land', rules = 'analysis.green_coverage_rules()') {
  const { rows } = await pool.query(`SELECT analysis.green_coverage_run(mode => $1, target => $2, dataset_id => 't-cov', rules => ${rules}) AS id`, [mode, target]);
  return rows[0].id as number;
}
async function city(runId: number) {
  const { rows } = await pool.query(`SELECT * FROM app.coverage_unit WHERE run_id = $1 AND unit_kind = 'city'`, [runId]);
  return rows[0];
}
async function estates(runId: number) {
  const { rows } = await pool.query(`SELECT * FROM app.coverage_estate WHERE run_id = $1 ORDER BY name`, [runId]);
  return rows;
}

describe('analysis.green_service_radius', () => {
  it('gives 500 m from 5000 m², 300 m from 2000 m² inclusive, nothing below', async () => {
    const { rows } = await pool.query(`
      SELECT a, analysis.green_service_radius(a, false, analysis.green_coverage_rules()) AS r,
             analysis.green_service_radius(a, false, analysis.green_coverage_rules(small_min_inclusive => false)) AS rx,
             analysis.green_service_radius(a, true, analysis.green_coverage_rules(historic_variant => true)) AS rh
      FROM unnest(ARRAY[999, 1000, 1500, 1999.9, 2000, 4999, 5000, 60000]::float8[]) a ORDER BY a`);
    expect(rows.map((r) => [r.a, r.r, r.rx, r.rh])).toEqual([
      [999, null, null, null], [1000, null, null, 300], [1500, null, null, 300], [1999.9, null, null, 300],
      [2000, 300, null, 300], [4999, 300, 300, 300], [5000, 500, 500, 500], [60000, 500, 500, 500]]);
  });

  it('rejects inconsistent rule parameters with 22023', async () => {
    await expect(pool.query(`SELECT analysis.green_coverage_rules(small_min_m2 => 6000)`)).rejects.toMatchObject({ code: '22023' });
    await expect(pool.query(`SELECT analysis.green_coverage_rules(large_radius_m => 0)`)).rejects.toMatchObject({ code: '22023' });
    await expect(pool.query(`SELECT analysis.green_coverage_rules(access_width_m => 900)`)).rejects.toMatchObject({ code: '22023' });
  });

  it('picks the UTM zone of the data, never degrees', async () => {
    const { rows } = await pool.query(`SELECT analysis.coverage_metric_srid(ST_SetSRID(ST_Point(118.78, 32.04), 4326)) AS nj,
      analysis.coverage_metric_srid(ST_SetSRID(ST_Point(9.52, 47.14), 4326)) AS li`);
    expect(rows[0]).toEqual({ nj: 32650, li: 32632 });
    await expect(pool.query(`SELECT analysis.coverage_metric_srid(ST_SetSRID(ST_Point(0, 0), 3857))`)).rejects.toMatchObject({ code: '22023' });
  });
});

describe('analysis.green_coverage_run on the fixture', () => {
  it('computes official coverage from buffers: 29600 of 53000 m²', async () => {
    const c = await city(await run('official'));
    expect(c.target_m2).toBeCloseTo(TOTAL, 0);
    expect((100 * c.official_m2) / c.target_m2).toBeCloseTo((100 * 29600) / TOTAL, 1);
    expect(c.walking_m2).toBeNull();
  });

  it('computes walking coverage smaller by the land across the river (detour = R3)', async () => {
    const id = await run('both');
    const c = await city(id);
    expect((100 * c.official_m2) / c.target_m2).toBeCloseTo((100 * 29600) / TOTAL, 1);
    expect((100 * c.walking_m2) / c.target_m2).toBeCloseTo((100 * 19600) / TOTAL, 1);
    const { rows } = await pool.query(`SELECT layer, area_m2 FROM app.coverage_shortfall WHERE run_id = $1 ORDER BY layer`, [id]);
    const by = Object.fromEntries(rows.map((r) => [r.layer, r.area_m2]));
    expect(by.detour).toBeCloseTo(10000, -1);
    expect(by.uncovered_official).toBeCloseTo(TOTAL - 29600, -1);
    expect(by.uncovered_walking).toBeCloseTo(TOTAL - 19600, -1);
  });

  it('lists the uncovered estates of each mode and the nearest park on foot', async () => {
    const rows = await estates(await run('both'));
    expect(rows.filter((e) => !e.covered_official).map((e) => e.name)).toEqual(['R4', 'R6', 'R7']);
    expect(rows.filter((e) => !e.covered_walking).map((e) => e.name)).toEqual(['R3', 'R4', 'R6', 'R7']);
    const r = Object.fromEntries(rows.map((e) => [e.name, e]));
    expect(r.R2.official_share).toBeCloseTo(0.6, 3);
    expect(r.R1.walk_distance_m).toBeCloseTo(100, 0); // (100,50) → buffer edge at x = 150, + 50 m
    expect(r.R1.nearest_park_name).toBe('A');
    expect(r.R5.walk_distance_m).toBeCloseTo(50, 0);
    expect(r.R5.nearest_park_name).toBe('B');
    expect(r.R3.walk_distance_m).toBeNull(); // across the river: no path
    expect(r.R3.straight_distance_m).toBeCloseTo(200, 0);
  });

  it('weights estates by residents', async () => {
    const c = await city(await run('both', 'estate'));
    // residents × covered share: R1 2000 + R2 0.6·600 + R3 1000 + R5 600 of 6300
    expect((100 * c.official_residents) / c.residents).toBeCloseTo((100 * 3960) / 6300, 1);
    expect((100 * c.walking_residents) / c.residents).toBeCloseTo((100 * 2960) / 6300, 1);
  });

  it('applies the historic-district variant only when asked (R7 next to the 1500 m² park)', async () => {
    const c = await city(await run('both', 'residential_land', 'analysis.green_coverage_rules(historic_variant => true)'));
    expect((100 * c.official_m2) / c.target_m2).toBeCloseTo((100 * 34600) / TOTAL, 1);
    expect((100 * c.walking_m2) / c.target_m2).toBeCloseTo((100 * 24600) / TOTAL, 1);
  });

  it('stores the rule version with the run', async () => {
    const id = await run('official');
    const { rows } = await pool.query(`SELECT rule_version FROM app.coverage_run WHERE id = $1`, [id]);
    expect(rows[0].rule_version).toMatchObject({ large_min_m2: 5000, large_radius_m: 500, small_min_m2: 2000, small_radius_m: 300,
      small_min_inclusive: true, historic_variant: false, metric_crs: 'EPSG:32650', mode: 'official' });
  });

  it('rejects a bad mode, target or dataset with 22023', async () => {
    await expect(run('flying')).rejects.toMatchObject({ code: '22023' });
    await expect(run('official', 'moon')).rejects.toMatchObject({ code: '22023' });
    await expect(pool.query(`SELECT analysis.green_coverage_run(dataset_id => 'nope')`)).rejects.toMatchObject({ code: '22023' });
  });
});
