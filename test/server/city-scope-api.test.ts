/**
 * The city as the scope of every analysis (issue 10): with two cities loaded, every per-city
 * endpoint needs `dataset` (400 naming the cities), every result lists its effective parameters
 * with their origin, and a city setting changes that city's result (and no other's) without the
 * client sending anything new. Also: city list, rename (audited), search and TileJSON per city.
 *
 * Runs in a database of its own (`<test db>_cityscope`) holding exactly two cities: the river-town
 * walking network (lc-river-town) and the hand-built coverage fixture (t-cov).
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadCoverageFixture } from '../fixtures/coverage/load-fixture.ts';
import { DATASET as TOWN, loadRiverTown } from '../fixtures/network/load-river-town.ts';
import { VERTICES, latOf, lonOf } from '../fixtures/network/river-town.ts';
import { ownDatabase } from '../helpers/db.ts';

const COV = 't-cov';
let app: FastifyInstance;
let pool: pg.Pool;

beforeAll(async () => {
  const url = await ownDatabase('_cityscope');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  await loadRiverTown(pool);
  await loadCoverageFixture(pool);
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000, rateLimit: false, auth: { mode: 'off' } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

const point = { lon: lonOf(VERTICES.D[0]), lat: latOf(VERTICES.D[1]) };

/** Every per-city analysis request, with `dataset` added when given. */
const ENDPOINTS: { name: string; request: (dataset?: string) => InjectOptions }[] = [
  { name: 'POST green-coverage', request: (d) => ({ method: 'POST', url: '/api/analysis/green-coverage', payload: { mode: 'official', ...(d ? { dataset: d } : {}) } }) },
  { name: 'GET life-circle', request: (d) => ({ method: 'GET', url: `/api/analysis/life-circle?types=pharmacy${d ? `&dataset=${d}` : ''}` }) },
  { name: 'POST life-circle', request: (d) => ({ method: 'POST', url: '/api/analysis/life-circle', payload: { types: ['pharmacy'], ...(d ? { dataset: d } : {}) } }) },
  { name: 'GET life-circle estates.csv', request: (d) => ({ method: 'GET', url: `/api/analysis/life-circle/estates.csv?types=pharmacy${d ? `&dataset=${d}` : ''}` }) },
  { name: 'GET life-circle shortfall', request: (d) => ({ method: 'GET', url: `/api/analysis/life-circle/shortfall/pharmacy${d ? `?dataset=${d}` : ''}` }) },
  { name: 'GET isochrone', request: (d) => ({ method: 'GET', url: `/api/analysis/isochrone?lon=${point.lon}&lat=${point.lat}&minutes=1,2${d ? `&dataset=${d}` : ''}` }) },
  { name: 'POST life-circle what-if', request: (d) => ({ method: 'POST', url: '/api/analysis/life-circle/what-if', payload: { type: 'pharmacy', ...point, ...(d ? { dataset: d } : {}) } }) },
];

describe('GET /api/datasets', () => {
  it('lists both cities with extent, centre and UTM zone, and no default city', async () => {
    const body = (await app.inject('/api/datasets')).json();
    expect(body.defaultCity).toBeNull();
    expect(body.cities.map((c: { id: string }) => c.id)).toEqual([TOWN, COV].sort());
    for (const c of body.cities) {
      expect(c.bbox[0]).toBeLessThan(c.bbox[2]);
      expect(c.center[0]).toBeGreaterThan(c.bbox[0]);
      expect(c.center[0]).toBeLessThan(c.bbox[2]);
      expect(c.metricCrs).toMatch(/^EPSG:32[67]\d\d$/);
    }
  });
});

describe('every per-city analysis endpoint', () => {
  it.each(ENDPOINTS)('$name without dataset answers 400 naming both cities', async ({ request }) => {
    const res = await app.inject(request());
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(TOWN);
    expect(res.json().message).toContain(COV);
  });

  it.each(ENDPOINTS)('$name with an unknown dataset answers 400 naming the choices', async ({ request }) => {
    const res = await app.inject(request('atlantis'));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/unknown dataset "atlantis"/);
    expect(res.json().message).toContain(TOWN);
  });

  it.each(ENDPOINTS.filter((e) => !e.name.includes('csv')))('$name reports its city and every effective parameter with its origin', async ({ name, request }) => {
    const dataset = name.includes('green') ? COV : TOWN;
    const res = await app.inject(request(dataset));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.city).toMatchObject({ dataset, datasets: [dataset] });
    expect(body.city.metricCrs).toMatch(/^EPSG:\d+$/);
    const origins = Object.values(body.effective as Record<string, { origin: string }>).map((p) => p.origin);
    expect(origins.length).toBeGreaterThanOrEqual(3);
    for (const o of origins) expect(['default', 'city', 'request']).toContain(o);
  });
});

describe('effective parameters and city settings', () => {
  it('marks what the request sent as request and the rest as default', async () => {
    const body = (await app.inject(`/api/analysis/life-circle?types=pharmacy&dataset=${TOWN}&speed=100`)).json();
    expect(body.effective.speed).toMatchObject({ value: 100, origin: 'request', setting: 'walking_speed_m_per_min' });
    expect(body.effective.maxDistance).toMatchObject({ value: 2000, origin: 'default' });
    expect(body.effective.types).toMatchObject({ value: ['pharmacy'], origin: 'request' });
  });

  it('applies a city\'s walking speed to that city only, reported with origin city', async () => {
    const minutesOf = async (dataset: string) => {
      const body = (await app.inject(`/api/analysis/life-circle?types=pharmacy&dataset=${dataset}`)).json();
      return { speed: body.effective.speed, minutes: body.estates.map((e: { checklist: { minutes: number | null }[] }) => e.checklist[0].minutes) };
    };
    const before = await minutesOf(TOWN);
    expect(before.speed).toMatchObject({ value: 80, origin: 'default' });
    const put = await app.inject({ method: 'PUT', url: `/api/datasets/${TOWN}/settings/walking_speed_m_per_min`, payload: { value: 40 } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().settings.walking_speed_m_per_min).toMatchObject({ value: 40, origin: 'city' });
    try {
      const after = await minutesOf(TOWN);
      expect(after.speed).toMatchObject({ value: 40, origin: 'city' });
      // half the speed, twice the minutes, for every estate with a reachable pharmacy
      after.minutes.forEach((m: number | null, i: number) => (m === null ? expect(before.minutes[i]).toBeNull() : expect(m).toBeCloseTo(2 * before.minutes[i]!, 0)));
      expect(after.minutes.some((m: number | null) => m !== null)).toBe(true);
      // the other city keeps the default
      const other = (await app.inject({ method: 'GET', url: `/api/datasets/${COV}/settings` })).json();
      expect(other.settings.walking_speed_m_per_min).toMatchObject({ value: 80, origin: 'default' });
    } finally {
      await app.inject({ method: 'PUT', url: `/api/datasets/${TOWN}/settings/walking_speed_m_per_min`, payload: { value: null } });
    }
    expect((await minutesOf(TOWN)).speed).toMatchObject({ value: 80, origin: 'default' });
  });

  it('applies a city\'s park radius to its green coverage, stored with the run', async () => {
    const run = async () => (await app.inject({ method: 'POST', url: '/api/analysis/green-coverage', payload: { mode: 'official', dataset: COV } })).json();
    const base = await run();
    expect(base.effective.largeRadiusM).toMatchObject({ value: 500, origin: 'default' });
    await app.inject({ method: 'PUT', url: `/api/datasets/${COV}/settings/green_coverage_large_radius_m`, payload: { value: 100 } });
    try {
      const smaller = await run();
      expect(smaller.effective.largeRadiusM).toMatchObject({ value: 100, origin: 'city' });
      expect(smaller.ruleVersion.largeRadiusM).toBe(100);
      expect(smaller.summary.officialPct).toBeLessThan(base.summary.officialPct);
      const stored = (await app.inject(`/api/analysis/green-coverage/${smaller.runId}`)).json();
      expect(stored.effective.largeRadiusM).toMatchObject({ value: 100, origin: 'city' });
      expect(stored.city).toMatchObject({ dataset: COV, metricCrs: base.city.metricCrs });
    } finally {
      await app.inject({ method: 'PUT', url: `/api/datasets/${COV}/settings/green_coverage_large_radius_m`, payload: { value: null } });
    }
  });

  it('rejects unknown settings and out-of-range values with 400', async () => {
    const a = await app.inject({ method: 'PUT', url: `/api/datasets/${TOWN}/settings/favourite_colour`, payload: { value: 1 } });
    expect(a.statusCode).toBe(400);
    expect(a.json().message).toMatch(/unknown setting "favourite_colour"; settable: .*walking_speed_m_per_min/);
    const b = await app.inject({ method: 'PUT', url: `/api/datasets/${TOWN}/settings/walking_speed_m_per_min`, payload: { value: 5000 } });
    expect(b.statusCode).toBe(400);
    expect(b.json().message).toMatch(/between 10 and 300/);
  });
});

describe('check years', () => {
  it('refuses to compute a result over two check years of one city, naming them', async () => {
    const run = async (year: number) => (await pool.query(
      `INSERT INTO app.import_run (dataset_id, kind, source, check_year, status) VALUES ($1, 'ledger', 'test', $2, 'succeeded') RETURNING id`, [COV, year])).rows[0].id;
    const ids = [await run(2025), await run(2026)];
    try {
      const res = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage', payload: { dataset: COV } });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/check years 2025, 2026/);
    } finally {
      await pool.query('DELETE FROM app.import_run WHERE id = ANY($1)', [ids]);
    }
  });
});

describe('PUT /api/datasets/:id', () => {
  it('renames a city and records the change in the audit log', async () => {
    const res = await app.inject({ method: 'PUT', url: `/api/datasets/${TOWN}`, payload: { name: '河镇' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: TOWN, name: '河镇' });
    const listed = (await app.inject('/api/datasets')).json().cities.find((c: { id: string }) => c.id === TOWN);
    expect(listed.name).toBe('河镇');
    const audit = await pool.query(`SELECT old_row->>'name' AS old, new_row->>'name' AS new FROM app.audit_log WHERE table_name = 'dataset' ORDER BY id DESC LIMIT 1`);
    expect(audit.rows[0]).toEqual({ old: 'life-circle test network', new: '河镇' });
  });

  it('answers 404 for an unknown city and 400 for an empty name', async () => {
    expect((await app.inject({ method: 'PUT', url: '/api/datasets/atlantis', payload: { name: 'x' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PUT', url: `/api/datasets/${TOWN}`, payload: { name: '   ' } })).statusCode).toBe(400);
  });
});

describe('search and TileJSON per city', () => {
  it('limits search to the city asked for', async () => {
    const all = (await app.inject('/api/search?q=E')).json();
    const town = (await app.inject(`/api/search?q=E&dataset=${TOWN}`)).json();
    const cov = (await app.inject(`/api/search?q=E&dataset=${COV}`)).json();
    expect(town.length).toBeGreaterThan(0);
    expect(cov.length).toBeGreaterThan(0);
    const ids = (hits: { layer: string; id: number }[]) => hits.map((h) => `${h.layer}:${h.id}`);
    expect(ids(town).some((x) => ids(cov).includes(x))).toBe(false);
    expect(ids(all)).toEqual(expect.arrayContaining(ids(town).slice(0, 1)));
  });

  it('gives a layer the bounds and centre of the city asked for, and never centres between cities', async () => {
    const cities = (await app.inject('/api/datasets')).json().cities as { id: string; bbox: number[]; center: number[] }[];
    for (const c of cities) {
      const tj = (await app.inject(`/tiles/estates.json?dataset=${c.id}`)).json();
      expect(tj.bounds).toEqual(c.bbox);
      expect(tj.center.slice(0, 2)).toEqual(c.center);
    }
    const whole = (await app.inject('/tiles/estates.json')).json();
    expect(cities.map((c) => c.center)).toContainEqual(whole.center.slice(0, 2));
    expect((await app.inject('/tiles/estates.json?dataset=atlantis')).statusCode).toBe(400);
  });
});

describe('estate names', () => {
  it('names an unnamed estate from the nearest street and the side it lies on, marked derived; a named one keeps its name', async () => {
    const box = (x0: number, y0: number, x1: number, y1: number) =>
      `MULTIPOLYGON(((${lonOf(x0)} ${latOf(y0)},${lonOf(x1)} ${latOf(y0)},${lonOf(x1)} ${latOf(y1)},${lonOf(x0)} ${latOf(y1)},${lonOf(x0)} ${latOf(y0)})))`;
    const estate = async (sourceId: string, geom: string) => (await pool.query(
      `INSERT INTO app.estate (name, geom, dataset_id, source_id, check_year) VALUES (NULL, ST_GeomFromText($1, 4326), $2, $3, 2025) RETURNING id`, [geom, TOWN, sourceId])).rows[0].id as number;
    const south = await estate('unnamed-south', box(100, -200, 140, -160)); // 60 m south of the street
    const far = await estate('unnamed-far', box(100, -3000, 140, -2960)); // no street within 300 m
    const road = (await pool.query(
      `INSERT INTO app.base_road (class, name, geom, dataset_id, source_id, check_year) VALUES ('minor', '莫愁路', ST_GeomFromText($1, 4326), $2, 'road-1', 2025) RETURNING id`,
      [`LINESTRING(${lonOf(0)} ${latOf(-100)},${lonOf(300)} ${latOf(-100)})`, TOWN])).rows[0].id;
    try {
      const body = (await app.inject(`/api/analysis/life-circle?types=pharmacy&dataset=${TOWN}`)).json();
      const byId = new Map(body.estates.map((e: { id: number }) => [e.id, e]));
      expect(byId.get(south)).toMatchObject({ name: '莫愁路南侧小区', nameEn: 'Estate south of 莫愁路', nameDerived: true });
      expect(byId.get(far)).toMatchObject({ name: null, nameDerived: false });
      const named = body.estates.find((e: { name: string | null }) => e.name === 'E1');
      expect(named).toMatchObject({ nameDerived: false });
    } finally {
      await pool.query('DELETE FROM app.estate WHERE id = ANY($1)', [[south, far]]);
      await pool.query('DELETE FROM app.base_road WHERE id = $1', [road]);
    }
  });
});
