import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';
import { DATASET, loadRiverTown, unloadRiverTown } from '../fixtures/network/load-river-town.ts';
import { latOf, lonOf } from '../fixtures/network/river-town.ts';
import { DEFAULT_GEOJSON_LIMITS, checkPolygons } from '../../server/validation/geojson.ts';

let app: FastifyInstance;
let pool: pg.Pool;

beforeAll(async () => {
  pool = testPool();
  await loadRiverTown(pool);
  app = await testApp();
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await unloadRiverTown(pool);
  await pool.end();
});

/** The server still answers an ordinary request (nothing hangs or blocks after a hostile one). */
async function stillServes() {
  const res = await app.inject(`/api/analysis/isochrone?lon=${lonOf(200)}&lat=${latOf(0)}&minutes=1,2&dataset=${DATASET}`);
  expect(res.statusCode).toBe(200);
  expect(res.json().features).toHaveLength(2);
}

describe('hostile points on the walking-graph endpoints', () => {
  it.each([
    ['the north pole', 'lon=118.78&lat=90'],
    ['near the pole', 'lon=118.78&lat=89.9'],
    ['the south pole', 'lon=118.78&lat=-90'],
    ['the antimeridian', 'lon=180&lat=31'],
  ])('GET /api/analysis/isochrone at %s answers 400 "not within reach" and the server still serves', async (_n, q) => {
    const res = await app.inject(`/api/analysis/isochrone?${q}&dataset=${DATASET}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/walking network/);
    await stillServes();
  });

  it.each([
    ['Infinity', 'lon=Infinity&lat=31'],
    ['-Infinity', 'lon=118&lat=-Infinity'],
    ['NaN', 'lon=NaN&lat=31'],
    ['1e308', 'lon=118&lat=1e308'],
    ['-1e308', 'lon=-1e308&lat=31'],
    ['a latitude past the pole', 'lon=118&lat=90.0001'],
    ['a word', 'lon=east&lat=31'],
  ])('GET /api/analysis/isochrone rejects %s as a coordinate with 400 naming the field', async (_n, q) => {
    const res = await app.inject(`/api/analysis/isochrone?${q}&dataset=${DATASET}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/lon|lat/);
    await stillServes();
  });

  it.each([
    ['the pole', '{"type":"pharmacy","lon":118.78,"lat":90,"dataset":"lc-river-town"}', /walking network/],
    ['a number that parses to Infinity', '{"type":"pharmacy","lon":1e999,"lat":31,"dataset":"lc-river-town"}', /lon/],
    ['1e308', '{"type":"pharmacy","lon":118,"lat":-1e308,"dataset":"lc-river-town"}', /lat/],
    ['a string for a number', '{"type":"pharmacy","lon":"Infinity","lat":31,"dataset":"lc-river-town"}', /lon/],
  ])('POST /api/analysis/life-circle/what-if at %s answers 400 and the server still serves', async (_n, body, message) => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/life-circle/what-if', headers: { 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
    await stillServes();
  });
});

describe('finite numbers in analysis bodies', () => {
  it.each([
    ['Infinity (1e999 in JSON)', '{"rules":{"largeMinM2":1e999}}'],
    ['1e308', '{"rules":{"smallMinM2":1e308}}'],
    ['-1e308', '{"rules":{"historicMinM2":-1e308}}'],
  ])('POST /api/analysis/green-coverage rejects %s with 400 before running', async (_n, body) => {
    const before = (await pool.query('SELECT count(*)::int AS n FROM app.coverage_run')).rows[0].n;
    const res = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage', headers: { 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/MinM2/);
    expect((await pool.query('SELECT count(*)::int AS n FROM app.coverage_run')).rows[0].n).toBe(before);
  });

  it('POST …/pocket-parks rejects minAreaM2 = 1e308 with 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage/1/pocket-parks', headers: { 'content-type': 'application/json' }, payload: '{"minAreaM2":1e308}' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/minAreaM2/);
  });
});

const square = (x: number, y: number, d = 0.001) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];

describe('malformed GeoJSON on the green-coverage endpoints', () => {
  const cases: [string, unknown, RegExp][] = [
    ['coordinates missing', { type: 'Polygon' }, /parks\.coordinates: Polygon coordinates must be/],
    ['coordinates as a string', { type: 'Polygon', coordinates: '118 32' }, /parks\.coordinates: /],
    ['null coordinates', { type: 'Polygon', coordinates: [[null, null, null, null]] }, /parks\.coordinates\[0\]\[0\]: a position must be/],
    ['a two-point ring', { type: 'Polygon', coordinates: [[[118.78, 32.04], [118.78, 32.04]]] }, /parks\.coordinates\[0\]: a linear ring needs at least 4 positions/],
    ['a ring that does not close', { type: 'Polygon', coordinates: [[[118.78, 32.04], [118.79, 32.04], [118.79, 32.05], [118.78, 32.05]]] }, /not closed/],
    ['a ring with no area', { type: 'Polygon', coordinates: [[[118.78, 32.04], [118.79, 32.04], [118.78, 32.04], [118.78, 32.04]]] }, /fewer than 3 distinct/],
    ['metres sent as degrees', { type: 'Polygon', coordinates: [square(668000, 3547000, 100)] }, /not lon\/lat in degrees/],
    ['1e308 coordinates', { type: 'Polygon', coordinates: [square(1e308, 32)] }, /finite|degrees/],
    ['a hole outside its shell', { type: 'Polygon', coordinates: [square(118.78, 32.04), square(118.80, 32.06, 0.0002)] }, /parks\.coordinates\[1\]\[0\]: the hole lies \(partly\) outside its shell/],
    ['a whole-world polygon', { type: 'Polygon', coordinates: [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]] }, /span 360\.00°/],
    ['a point', { type: 'Point', coordinates: [118.78, 32.04] }, /parks\.type: expected Polygon/],
    ['a feature of a line in a collection', { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square(118.78, 32.04)] } }, { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[118.78, 32.04], [118.79, 32.05]] } }] }, /parks\.features\[1\]\.geometry\.type/],
    ['deep nesting', [0, 1, 2, 3, 4, 5, 6].reduce<unknown>((g) => ({ type: 'GeometryCollection', geometries: [g] }), { type: 'Polygon', coordinates: [square(118.78, 32.04)] }), /nested deeper than 4/],
    ['features nested in features', [0, 1, 2, 3, 4, 5].reduce<unknown>((g) => ({ type: 'Feature', properties: {}, geometry: g }), { type: 'Polygon', coordinates: [square(118.78, 32.04)] }), /nested deeper than 4/],
    ['a self-intersecting bow tie (judged by GEOS)', { type: 'Polygon', coordinates: [[[118.78, 32.04], [118.79, 32.05], [118.79, 32.04], [118.78, 32.05], [118.78, 32.04]]] }, /parks\.coordinates: not a valid polygon: Self-intersection/],
  ];

  it.each(cases)('what-if with %s answers 400 naming the path and the reason', async (_n, parks, message) => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage/1/what-if', payload: { parks } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });

  it('a scenario with a degenerate polygon is rejected and nothing is stored', async () => {
    const before = (await pool.query('SELECT count(*)::int AS n FROM app.coverage_scenario')).rows[0].n;
    const res = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage/1/scenarios', payload: { name: 'degenerate', parks: { type: 'Polygon', coordinates: [[[118.78, 32.04], [118.78, 32.04]]] } } });
    expect([400, 404]).toContain(res.statusCode); // 404 when no run 1 exists: the run is looked up first
    expect((await pool.query('SELECT count(*)::int AS n FROM app.coverage_scenario')).rows[0].n).toBe(before);
  });

  it('counts positions against the vertex limit (a body that large is refused as 413 before it is read)', () => {
    const ring = [...Array.from({ length: 60 }, (_, k) => [118.78 + 0.001 * Math.cos(k / 10), 32.04 + 0.001 * Math.sin(k / 10)])];
    ring.push(ring[0]);
    const limits = { ...DEFAULT_GEOJSON_LIMITS, maxVertices: 50 };
    expect(checkPolygons({ type: 'Polygon', coordinates: [ring] }, 'parks', limits).issues).toEqual([{ path: 'parks', message: 'more than 50 positions in all' }]);
    expect(checkPolygons({ type: 'Polygon', coordinates: [ring] }, 'parks').issues).toEqual([]);
  });

  it('pocket-park candidates are validated the same way', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage/1/pocket-parks', payload: { candidates: { type: 'MultiPolygon', coordinates: [[square(118.78, 32.04)], [[[118.78, 32.04]]]] } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/candidates\.coordinates\[1\]\[0\]: a linear ring needs at least 4 positions/);
  });
});

describe('finite numbers in settings bodies', () => {
  it('PUT /api/facility-types/{code} rejects a standard distance that parses to Infinity', async () => {
    const res = await app.inject({ method: 'PUT', url: '/api/facility-types/kindergarten?dataset=lc-river-town', headers: { 'content-type': 'application/json' }, payload: '{"standardDistanceM":1e999}' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/standardDistanceM/);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.facility_type_city WHERE dataset_id = 'lc-river-town'`);
    expect(rows[0].n).toBe(0);
  });
});
