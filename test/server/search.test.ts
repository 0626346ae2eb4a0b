import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { likePattern } from '../../server/repositories/search-repository.ts';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';

const DATASET = 'test-search';
let app: FastifyInstance;
let pool: pg.Pool;

/** A square polygon around (lon, lat), `d` degrees wide, as EWKT. */
const square = (lon: number, lat: number, d = 0.002) =>
  `SRID=4326;MULTIPOLYGON(((${lon} ${lat},${lon + d} ${lat},${lon + d} ${lat + d},${lon} ${lat + d},${lon} ${lat})))`;

beforeAll(async () => {
  pool = testPool();
  await pool.query(`DELETE FROM app.estate WHERE dataset_id = $1`, [DATASET]);
  await pool.query(`DELETE FROM app.green_space WHERE dataset_id = $1`, [DATASET]);
  await pool.query(`DELETE FROM app.facility WHERE dataset_id = $1`, [DATASET]);
  await pool.query(`DELETE FROM app.admin_unit WHERE dataset_id = $1`, [DATASET]);
  await pool.query(
    `INSERT INTO app.dataset (id, name, attribution, is_sample) VALUES ($1, '搜索测试', '© test', true) ON CONFLICT (id) DO NOTHING`,
    [DATASET],
  );
  const common = `dataset_id, source_id, check_year`;
  await pool.query(`INSERT INTO app.estate (name, build_year, geom, ${common}) VALUES ('测梅园新村', 1985, $1, $2, 'e1', 2025)`, [square(118.79, 32.04), DATASET]);
  await pool.query(`INSERT INTO app.green_space (name, kind, is_park, geom, ${common}) VALUES ('测梅园公园', 'park', true, $1, $2, 'g1', 2025)`, [square(118.78, 32.045, 0.004), DATASET]);
  await pool.query(`INSERT INTO app.green_space (name, kind, geom, ${common}) VALUES ('100%_测绿地', 'grass', $1, $2, 'g2', 2025)`, [square(118.77, 32.04), DATASET]);
  await pool.query(`INSERT INTO app.facility (name, type_code, geom, ${common}) VALUES ('测梅园幼儿园', 'kindergarten', 'SRID=4326;POINT(118.785 32.041)', $1, 'f1', 2025)`, [DATASET]);
  await pool.query(`INSERT INTO app.admin_unit (name, name_en, level, geom, ${common}) VALUES ('测试玄武区', 'Testwu District', 'district', $1, $2, 'a1', 2025)`, [square(118.76, 32.03, 0.05), DATASET]);
  app = await testApp();
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
});

describe('GET /api/search', () => {
  it('finds estates, parks and facilities by part of the name, with a lon/lat bbox', async () => {
    const res = await app.inject('/api/search?q=测梅园');
    expect(res.statusCode).toBe(200);
    const hits = res.json() as { layer: string; name: string; kind: string; bbox: number[] }[];
    expect(hits.map((h) => `${h.layer}:${h.name}`).sort()).toEqual(['estates:测梅园新村', 'facilities:测梅园幼儿园', 'green_spaces:测梅园公园']);
    const park = hits.find((h) => h.layer === 'green_spaces')!;
    expect(park.kind).toBe('park');
    expect(park.bbox[0]).toBeCloseTo(118.78, 6);
    expect(park.bbox[1]).toBeCloseTo(32.045, 6);
    expect(park.bbox[2]).toBeCloseTo(118.784, 6);
    expect(park.bbox[3]).toBeCloseTo(32.049, 6);
  });

  it('ranks an exact name before longer names that contain it', async () => {
    await pool.query(`INSERT INTO app.estate (name, geom, dataset_id, source_id, check_year) VALUES ('测梅园', $1, $2, 'e2', 2025) ON CONFLICT DO NOTHING`, [square(118.791, 32.041), DATASET]);
    const hits = (await app.inject('/api/search?q=测梅园')).json();
    expect(hits[0].name).toBe('测梅园');
  });

  it('finds admin units by their English name', async () => {
    const hits = (await app.inject('/api/search?q=testwu')).json();
    expect(hits).toEqual([expect.objectContaining({ layer: 'admin_units', name: '测试玄武区', kind: 'district' })]);
  });

  it('treats % and _ in the query as literal characters', async () => {
    const hits = (await app.inject(`/api/search?q=${encodeURIComponent('0%_')}`)).json();
    expect(hits.map((h: { name: string }) => h.name)).toEqual(['100%_测绿地']);
    expect(likePattern('a%b_c\\')).toBe('%a\\%b\\_c\\\\%');
  });

  it('respects the limit and rejects an empty query with 400', async () => {
    expect((await app.inject('/api/search?q=测梅&limit=1')).json()).toHaveLength(1);
    expect((await app.inject('/api/search?q=')).statusCode).toBe(400);
    expect((await app.inject('/api/search?q=x&limit=500')).statusCode).toBe(400);
  });
});

describe('GET /api/admin-units', () => {
  it('lists units with level and bbox', async () => {
    const units = (await app.inject('/api/admin-units')).json();
    expect(units).toContainEqual(expect.objectContaining({ name: '测试玄武区', nameEn: 'Testwu District', level: 'district', parentId: null, city: DATASET }));
  });

  it('with dataset: only that city\'s units (not those of another city, wherever they lie); unknown city → 400 naming the choices', async () => {
    const other = 'test-search-other';
    await pool.query(`INSERT INTO app.dataset (id, name, is_sample) VALUES ($1, '另一城市', true) ON CONFLICT (id) DO NOTHING`, [other]);
    await pool.query(`DELETE FROM app.admin_unit WHERE dataset_id = $1`, [other]);
    // Same place as the search city's 区: a bbox test could not tell the two cities apart.
    await pool.query(`INSERT INTO app.admin_unit (name, level, geom, dataset_id, source_id, check_year)
                      SELECT '他城区', 'district', geom, $1, 'o1', check_year FROM app.admin_unit WHERE dataset_id = $2 AND level = 'district' LIMIT 1`, [other, DATASET]);
    // A city is a dataset that holds data (an estate here).
    await pool.query(`INSERT INTO app.estate (name, geom, dataset_id, source_id, check_year)
                      SELECT '他城小区', geom, $1, 'oe1', check_year FROM app.estate WHERE dataset_id = $2 LIMIT 1`, [other, DATASET]);
    try {
      const mine = (await app.inject(`/api/admin-units?dataset=${DATASET}`)).json() as { name: string; city: string }[];
      expect(mine.map((u) => u.name)).toContain('测试玄武区');
      expect(mine.every((u) => u.city === DATASET)).toBe(true);
      const theirs = (await app.inject(`/api/admin-units?dataset=${other}`)).json() as { name: string; city: string }[];
      expect(theirs.map((u) => u.name)).toEqual(['他城区']);
      const bad = await app.inject('/api/admin-units?dataset=no-such-city');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('unknown dataset "no-such-city"');
    } finally {
      await pool.query(`DELETE FROM app.admin_unit WHERE dataset_id = $1`, [other]);
      await pool.query(`DELETE FROM app.estate WHERE dataset_id = $1`, [other]);
      await pool.query(`DELETE FROM app.dataset WHERE id = $1`, [other]);
    }
  });
});

describe('GET /api/labels', () => {
  it('returns code labels in Chinese and English, facility types and datasets', async () => {
    const labels = (await app.inject('/api/labels')).json();
    expect(labels.codes.severity.high).toMatchObject({ zh: '较重', en: 'High' });
    expect(labels.codes.waterlogging_status.closed.zh).toBe('已销号');
    expect(labels.facilityTypes.kindergarten).toMatchObject({ zh: '幼儿园', en: 'Kindergarten' });
    expect(labels.datasets[DATASET]).toMatchObject({ name: '搜索测试', isSample: true });
  });
});
