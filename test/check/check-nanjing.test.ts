/**
 * A published 2025 check cycle of central Nanjing (the default city, OSM + the project's 示例数据
 * ledgers, which give the 街道/社区 boundaries, estate build years and waterlogging points): values at
 * city, 区, 街道 and 社区 level for the geometry indicators, consistent across levels, and the cycle
 * marked as built on sample data.
 *
 * The OSM extract cuts every 区 boundary (left out by the importer); the 区 come from the project's
 * sample admin-unit ledger (geodata/samples/nanjing/admin-units.geojson: three 区 assembled from the
 * sample 街道, each 街道 linked to its 区 through 上级, marked 示例). The test loads the default city
 * with check year 2025 into a database of its own (`<test db>_check_nj`), exactly as `npm start` does.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATASET_ID } from '../../geodata/datasets.ts';
import { loadDefaultDataset } from '../../geodata/default-dataset.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { ownDatabase } from '../helpers/db.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let cycle: { id: number; status: string; sampleData: boolean; steps: { engine: string; ms: number; values: number; error?: string }[]; durationMs: number };
let values: { indicator: string; unitKind: string; unitId: number | null; value: number | null; numerator: number | null; denominator: number | null; warning: string | null }[];

beforeAll(async () => {
  const url = await ownDatabase('_check_nj');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  await loadDefaultDataset(pool, { geodataDir: loadConfig().geodataDir, checkYear: 2025 });
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 60_000, rateLimit: false, auth: { mode: 'off' } });
  await app.ready();
  const created = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { dataset: DEFAULT_DATASET_ID, year: 2025 } });
  expect(created.statusCode).toBe(201);
  const id = created.json().id;
  const computed = await app.inject({ method: 'POST', url: `/api/check/cycles/${id}/compute` });
  expect(computed.statusCode).toBe(200);
  const published = await app.inject({ method: 'POST', url: `/api/check/cycles/${id}/publish` });
  expect(published.statusCode).toBe(200);
  cycle = published.json();
  values = (await app.inject(`/api/check/cycles/${id}/values`)).json().values;
  console.log(`Nanjing 2025 cycle: ${Math.round(cycle.durationMs)} ms, ${values.length} values; steps ${cycle.steps.map((s) => `${s.engine} ${s.ms} ms`).join(', ')}`);
}, 300_000);
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

describe('the 2025 check cycle of central Nanjing', () => {
  it('is published, marked as built on sample data, and every engine ran', () => {
    expect(cycle).toMatchObject({ status: 'published', sampleData: true });
    expect(cycle.steps.filter((s) => s.error)).toEqual([]);
  });

  it('has sample 区 from the default data, each 街道 linked to its 区 and each 社区 to its 街道', async () => {
    const { rows } = await pool.query<{ level: string; name: string; parent: string | null; parentLevel: string | null; sample: boolean }>(`
      SELECT u.level, u.name, p.name AS parent, p.level AS "parentLevel", u.is_sample AS sample FROM app.admin_unit u LEFT JOIN app.admin_unit p ON p.id = u.parent_id
      WHERE u.dataset_id IN (SELECT id FROM app.dataset WHERE $1 IN (id, city_id)) AND u.level IN ('district', 'subdistrict', 'community')
      ORDER BY u.level, u.name`, [DEFAULT_DATASET_ID]);
    const districts = rows.filter((r) => r.level === 'district');
    expect(districts.map((r) => r.name).sort()).toEqual(['玄武区（示例）', '秦淮区（示例）', '鼓楼区（示例）'].sort());
    expect(rows.every((r) => r.sample && r.name.endsWith('（示例）'))).toBe(true);
    expect(rows.filter((r) => r.level === 'subdistrict').map((r) => [r.name, r.parent]).sort()).toEqual([
      ['华侨路街道（示例）', '鼓楼区（示例）'], ['梅园新村街道（示例）', '玄武区（示例）'],
      ['朝天宫街道（示例）', '秦淮区（示例）'], ['新街口街道（示例）', '秦淮区（示例）']].sort());
    expect(rows.filter((r) => r.level === 'community').every((r) => r.parentLevel === 'subdistrict')).toBe(true);
  });

  it('has values at city, 区, 街道 and 社区 level for coverage, old estates and waterlogging', async () => {
    const { rows } = await pool.query<{ level: string; n: number }>(
      `SELECT level, count(*)::int AS n FROM app.admin_unit WHERE dataset_id IN (SELECT id FROM app.dataset WHERE $1 IN (id, city_id)) GROUP BY level`, [DEFAULT_DATASET_ID]);
    const units = Object.fromEntries(rows.map((r) => [r.level, r.n]));
    for (const level of ['district', 'subdistrict', 'community']) expect(units[level], `${level} units`).toBeGreaterThan(0);
    // park coverage exists where there is residential land (估衣廊社区 has none in the extract)
    const land = await pool.query<{ level: string; n: number }>(`
      SELECT a.level, count(*)::int AS n FROM app.admin_unit a
      WHERE a.dataset_id IN (SELECT id FROM app.dataset WHERE $1 IN (id, city_id))
        AND EXISTS (SELECT 1 FROM app.base_landuse l WHERE l.kind = 'residential' AND ST_Intersects(l.geom, a.geom)
                    AND ST_Area(ST_Intersection(l.geom, a.geom)::geography) > 0)
      GROUP BY a.level`, [DEFAULT_DATASET_ID]);
    const withLand = Object.fromEntries(land.rows.map((r) => [r.level, r.n]));
    expect(withLand.community).toBeLessThan(units.community);
    for (const indicator of ['park_coverage', 'old_estate_share', 'waterlogging_density', 'estate_no_property_management']) {
      for (const level of ['city', 'district', 'subdistrict', 'community']) {
        const n = values.filter((v) => v.indicator === indicator && v.unitKind === level).length;
        const expected = level === 'city' ? 1 : indicator === 'park_coverage' ? withLand[level] : units[level];
        expect(n, `${indicator} at ${level}`).toBe(expected);
      }
    }
  });

  it('has life-circle values (walking coverage, 5-/15-minute tiers, complete communities) at city, 区, 街道 and 社区 and the items missing per estate', async () => {
    for (const indicator of ['elderly_station_coverage', 'kindergarten_coverage', 'complete_community_coverage', 'life_circle_5min_coverage', 'life_circle_15min_coverage']) {
      for (const level of ['city', 'district', 'subdistrict', 'community']) {
        const vs = values.filter((v) => v.indicator === indicator && v.unitKind === level);
        expect(vs.length, `${indicator} at ${level}`).toBeGreaterThan(0);
        for (const v of vs) expect(v.value! >= 0 && v.value! <= 100, `${indicator} ${v.value}`).toBe(true);
      }
    }
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.estate WHERE dataset_id IN (SELECT id FROM app.dataset WHERE $1 IN (id, city_id))`, [DEFAULT_DATASET_ID]);
    expect(values.filter((v) => v.indicator === 'estate_complete_community_missing').length).toBe(rows[0].n);
  });

  it('counts add up: 社区 → 街道 → 区 → city for old estates and open waterlogging points inside the sample 区', () => {
    const sum = (indicator: string, kind: string) => values.filter((v) => v.indicator === indicator && v.unitKind === kind).reduce((s, v) => s + v.value!, 0);
    for (const indicator of ['old_estate_count', 'waterlogging_untreated']) {
      const city = values.find((v) => v.indicator === indicator && v.unitKind === 'city')!.value!;
      expect(sum(indicator, 'district'), indicator).toBeGreaterThan(0);
      // the sample 区, 街道 and 社区 tile the same core, so their sums agree; the city may hold more outside it
      expect(sum(indicator, 'subdistrict'), indicator).toBe(sum(indicator, 'district'));
      expect(sum(indicator, 'community'), indicator).toBe(sum(indicator, 'district'));
      expect(city, indicator).toBeGreaterThanOrEqual(sum(indicator, 'district'));
    }
  });

  it('park coverage of the city equals the green-coverage engine run directly', async () => {
    const { rows } = await pool.query(`SELECT analysis.green_coverage_run(mode => 'official', dataset_id => $1) AS id`, [DEFAULT_DATASET_ID]);
    const run = await pool.query(`SELECT summary FROM app.coverage_run WHERE id = $1`, [rows[0].id]);
    const city = values.find((v) => v.indicator === 'park_coverage' && v.unitKind === 'city')!;
    expect(city.value).toBeCloseTo(Number(run.rows[0].summary.official_pct), 2); // the summary rounds to 0.01
  });

  it('opens problems for the warnings, each with a unit extent to zoom to', async () => {
    const ps = (await app.inject(`/api/check/problems?dataset=${DEFAULT_DATASET_ID}`)).json().problems as { bbox: number[] | null; unitKind: string }[];
    expect(ps.length).toBe(values.filter((v) => v.warning !== null).length);
    expect(ps.filter((p) => p.unitKind !== 'city').every((p) => p.bbox !== null)).toBe(true);
  });
});
