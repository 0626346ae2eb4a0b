/**
 * The life-circle indicators of a check cycle on the river-town walking network (test/fixtures/network,
 * distances worked by hand there): kindergarten and health-station walking coverage per city and 区,
 * the complete-community share and the items missing per estate, and a city's facility-type
 * override (health station 300 → 400 m) reaching the cycle's values and effective parameters.
 *
 * Hand values (EXPECTED in river-town.ts; standards 300 m): kindergarten E1 170, E2 270, E3 70,
 * E4 70 m → all four within → 100 % (South E1–E3, North E4); health station E1 370, E2 470, E3 370,
 * E4 370 m → none → 0 %; at 400 m E1, E3, E4 → city 75 %, South 2 of 3, North 100 %.
 * 社区 level: the test adds three communities, 西社区 (E1 1,000 residents, E2 2,000), 东社区 (E3,
 * residents unknown) and 北社区 (E4, 500). A unit is weighted by residents only when every estate in
 * it has a count: at 400 m 西社区 = 1,000 ÷ 3,000 = 33.3 % by residents (50 % by estates), 东社区 =
 * 1 ÷ 1 estates = 100 %, 北社区 = 500 ÷ 500 = 100 %; South (E3 unknown) and the city stay by estates.
 * 5-minute tier reduced (city override) to kindergarten + pharmacy (E1 370, E2 70, E3 370, E4 570 m):
 * only E2 has both → city 1 of 4 = 25 %, South 1 of 3, 西社区 2,000 ÷ 3,000 residents.
 * Runs in a database of its own (`<test db>_check_lc`).
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { DATASET, loadRiverTown } from '../fixtures/network/load-river-town.ts';
import { latOf, lonOf } from '../fixtures/network/river-town.ts';
import { ownDatabase } from '../helpers/db.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let ids: Awaited<ReturnType<typeof loadRiverTown>>;
let required: number;
const community: Record<string, number> = {};

interface Value { indicator: string; unitKind: string; unitId: number | null; value: number | null; numerator: number | null; denominator: number | null; ruleVersion: { params: Record<string, { value: unknown; origin: string }> } }

beforeAll(async () => {
  const url = await ownDatabase('_check_lc');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  ids = await loadRiverTown(pool);
  for (const [name, x0, y0, x1, y1] of [['西社区', -50, -50, 200, 150], ['东社区', 200, -50, 350, 150], ['北社区', -50, 150, 350, 350]] as const) {
    const ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]].map(([x, y]) => `${lonOf(x)} ${latOf(y)}`).join(',');
    community[name] = (await pool.query(`
      INSERT INTO app.admin_unit (level, name, geom, dataset_id, source_id, check_year)
      VALUES ('community', $1, ST_GeomFromText($2, 4326), $3, $1, 2025) RETURNING id`, [name, `MULTIPOLYGON(((${ring})))`, DATASET])).rows[0].id;
  }
  required = (await pool.query(`SELECT count(*)::int AS n FROM app.facility_type WHERE complete_community AND standard_distance_m IS NOT NULL`)).rows[0].n;
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000, rateLimit: false, auth: { mode: 'off' } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

async function cycleValues(year: number): Promise<Value[]> {
  const c = (await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { year } })).json();
  const computed = await app.inject({ method: 'POST', url: `/api/check/cycles/${c.id}/compute` });
  expect(computed.statusCode).toBe(200);
  expect(computed.json().steps.find((s: { engine: string }) => s.engine === 'life_circle')).toBeDefined();
  expect(computed.json().steps.filter((s: { engine: string; error?: string }) => s.engine === 'life_circle' && s.error)).toEqual([]);
  return (await app.inject(`/api/check/cycles/${c.id}/values`)).json().values;
}
const at = (vs: Value[], indicator: string, unitKind: string, unitId: number | null) =>
  vs.find((v) => v.indicator === indicator && v.unitKind === unitKind && v.unitId === unitId)?.value;

describe('life-circle indicators in a check cycle', () => {
  it('computes walking coverage per city, 区 and 社区 and the complete-community checklist per estate, as worked by hand', async () => {
    const vs = await cycleValues(2025);
    expect(at(vs, 'kindergarten_coverage', 'city', null)).toBe(100);
    expect(at(vs, 'kindergarten_coverage', 'district', ids.district.South)).toBe(100);
    expect(at(vs, 'kindergarten_coverage', 'district', ids.district.North)).toBe(100);
    expect(at(vs, 'health_station_coverage', 'city', null)).toBe(0);
    expect(at(vs, 'complete_community_coverage', 'city', null)).toBe(0);
    for (const c of ['西社区', '东社区', '北社区']) {
      expect(at(vs, 'kindergarten_coverage', 'community', community[c]), c).toBe(100);
      expect(at(vs, 'health_station_coverage', 'community', community[c]), c).toBe(0);
      expect(at(vs, 'complete_community_coverage', 'community', community[c]), c).toBe(0);
    }
    // every estate has a kindergarten within 300 m and nothing else of the checklist
    for (const e of ['E1', 'E2', 'E3', 'E4']) expect(at(vs, 'estate_complete_community_missing', 'estate', ids.estate[e])).toBe(required - 1);
  });

  it('uses the city\'s facility-type standard (300 → 400 m), weights a unit by residents only where all are known, and reports both among the effective parameters', async () => {
    const put = await app.inject({ method: 'PUT', url: `/api/facility-types/health_station?dataset=${DATASET}`, payload: { standardDistanceM: 400 } });
    expect(put.statusCode).toBe(200);
    const vs = await cycleValues(2026);
    expect(at(vs, 'health_station_coverage', 'city', null)).toBe(75);
    expect(at(vs, 'health_station_coverage', 'district', ids.district.North)).toBe(100);
    expect(at(vs, 'health_station_coverage', 'district', ids.district.South)).toBeCloseTo(200 / 3, 9);
    const west = vs.find((x) => x.indicator === 'health_station_coverage' && x.unitId === community['西社区'])!;
    expect(west).toMatchObject({ unitKind: 'community', numerator: 1000, denominator: 3000 });
    expect(west.value).toBeCloseTo(100 / 3, 9);
    expect(west.ruleVersion.params.weighting).toEqual({ value: 'residents', origin: 'default' });
    expect(at(vs, 'health_station_coverage', 'community', community['东社区'])).toBe(100);
    expect(at(vs, 'health_station_coverage', 'community', community['北社区'])).toBe(100);
    const weighting = (unitKind: string, unitId: number | null) =>
      vs.find((x) => x.indicator === 'health_station_coverage' && x.unitKind === unitKind && x.unitId === unitId)!.ruleVersion.params.weighting.value;
    expect(weighting('community', community['东社区'])).toBe('estates');
    expect(weighting('community', community['北社区'])).toBe('residents');
    expect(weighting('district', ids.district.South)).toBe('estates');
    expect(weighting('city', null)).toBe('estates');
    const v = vs.find((x) => x.indicator === 'health_station_coverage' && x.unitKind === 'city')!;
    expect(v.ruleVersion.params).toMatchObject({ speed: { value: 80, origin: 'default' }, type: { value: 'health_station', origin: 'default' } });
    const yoy = (await app.inject(`/api/check/trend?indicator=health_station_coverage`)).json();
    expect(yoy.points.map((p: { value: number }) => p.value)).toEqual([0, 75]);
  });

  it('computes the 5-minute tier coverage (every type of the tier within standard) from the city\'s tier list, weighted like the others', async () => {
    // this city's 5-minute tier reduced to kindergarten and pharmacy: the other types moved to 居住街坊 (block)
    const others = (await pool.query<{ code: string }>(`SELECT code FROM app.facility_type WHERE life_circle_tier = '5min' AND code NOT IN ('kindergarten', 'pharmacy')`)).rows;
    expect(others.length).toBeGreaterThan(0);
    for (const { code } of others) {
      const put = await app.inject({ method: 'PUT', url: `/api/facility-types/${code}?dataset=${DATASET}`, payload: { lifeCircleTier: 'block' } });
      expect(put.statusCode, code).toBe(200);
    }
    const vs = await cycleValues(2027);
    // kindergarten within 300 m everywhere; pharmacy E1 370, E2 70, E3 370, E4 570 m → only E2 has both
    expect(at(vs, 'life_circle_5min_coverage', 'city', null)).toBe(25); // 1 of 4 estates (E3 has no resident count)
    expect(at(vs, 'life_circle_5min_coverage', 'district', ids.district.South)).toBeCloseTo(100 / 3, 9);
    expect(at(vs, 'life_circle_5min_coverage', 'district', ids.district.North)).toBe(0);
    const west = vs.find((v) => v.indicator === 'life_circle_5min_coverage' && v.unitId === community['西社区'])!;
    expect(west).toMatchObject({ numerator: 2000, denominator: 3000 }); // E2's 2,000 of 3,000 residents
    expect(west.ruleVersion.params).toMatchObject({ tier: { value: '5min', origin: 'default' }, weighting: { value: 'residents' } });
    expect(at(vs, 'life_circle_5min_coverage', 'community', community['东社区'])).toBe(0);
    expect(at(vs, 'life_circle_10min_coverage', 'city', null)).toBe(0); // no facility of the 10-minute tier in the fixture
  });

  it('refuses per-estate arrays of different lengths (22023)', async () => {
    await expect(pool.query(`SELECT * FROM analysis.check_estate_share($1, '{1,2}'::bigint[], '{true}'::boolean[], '{NULL,NULL}'::float8[])`, [DATASET]))
      .rejects.toMatchObject({ code: '22023' });
  });
});
