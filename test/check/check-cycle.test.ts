/**
 * The health check on a hand-built fixture city (test/check/fixtures/check-city.sql, 't-check'):
 * one indicator of each formula kind at each level against values computed by hand, grades and
 * warnings, and three cycles of the same city — 2026 with one park added and one waterlogging point
 * closed, 2027 with that point back — where values differ exactly where they should, problems close
 * and reopen, and nothing of one year leaks into the next.
 *
 * Hand computation (WGS-84 at the equator): 0.01° of longitude = 1113.195 m, 0.01° of latitude =
 * 1105.74 m. A community (0.010° × 0.005°) = 0.615 45 km²; the city 2.461 8 km²; a park or estate
 * (0.001° / 0.002° square) 12 309 m² / 49 237 m².
 *
 * Runs in a database of its own (`<test db>_check`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { ownDatabase } from '../helpers/db.ts';

const CITY = 't-check';
const LON_M = 111_319.49; // metres per degree of longitude at the equator
const LAT_M = 110_574.28; // metres per degree of latitude at the equator
const KM2_COMMUNITY = (0.01 * LON_M * 0.005 * LAT_M) / 1e6;
const KM2_CITY = 4 * KM2_COMMUNITY;
const PARK_M2 = 0.001 * LON_M * 0.001 * LAT_M;

let app: FastifyInstance;
let pool: pg.Pool;
const ids: Record<string, { kind: string; id: number }> = {};
const cycles: Record<number, number> = {};

interface Value { indicator: string; unitKind: string; unitId: number | null; unitName: string | null; value: number | null; grade: string | null; warning: string | null; ruleFired: string | null; previousValue: number | null; yoyChange: number | null; inputs: number[]; origin: string; ruleVersion: Record<string, unknown>; indicatorVersion: string; unit: string | null }

beforeAll(async () => {
  const url = await ownDatabase('_check');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(fs.readFileSync(path.join(REPO_ROOT, 'test/check/fixtures/check-city.sql'), 'utf8'));
  const { rows } = await pool.query<{ name: string; kind: string; id: string }>(`
    SELECT name, level AS kind, id FROM app.admin_unit WHERE dataset_id = $1 UNION ALL SELECT name, 'estate', id FROM app.estate WHERE dataset_id = $1
    UNION ALL SELECT name, 'building', id FROM app.building WHERE dataset_id = $1`, [CITY]);
  for (const r of rows) ids[r.name] = { kind: r.kind, id: Number(r.id) };
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000, rateLimit: false, auth: { mode: 'off' } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

async function values(cycleId: number): Promise<Value[]> {
  const res = await app.inject(`/api/check/cycles/${cycleId}/values`);
  expect(res.statusCode).toBe(200);
  return res.json().values;
}
/** A unit by its fixture name (D, S1, C1, E1, B1 …), or the city for null. */
const isUnit = (x: { unitKind: string; unitId: number | null }, unit: string | null) =>
  unit === null ? x.unitKind === 'city' : x.unitKind === ids[unit].kind && x.unitId === ids[unit].id;
const pick = (vs: Value[], indicator: string, unit: string | null) => vs.find((v) => v.indicator === indicator && isUnit(v, unit));
async function createAndCompute(year: number): Promise<number> {
  const created = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { year } });
  expect(created.statusCode).toBe(201);
  const id = created.json().id as number;
  const computed = await app.inject({ method: 'POST', url: `/api/check/cycles/${id}/compute` });
  expect(computed.statusCode).toBe(200);
  expect(computed.json().steps.filter((s: { error?: string }) => s.error)).toEqual([]);
  cycles[year] = id;
  return id;
}
async function problems(query = '') {
  const res = await app.inject(`/api/check/problems${query}`);
  expect(res.statusCode).toBe(200);
  return res.json().problems as { id: number; indicator: string; unitKind: string; unitId: number | null; status: string; severity: string; firstYear: number; lastYear: number; closedYear: number | null; history: { year: number; status: string }[]; bbox: number[] | null }[];
}
const problemOf = (ps: Awaited<ReturnType<typeof problems>>, indicator: string, unit: string | null) =>
  ps.find((p) => p.indicator === indicator && isUnit(p, unit));

describe('indicator catalogue', () => {
  it('lists the seeded indicators with unit, direction, formula kind, thresholds and confidence', async () => {
    const res = await app.inject('/api/check/catalogue');
    expect(res.statusCode).toBe(200);
    const list = res.json().indicators as { code: string; unit: string; direction: string; formulaKind: string; engine: string | null; target: number | null; confidence: string; thresholdOrigin: { target: string } }[];
    const kinds = new Set(list.map((d) => d.formulaKind));
    for (const k of ['area_coverage', 'point_density', 'noncompliant_count', 'per_capita', 'ratio', 'count', 'manual']) expect(kinds).toContain(k);
    const park = list.find((d) => d.code === 'park_coverage')!;
    expect(park).toMatchObject({ unit: '%', direction: 'benefit', engine: 'green_coverage', target: 80, confidence: 'confirmed', thresholdOrigin: { target: 'default' } });
    expect(list.find((d) => d.code === 'sewage_collection_rate')).toMatchObject({ formulaKind: 'manual', engine: null, unit: '%' });
  });

  it('is versioned: a 2021-framework catalogue holds the 2021 indicators and none introduced later', async () => {
    const v2021 = (await app.inject('/api/check/catalogue?framework=2021')).json().indicators as { code: string; version: string }[];
    const v2024 = (await app.inject('/api/check/catalogue?framework=2024')).json().indicators as { code: string; version: string }[];
    expect(v2021.every((d) => d.version === '2021')).toBe(true);
    expect(v2021.map((d) => d.code)).toContain('park_coverage');
    expect(v2021.map((d) => d.code)).not.toContain('waterlogging_untreated'); // a 2024 indicator
    expect(v2024.map((d) => d.code)).toEqual(expect.arrayContaining(['park_coverage', 'waterlogging_untreated', 'resident_satisfaction']));
    expect((await app.inject('/api/check/catalogue?framework=2019')).statusCode).toBe(400);
  });

  it('refuses a city threshold out of order for the direction (400) and stores nothing', async () => {
    const res = await app.inject({ method: 'PUT', url: '/api/check/catalogue/park_coverage/threshold', payload: { yellow: 90 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/red ≤ yellow ≤ target/);
    const { rowCount } = await pool.query('SELECT 1 FROM app.indicator_threshold');
    expect(rowCount).toBe(0);
  });
});

describe('manual values (统计/调查)', () => {
  it('refuses a CSV with a bad row, naming row and field, and stores none of it', async () => {
    const csv = 'indicator,unit_kind,unit_id,year,value\nsewage_collection_rate,city,,2025,72\nsewage_collection_rate,district,999999,2025,abc\n';
    const res = await app.inject({ method: 'POST', url: '/api/check/manual-values?source=2025 统计年鉴', headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual({ row: 2, field: 'value', message: '"abc" is not a finite number' });
    const { rowCount } = await pool.query('SELECT 1 FROM app.manual_value');
    expect(rowCount).toBe(0);
  });

  it('stores a valid CSV with its source and file hash', async () => {
    const csv = '指标,单元类型,单元编号,年份,数值\nsewage_collection_rate,city,,2025,72\n';
    const res = await app.inject({ method: 'POST', url: '/api/check/manual-values?source=2025 统计年鉴&fileName=tj.csv', headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: 1, stored: 1, errors: [] });
    const { rows } = await pool.query('SELECT source, file_name, file_sha256 FROM app.manual_value');
    expect(rows[0]).toMatchObject({ source: '2025 统计年鉴', file_name: 'tj.csv' });
    expect(rows[0].file_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('manual values from the browser (XLSX upload, single entry)', () => {
  it('reads an XLSX workbook uploaded as base64 JSON, and refuses a file that is not one', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('统计');
    ws.addRow(['指标', '单元类型', '单元编号', '年份', '数值']);
    ws.addRow(['resident_satisfaction', 'community', ids.C1.id, 2024, 81.5]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const ok = await app.inject({ method: 'POST', url: '/api/check/manual-values/upload', payload: { source: '2024 满意度调查', fileName: 'survey.xlsx', format: 'xlsx', contentBase64: bytes.toString('base64') } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ rows: 1, stored: 1 });
    const { rows } = await pool.query(`SELECT value, source, file_name FROM app.manual_value WHERE code = 'resident_satisfaction' AND year = 2024`);
    expect(rows).toEqual([{ value: 81.5, source: '2024 满意度调查', file_name: 'survey.xlsx' }]);
    const bad = await app.inject({ method: 'POST', url: '/api/check/manual-values/upload', payload: { source: 'x', format: 'xlsx', contentBase64: Buffer.from('not a workbook').toString('base64') } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ row: 0, field: 'file' });
  });

  it('stores one entered value and refuses a city value with a unit id (400)', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/check/manual-values/entry', payload: { indicator: 'green_building_share', unitKind: 'city', unitId: 5, year: 2024, value: 90, source: '住建局' } });
    expect(bad.statusCode).toBe(400);
    const unknown = await app.inject({ method: 'POST', url: '/api/check/manual-values/entry', payload: { indicator: 'no_such_indicator', unitKind: 'city', year: 2024, value: 1, source: 'x' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/unknown indicator/);
    const ok = await app.inject({ method: 'POST', url: '/api/check/manual-values/entry', payload: { indicator: 'green_building_share', unitKind: 'city', year: 2024, value: 90, source: '住建局' } });
    expect(ok.statusCode).toBe(200);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.audit_log WHERE table_name = 'manual_value' AND new_row->>'code' = 'green_building_share'`);
    expect(rows[0].n).toBe(1);
  });
});

describe('check cycle 2025 on the fixture city', () => {
  it('creates a draft cycle once per city and year', async () => {
    await createAndCompute(2025);
    const again = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { year: 2025 } });
    expect(again.statusCode).toBe(409);
    const bad = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { year: 'soon' } });
    expect(bad.statusCode).toBe(400);
    const c = (await app.inject(`/api/check/cycles/${cycles[2025]}`)).json();
    expect(c).toMatchObject({ dataset: CITY, year: 2025, status: 'draft', framework: '2024' });
    expect(c.steps.map((s: { engine: string }) => s.engine)).toContain('green_coverage');
  });

  it('area coverage (公园绿地服务半径覆盖率) at city, 区, 街道 and 社区 equals the hand count of covered estates', async () => {
    const vs = await values(cycles[2025]);
    expect(pick(vs, 'park_coverage', null)!.value).toBeCloseTo(40, 3); // E1, E2 of five equal estates
    expect(pick(vs, 'park_coverage', 'D')!.value).toBeCloseTo(40, 3);
    expect(pick(vs, 'park_coverage', 'S1')!.value).toBeCloseTo(200 / 3, 3);
    expect(pick(vs, 'park_coverage', 'S2')!.value).toBeCloseTo(0, 6);
    expect(pick(vs, 'park_coverage', 'C1')!.value).toBeCloseTo(100, 3);
    expect(pick(vs, 'park_coverage', 'C2')!.value).toBeCloseTo(0, 6);
  });

  it('point density (内涝积水点密度) is open points ÷ km² of the unit', async () => {
    const vs = await values(cycles[2025]);
    expect(pick(vs, 'waterlogging_density', null)!.value! / (2 / KM2_CITY)).toBeCloseTo(1, 3);
    expect(pick(vs, 'waterlogging_density', 'S1')!.value! / (1 / (2 * KM2_COMMUNITY))).toBeCloseTo(1, 3);
    expect(pick(vs, 'waterlogging_density', 'C1')!.value! / (1 / KM2_COMMUNITY)).toBeCloseTo(1, 3);
    expect(pick(vs, 'waterlogging_density', 'C4')!.value).toBe(0); // W3 is closed
    expect(pick(vs, 'waterlogging_density', 'C1')!.unit).toBe('个/km²');
  });

  it('per capita (人均公园绿地面积) is park m² ÷ residents', async () => {
    const vs = await values(cycles[2025]);
    expect(pick(vs, 'park_area_per_capita', null)!.value! / (PARK_M2 / 20000)).toBeCloseTo(1, 3);
    expect(pick(vs, 'park_area_per_capita', 'S1')!.value! / (PARK_M2 / 10000)).toBeCloseTo(1, 3);
    expect(pick(vs, 'park_area_per_capita', 'C1')!.value! / (PARK_M2 / 5000)).toBeCloseTo(1, 3);
    expect(pick(vs, 'park_area_per_capita', 'C3')!.value).toBe(0);
  });

  it('ratio (老旧小区占比) counts only estates with a known build year', async () => {
    const vs = await values(cycles[2025]);
    expect(pick(vs, 'old_estate_share', null)!.value).toBeCloseTo(50, 9); // E1, E3 of E1, E2, E3, E5
    expect(pick(vs, 'old_estate_share', 'S1')!.value).toBeCloseTo(200 / 3, 9);
    expect(pick(vs, 'old_estate_share', 'C2')!.value).toBe(100);
    expect(pick(vs, 'old_estate_share', 'C3')!.value).toBeNull(); // E4 has no build year
    expect(pick(vs, 'old_estate_count', null)!.value).toBe(2);
  });

  it('non-compliant counts at city, community, estate (小区) and building (住房) level', async () => {
    const vs = await values(cycles[2025]);
    expect(pick(vs, 'estate_no_property_management', null)!.value).toBe(2);
    expect(pick(vs, 'estate_no_property_management', 'C3')!.value).toBe(1);
    expect(pick(vs, 'estate_no_property_management', 'E1')).toMatchObject({ unitKind: 'estate', value: 1, warning: 'yellow' });
    expect(pick(vs, 'estate_no_property_management', 'E2')).toMatchObject({ unitKind: 'estate', value: 0, grade: 'pass', warning: null });
    expect(pick(vs, 'tall_new_residential', 'B1')).toMatchObject({ unitKind: 'building', value: 1 }); // 90 m, built 2025
    expect(pick(vs, 'tall_new_residential', 'B2')).toMatchObject({ unitKind: 'building', value: 0 }); // 100 m, built 2010
    expect(pick(vs, 'tall_new_residential', 'B3')).toBeUndefined(); // 30 m
    expect(pick(vs, 'tall_new_residential', null)!.value).toBe(1);
    expect(pick(vs, 'heritage_site_count', null)!.value).toBe(2);
    expect(pick(vs, 'heritage_site_count', 'C2')!.value).toBe(1);
  });

  it('manual values enter the cycle of their year with their origin', async () => {
    const vs = await values(cycles[2025]);
    expect(pick(vs, 'sewage_collection_rate', null)).toMatchObject({ value: 72, origin: 'manual', grade: 'pass', warning: null });
  });

  it('grades and warns each value and names the rule that fired', async () => {
    const vs = await values(cycles[2025]);
    expect(pick(vs, 'park_coverage', null)).toMatchObject({ grade: 'fail', warning: 'red', ruleFired: 'x = 40 < red 50' });
    expect(pick(vs, 'park_coverage', 'S1')).toMatchObject({ grade: 'fail', warning: 'yellow' });
    expect(pick(vs, 'park_coverage', 'C1')).toMatchObject({ grade: 'pass', warning: null });
    expect(pick(vs, 'waterlogging_density', 'C1')).toMatchObject({ grade: 'fail', warning: 'red' }); // 1.62 > 1
    expect(pick(vs, 'waterlogging_density', null)).toMatchObject({ grade: 'fail', warning: 'yellow' }); // 0.81 in (0.5, 1]
    expect(pick(vs, 'old_estate_share', null)).toMatchObject({ grade: null, warning: null }); // no published threshold
  });

  it('stores unit, indicator version, parameters with origin and the import runs read with every value', async () => {
    const vs = await values(cycles[2025]);
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM app.import_run WHERE dataset_id = $1', [CITY]);
    const park = pick(vs, 'park_coverage', null)!;
    expect(park).toMatchObject({ unit: '%', indicatorVersion: '2021' });
    expect(park.inputs).toEqual([Number(rows[0].id)]);
    expect(park.ruleVersion).toMatchObject({ thresholds: { target: 80, yellow: 70, red: 50 }, params: { largeRadiusM: { value: 500, origin: 'default' } } });
    expect(pick(vs, 'old_estate_share', null)!.ruleVersion).toMatchObject({ params: { cutoffYear: { value: 2000, origin: 'default', setting: 'old_estate_cutoff_year' } } });
  });

  it('opens a problem for every warning, with the unit\'s extent for zoom-to', async () => {
    const ps = await problems();
    expect(problemOf(ps, 'waterlogging_untreated', 'C1')).toMatchObject({ status: 'open', severity: 'yellow', firstYear: 2025 });
    expect(problemOf(ps, 'park_coverage', 'C4')).toMatchObject({ status: 'open', severity: 'red' });
    expect(problemOf(ps, 'estate_no_property_management', 'E1')).toMatchObject({ status: 'open', unitKind: 'estate' });
    expect(problemOf(ps, 'park_coverage', 'C1')).toBeUndefined();
    const c1 = problemOf(ps, 'waterlogging_untreated', 'C1')!;
    expect(c1.bbox![0]).toBeCloseTo(3.0, 9);
    expect(c1.bbox![3]).toBeCloseTo(0.015, 9);
  });

  it('audits every problem it opens (one row each, set-based), and a recomputation finding the same failures changes and audits nothing', async () => {
    const ps = await problems();
    const audit = async () => (await pool.query<{ action: string; id: number; geom: boolean }>(`
      SELECT action, row_id::int AS id, new_row ? 'geom' AS geom FROM app.audit_log WHERE table_name = 'check_problem' ORDER BY id`)).rows;
    const before = await audit();
    expect(before.map((a) => a.action)).toEqual(ps.map(() => 'INSERT'));
    expect(before.map((a) => a.id).sort((x, y) => x - y)).toEqual(ps.map((p) => p.id).sort((x, y) => x - y));
    expect(before.every((a) => a.geom)).toBe(true);
    const again = await app.inject({ method: 'POST', url: `/api/check/cycles/${cycles[2025]}/compute` });
    expect(again.statusCode).toBe(200);
    expect(await audit()).toEqual(before);
    expect(await problems()).toEqual(ps);
  });

  it('exports values and problems as CSV and GeoJSON with unit geometry', async () => {
    const csv = await app.inject(`/api/check/cycles/${cycles[2025]}/values.csv?indicator=park_coverage`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for spreadsheet programs
    expect(lines[0]).toMatch(/^\ufeff?indicator,indicatorVersion,unitKind/);
    expect(lines).toHaveLength(1 + 8); // city, D, S1, S2, C1–C4
    const pcsv = await app.inject('/api/check/problems.csv');
    expect(pcsv.statusCode).toBe(200);
    const plines = pcsv.body.trim().split('\n');
    expect(plines[0]).toMatch(/^\ufeff?id,indicator,unitKind,unitId,unitName,severity,status/);
    expect(plines).toHaveLength(1 + (await problems()).length);
    const pgj = (await app.inject('/api/check/problems.geojson?severity=red')).json();
    expect(pgj.features.length).toBe((await problems('?severity=red')).length);
    const gj = (await app.inject(`/api/check/cycles/${cycles[2025]}/values.geojson?indicator=park_coverage&unitKind=community`)).json();
    expect(gj.features).toHaveLength(4);
    expect(gj.features.every((f: { geometry: { type: string } }) => f.geometry.type === 'MultiPolygon')).toBe(true);
  });
});

describe('city health index', () => {
  it('target-based, equal weights: the mean of clamp(x/target) with obstacle degrees, computed here by hand', async () => {
    const res = await app.inject(`/api/check/cycles/${cycles[2025]}/index`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // Indicators with a positive target and a city value: park_coverage 40/80, park_area_per_capita (PARK_M2/20000)/8, sewage 72/70 → 1.
    const s = { park_coverage: 0.5, park_area_per_capita: PARK_M2 / 20000 / 8, sewage_collection_rate: 1 };
    const w = 1 / 3;
    expect(body.criteria.map((c: { code: string }) => c.code).sort()).toEqual(Object.keys(s).sort());
    const city = body.units[0];
    expect(city.index).toBeCloseTo((100 * (s.park_coverage + s.park_area_per_capita + s.sewage_collection_rate)) / 3, 2);
    const loss = { park_coverage: w * (1 - s.park_coverage), park_area_per_capita: w * (1 - s.park_area_per_capita), sewage_collection_rate: 0 };
    const total = loss.park_coverage + loss.park_area_per_capita;
    const obstacle = Object.fromEntries(city.obstacles.map((o: { code: string; degree: number }) => [o.code, o.degree]));
    expect(obstacle.park_area_per_capita).toBeCloseTo(loss.park_area_per_capita / total, 3);
    expect(obstacle.park_coverage).toBeCloseTo(loss.park_coverage / total, 3);
    expect(body.method).toMatchObject({ norm: 'target', weights: 'equal' });
    expect(body.excluded.map((e: { code: string }) => e.code)).toContain('waterlogging_density');
  });

  it('街道 by min–max, entropy weights and TOPSIS: equals the textbook formulas computed here (indicators.md §11.1–11.2)', async () => {
    // Worked independently of server/analysis/composite from the formulas of §11.1–11.2 (min–max by
    // direction; entropy p = s/Σs, e = −Σ p ln p / ln n, w = (1−e)/Σ(1−e); TOPSIS D± over w·s, C = D−/(D+ + D−)).
    const res = await app.inject(`/api/check/cycles/${cycles[2025]}/index?level=subdistrict&norm=minmax&weights=entropy&aggregate=topsis`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.method).toMatchObject({ norm: 'minmax', weights: 'entropy', aggregate: 'topsis' });
    const cat = (await app.inject('/api/check/catalogue')).json().indicators as { code: string; direction: 'benefit' | 'cost' }[];
    const vs = await values(cycles[2025]);
    const codes: string[] = body.criteria.map((c: { code: string }) => c.code);
    const units = body.units.map((u: { unitId: number }) => u.unitId);
    expect(units).toHaveLength(2);
    const x = units.map((u: number) => codes.map((c) => vs.find((v) => v.indicator === c && v.unitKind === 'subdistrict' && v.unitId === u)!.value!));
    const n = x.length;
    const s = x.map((row: number[]) => row.map((v, j) => {
      const col = x.map((r: number[]) => r[j]);
      const lo = Math.min(...col), hi = Math.max(...col);
      if (hi === lo) return 1;
      return cat.find((d) => d.code === codes[j])!.direction === 'benefit' ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo);
    }));
    const e = codes.map((_c, j) => {
      const sum = s.reduce((a: number, r: number[]) => a + r[j], 0);
      return -s.reduce((a: number, r: number[]) => { const p = r[j] / sum; return a + (p > 0 ? p * Math.log(p) : 0); }, 0) / Math.log(n);
    });
    const w = e.map((ej) => (1 - ej) / e.reduce((a, b) => a + (1 - b), 0));
    body.criteria.forEach((c: { weight: number }, j: number) => expect(c.weight).toBeCloseTo(w[j], 3));
    const best = codes.map((_c, j) => Math.max(...s.map((r: number[]) => r[j])));
    const worst = codes.map((_c, j) => Math.min(...s.map((r: number[]) => r[j])));
    s.forEach((r: number[], i: number) => {
      const dPlus = Math.sqrt(r.reduce((a, v, j) => a + (w[j] * (v - best[j])) ** 2, 0));
      const dMinus = Math.sqrt(r.reduce((a, v, j) => a + (w[j] * (v - worst[j])) ** 2, 0));
      expect(body.units[i].index).toBeCloseTo((100 * dMinus) / (dPlus + dMinus), 2);
    });
  });

  it('refuses entropy weights over a single unit and unknown expert weights (400)', async () => {
    expect((await app.inject(`/api/check/cycles/${cycles[2025]}/index?weights=entropy`)).statusCode).toBe(400);
    const bad = await app.inject(`/api/check/cycles/${cycles[2025]}/index?weights=expert&expert=nosuch:1`);
    expect(bad.statusCode).toBe(400);
    const ok = await app.inject(`/api/check/cycles/${cycles[2025]}/index?level=community&norm=minmax&weights=entropy`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().units).toHaveLength(4);
  });
});

describe('the next cycles of the same city', () => {
  it('2026 (park P2 added in C4, W1 closed): values differ exactly where they should', async () => {
    await pool.query(`
      INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, source_id, check_year)
      VALUES ('P2', 'park', true, ST_Multi(ST_MakeEnvelope(3.0185, 0.0165, 3.0195, 0.0175, 4326)), $1, 'P2', 2025)`, [CITY]);
    await pool.query(`UPDATE app.waterlogging_point SET status = 'closed' WHERE dataset_id = $1 AND source_id = 'W1'`, [CITY]);
    await createAndCompute(2026);
    const before = await values(cycles[2025]);
    const after = await values(cycles[2026]);
    const key = (v: Value) => `${v.indicator}|${v.unitKind}|${v.unitName}`;
    const old = new Map(before.map((v) => [key(v), v.value]));
    const changed = after.filter((v) => !old.has(key(v)) || Math.abs((old.get(key(v)) ?? NaN) - (v.value ?? NaN)) > 1e-9 || (old.get(key(v)) === null) !== (v.value === null))
      .map(key).sort();
    const gone = before.filter((v) => !after.some((a) => key(a) === key(v))).map(key);
    expect(changed).toEqual([
      'park_area_per_capita|city|体检测试城', 'park_area_per_capita|community|C4', 'park_area_per_capita|district|D', 'park_area_per_capita|subdistrict|S2',
      'park_coverage|city|体检测试城', 'park_coverage|community|C4', 'park_coverage|district|D', 'park_coverage|subdistrict|S2',
      // B1 was completed in 2025: in 2026 it is no longer a new building
      'tall_new_residential|building|B1', 'tall_new_residential|city|体检测试城', 'tall_new_residential|community|C3',
      'tall_new_residential|district|D', 'tall_new_residential|subdistrict|S2',
      'waterlogging_density|city|体检测试城', 'waterlogging_density|community|C1', 'waterlogging_density|district|D', 'waterlogging_density|subdistrict|S1',
      'waterlogging_untreated|city|体检测试城', 'waterlogging_untreated|community|C1', 'waterlogging_untreated|district|D', 'waterlogging_untreated|subdistrict|S1',
    ].sort());
    expect(gone).toEqual(['sewage_collection_rate|city|体检测试城']); // the 2025 statistic is not a 2026 value
    expect(pick(after, 'park_coverage', null)!.value).toBeCloseTo(60, 3);
    expect(pick(after, 'park_coverage', 'C4')!.value).toBeCloseTo(100, 3);
    expect(pick(after, 'park_coverage', 'S2')!.value).toBeCloseTo(50, 3);
    expect(pick(after, 'waterlogging_untreated', null)!.value).toBe(1);
  });

  it('2026 values carry the year-on-year change and belong to 2026 only', async () => {
    const after = await values(cycles[2026]);
    expect(pick(after, 'park_coverage', null)).toMatchObject({ previousValue: expect.closeTo(40, 3), yoyChange: expect.closeTo(20, 3) });
    const { rows } = await pool.query('SELECT DISTINCT year, cycle_id FROM app.indicator_value WHERE cycle_id = $1', [cycles[2026]]);
    expect(rows.map((r) => [r.year, Number(r.cycle_id)])).toEqual([[2026, cycles[2026]]]);
    const trend = (await app.inject('/api/check/trend?indicator=park_coverage')).json();
    expect(trend.points.map((p: { year: number }) => p.year)).toEqual([2025, 2026]);
    expect(trend.points[1].value).toBeCloseTo(60, 3);
  });

  it('2026 closes the problems that now pass and keeps the others open', async () => {
    const ps = await problems();
    expect(problemOf(ps, 'waterlogging_untreated', 'C1')).toMatchObject({ status: 'closed', closedYear: 2026, firstYear: 2025 });
    expect(problemOf(ps, 'park_coverage', 'C4')).toMatchObject({ status: 'closed', closedYear: 2026 });
    expect(problemOf(ps, 'park_coverage', null)).toMatchObject({ status: 'open', severity: 'yellow', lastYear: 2026 }); // 60: red → yellow
    expect(problemOf(ps, 'estate_no_property_management', 'E1')).toMatchObject({ status: 'open', lastYear: 2026 });
  });

  it('a planner annotates, dismisses and merges problems (audited); a dismissed problem stays dismissed', async () => {
    const ps = await problems();
    const e1 = problemOf(ps, 'estate_no_property_management', 'E1')!;
    const e4 = problemOf(ps, 'estate_no_property_management', 'E4')!;
    const c3 = problemOf(ps, 'estate_no_property_management', 'C3')!;
    const ann = await app.inject({ method: 'POST', url: `/api/check/problems/${e1.id}`, payload: { action: 'annotate', note: '已列入 2026 更新计划', inTreatment: true } });
    expect(ann.statusCode).toBe(200);
    expect(ann.json()).toMatchObject({ status: 'in_treatment', note: '已列入 2026 更新计划' });
    const dis = await app.inject({ method: 'POST', url: `/api/check/problems/${e4.id}`, payload: { action: 'dismiss', reason: '单位自管，不适用' } });
    expect(dis.json()).toMatchObject({ status: 'dismissed', reason: '单位自管，不适用' });
    const merge = await app.inject({ method: 'POST', url: `/api/check/problems/${c3.id}`, payload: { action: 'merge', into: e1.id, reason: 'same' } });
    expect(merge.json()).toMatchObject({ status: 'merged', mergedInto: e1.id });
    expect((await app.inject({ method: 'POST', url: `/api/check/problems/${e1.id}`, payload: { action: 'merge', into: e1.id, reason: 'x' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/check/problems/999999', payload: { action: 'dismiss', reason: 'x' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/check/problems/${e1.id}`, payload: { action: 'dismiss' } })).statusCode).toBe(400);
    const { rows } = await pool.query(`SELECT old_row->>'status' AS before, new_row->>'status' AS after, new_row->>'note' AS note FROM app.audit_log WHERE table_name = 'check_problem' AND row_id = $1 AND action = 'UPDATE' ORDER BY id DESC LIMIT 1`, [e1.id]);
    expect(rows[0]).toEqual({ before: 'open', after: 'in_treatment', note: '已列入 2026 更新计划' });
  });

  it('2027 (W1 floods again): the closed problem reopens; dismissed and merged ones are left alone', async () => {
    await pool.query(`UPDATE app.waterlogging_point SET status = 'untreated' WHERE dataset_id = $1 AND source_id = 'W1'`, [CITY]);
    await createAndCompute(2027);
    const ps = await problems();
    const w = problemOf(ps, 'waterlogging_untreated', 'C1')!;
    expect(w).toMatchObject({ status: 'reopened', lastYear: 2027 });
    expect(w.history.map((h) => `${h.year}:${h.status}`)).toEqual(['2025:open', '2026:closed', '2027:reopened']);
    expect(problemOf(ps, 'estate_no_property_management', 'E4')).toMatchObject({ status: 'dismissed' });
    expect(problemOf(ps, 'estate_no_property_management', 'C3')).toMatchObject({ status: 'merged' });
    expect(problemOf(ps, 'estate_no_property_management', 'E1')).toMatchObject({ status: 'in_treatment', lastYear: 2027 });
  });

  it('a city threshold changes the warning at its edge (audited)', async () => {
    const set = await app.inject({ method: 'PUT', url: '/api/check/catalogue/waterlogging_untreated/threshold', payload: { red: 2, note: '市定标准' } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ red: 2, thresholdOrigin: { red: 'city', target: 'default' } });
    await app.inject({ method: 'POST', url: `/api/check/cycles/${cycles[2027]}/compute` });
    const at = pick(await values(cycles[2027]), 'waterlogging_untreated', null)!;
    expect(at).toMatchObject({ value: 2, warning: 'yellow' }); // 2 is not past red 2
    await app.inject({ method: 'PUT', url: '/api/check/catalogue/waterlogging_untreated/threshold', payload: { red: 1 } });
    await app.inject({ method: 'POST', url: `/api/check/cycles/${cycles[2027]}/compute` });
    expect(pick(await values(cycles[2027]), 'waterlogging_untreated', null)).toMatchObject({ value: 2, warning: 'red', ruleFired: 'x = 2 > red 1' });
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.audit_log WHERE table_name = 'indicator_threshold'`);
    expect(rows[0].n).toBe(2);
  });

  it('refuses a second computation while one runs (409), shows its progress, and clears it when done', async () => {
    const startedAt = new Date().toISOString();
    await pool.query(`UPDATE app.check_cycle SET progress = $2 WHERE id = $1`, [cycles[2027], { done: 3, total: 17, step: 'green_coverage', startedAt }]);
    expect((await app.inject(`/api/check/cycles/${cycles[2027]}`)).json().progress).toEqual({ done: 3, total: 17, step: 'green_coverage', startedAt });
    const busy = await app.inject({ method: 'POST', url: `/api/check/cycles/${cycles[2027]}/compute` });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().message).toMatch(/being computed/);
    // a claim older than 30 minutes is from a computation that died
    await pool.query(`UPDATE app.check_cycle SET progress = jsonb_set(progress, '{startedAt}', to_jsonb((now() - interval '31 minutes')::text)) WHERE id = $1`, [cycles[2027]]);
    const done = await app.inject({ method: 'POST', url: `/api/check/cycles/${cycles[2027]}/compute` });
    expect(done.statusCode).toBe(200);
    expect(done.json().progress).toBeNull();
  });

  it('publishes a computed cycle, whose values are then final (409 on recompute)', async () => {
    const pub = await app.inject({ method: 'POST', url: `/api/check/cycles/${cycles[2025]}/publish` });
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ status: 'published' });
    expect((await app.inject({ method: 'POST', url: `/api/check/cycles/${cycles[2025]}/compute` })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: `/api/check/cycles/${cycles[2025]}/publish` })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/api/check/cycles/999999/compute' })).statusCode).toBe(404);
  });
});

describe('the four-grade scheme', () => {
  it('grades a cycle 很好/较好/一般/较差 from the same thresholds when created so', async () => {
    const c = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { year: 2028, gradeScheme: 'four' } });
    expect(c.json()).toMatchObject({ gradeScheme: 'four' });
    expect((await app.inject({ method: 'POST', url: `/api/check/cycles/${c.json().id}/compute` })).statusCode).toBe(200);
    const vs = await values(c.json().id);
    expect(pick(vs, 'park_coverage', 'C1')).toMatchObject({ grade: 'very_good', warning: null }); // 100 ≥ 80
    expect(pick(vs, 'park_coverage', null)).toMatchObject({ grade: 'fair', warning: 'yellow' }); // 60: past yellow 70, not red 50
    expect(pick(vs, 'waterlogging_density', 'C1')).toMatchObject({ grade: 'poor', warning: 'red' }); // 1.62 > red 1
    expect((await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { year: 2029, gradeScheme: 'five' } })).statusCode).toBe(400);
  });
});

describe('local indicators (地方特色指标)', () => {
  it('a city adds one, enters a value, and it is computed and graded in the cycle', async () => {
    const add = await app.inject({ method: 'POST', url: '/api/check/catalogue', payload: { code: 'riverside_access', nameZh: '滨水空间可达率', nameEn: 'Riverside access', levels: ['city'], unit: '%', direction: 'benefit', target: 60, yellow: 50, red: 30 } });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({ local: true, version: 'local', confidence: 'local' });
    const audit = await pool.query(`SELECT action, new_row->>'dataset_id' AS city FROM app.audit_log WHERE table_name = 'indicator_def' AND new_row->>'code' = 'riverside_access'`);
    expect(audit.rows).toEqual([{ action: 'INSERT', city: CITY }]);
    expect((await app.inject({ method: 'POST', url: '/api/check/catalogue', payload: { code: 'riverside_access', nameZh: 'x', nameEn: 'x', levels: ['city'], unit: '%', direction: 'benefit' } })).statusCode).toBe(409);
    const csv = 'indicator,unit_kind,unit_id,year,value\nriverside_access,city,,2027,45\n';
    expect((await app.inject({ method: 'POST', url: '/api/check/manual-values?source=专项调查', headers: { 'content-type': 'text/csv' }, payload: csv })).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: `/api/check/cycles/${cycles[2027]}/compute` });
    expect(pick(await values(cycles[2027]), 'riverside_access', null)).toMatchObject({ value: 45, grade: 'fail', warning: 'yellow', origin: 'manual' });
  });
});

describe('OpenAPI', () => {
  it('documents the health-check endpoints', async () => {
    const doc = (await app.inject('/docs/json')).json();
    for (const p of ['/api/check/catalogue', '/api/check/cycles', '/api/check/cycles/{cycleId}/values', '/api/check/cycles/{cycleId}/index', '/api/check/problems', '/api/check/manual-values']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
