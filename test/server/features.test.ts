import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPool } from '../helpers/db.ts';
import { insertFixture, type Fixture } from '../tiles/fixtures.ts';
import { tileTestApp } from '../tiles/helpers.ts';

const CENTER: [number, number] = [118.7786, 31.9416]; // south of the other fixtures
let app: FastifyInstance;
let pool: pg.Pool;
let fx: Fixture;
const MINE = `filter=${encodeURIComponent("dataset_id='ogc_fixture'")}`;

beforeAll(async () => {
  pool = testPool();
  fx = await insertFixture(pool, 'ogc_fixture', CENTER, [118.6, 31.8]);
  app = await tileTestApp({ listen: false });
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

const get = async (url: string) => {
  const res = await app.inject({ url, headers: { host: 'gis.example:8080' } });
  return { status: res.statusCode, type: res.headers['content-type'], body: res.statusCode < 300 ? res.json() : res.json() };
};

describe('OGC API Features', () => {
  it('serves a landing page with conformance and data links, and the conformance classes', async () => {
    const landing = await get('/ogc');
    expect(landing.body.links.map((l: { rel: string }) => l.rel)).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']));
    expect(landing.body.links.find((l: { rel: string }) => l.rel === 'data').href).toBe('http://gis.example:8080/ogc/collections');
    const conf = await get('/conformance');
    expect(conf.body.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson');
  });

  it('lists every layer as a collection and describes one with extent, years and dataset attribution', async () => {
    const all = await get('/collections');
    expect(all.body.collections.map((c: { id: string }) => c.id)).toContain('waterlogging');
    const one = await get('/collections/waterlogging');
    expect(one.body).toMatchObject({ id: 'waterlogging', itemType: 'feature', properties: { status: 'string', max_depth_cm: 'number' } });
    expect(one.body.extent.spatial.bbox[0]).toHaveLength(4);
    expect(one.body.datasets).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'ogc_fixture', attribution: '© OpenStreetMap contributors' })]));
    expect((await get('/collections/nope')).status).toBe(404);
  });

  it('pages items by id with next/prev links that keep the other parameters', async () => {
    const p1 = await get(`/collections/waterlogging/items?limit=2&${MINE}`);
    expect(p1.type).toContain('application/geo+json');
    expect(p1.body).toMatchObject({ type: 'FeatureCollection', numberReturned: 2, numberMatched: 3 });
    expect(p1.body.features.map((f: { id: number }) => f.id)).toEqual(fx.ids.waterlogging.slice(0, 2));
    const next = p1.body.links.find((l: { rel: string }) => l.rel === 'next').href as string;
    expect(next.startsWith('http://gis.example:8080/collections/waterlogging/items?')).toBe(true);
    const u = new URL(next);
    expect(u.searchParams.get('after')).toBe(String(fx.ids.waterlogging[1]));
    expect(u.searchParams.get('offset')).toBeNull();
    expect(u.searchParams.get('filter')).toBe("dataset_id='ogc_fixture'");
    const p2 = await get(u.pathname + u.search);
    expect(p2.body.features.map((f: { id: number }) => f.id)).toEqual(fx.ids.waterlogging.slice(2));
    expect(p2.body.links.some((l: { rel: string }) => l.rel === 'next')).toBe(false);
    expect(p2.body.links.some((l: { rel: string }) => l.rel === 'prev')).toBe(true);
  });

  it('returns RFC 7946 features with only the declared properties', async () => {
    const { body } = await get(`/collections/waterlogging/items?limit=1&${MINE}`);
    const f = body.features[0];
    expect(f.geometry.type).toBe('Point');
    expect(f.geometry.coordinates[0]).toBeCloseTo(CENTER[0] - 0.001, 6);
    expect(Object.keys(f.properties).sort()).toEqual(['check_year', 'dataset_id', 'duration_h', 'is_sample', 'last_occurrence', 'location_type', 'max_depth_cm', 'name', 'severity', 'status'].sort());
  });

  it('selects properties and rejects unknown ones', async () => {
    const { body } = await get(`/collections/waterlogging/items?properties=name,status&${MINE}`);
    expect(Object.keys(body.features[0].properties)).toEqual(['name', 'status']);
    const bad = await get('/collections/waterlogging/items?properties=name,secret');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('"secret"');
  });

  it('filters by bbox, by check year (datetime) and by attribute filter', async () => {
    const [lon, lat] = CENTER;
    const bbox = `${lon - 0.0025},${lat - 0.001},${lon - 0.0015},${lat}`; // only the second point
    const inBox = await get(`/collections/waterlogging/items?bbox=${bbox}`);
    expect(inBox.body.features.map((f: { id: number }) => f.id)).toEqual([fx.ids.waterlogging[1]]);
    const y2023 = await get(`/collections/waterlogging/items?datetime=2023&${MINE}`);
    expect(y2023.body.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual(['汉中路积水点']);
    const upTo = await get(`/collections/waterlogging/items?datetime=../2023-12-31T00:00:00Z&${MINE}`);
    expect(upTo.body.numberReturned).toBe(2);
    const deep = await get(`/collections/waterlogging/items?filter=${encodeURIComponent("max_depth_cm>20 AND dataset_id='ogc_fixture'")}`);
    expect(deep.body.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual(['中山路积水点', '汉中路积水点']);
  });

  it('accepts Chinese and English labels for coded fields (status=未治理 ≡ status=untreated)', async () => {
    const names = async (filter: string) =>
      (await get(`/collections/waterlogging/items?filter=${encodeURIComponent(`${filter} AND dataset_id='ogc_fixture'`)}`)).body.features
        .map((f: { properties: { name: string } }) => f.properties.name);
    const byCode = await names('status=untreated');
    expect(byCode).toEqual(['中山路积水点']);
    expect(await names('status=未治理')).toEqual(byCode);
    expect(await names('status=Untreated')).toEqual(byCode);
    expect(await names('status!=已销号')).toEqual(['中山路积水点', '汉中路积水点']);
    expect(await names('status=治理中|已销号')).toEqual(['汉中路积水点', '洪武路积水点']);
    expect(await names('status=不存在的状态')).toEqual([]);
  });

  it.each([
    ['bbox=1,2,3', 'bbox must be four numbers'],
    ['bbox=10,10,0,0', 'bbox must satisfy'],
    ['datetime=yesterday', 'datetime "yesterday"'],
    ['datetime=2024/2020', 'ends before it starts'],
    ['limit=0', 'limit must be'],
    ['offset=-1', 'offset must be'],
    ['filter=nope%3D1', 'unknown field "nope"'],
  ])('answers 400 for %s', async (query, message) => {
    const res = await get(`/collections/waterlogging/items?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
  });

  it('serves one item by id and 404 for a missing or malformed one', async () => {
    const one = await get(`/collections/green_spaces/items/${fx.ids.park}`);
    expect(one.body).toMatchObject({ type: 'Feature', id: fx.ids.park, properties: { name: '测试公园', is_park: true } });
    expect(one.body.geometry.type).toBe('MultiPolygon');
    expect((await get('/collections/green_spaces/items/999999999')).status).toBe(404);
    expect((await get('/collections/green_spaces/items/1;DROP')).status).toBe(404);
  });
});
