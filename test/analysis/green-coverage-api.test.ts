/** HTTP API of green coverage on the hand-built fixture (app.inject against the real app). */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoverageFixture } from '../fixtures/coverage/load-fixture.ts';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
let app: FastifyInstance;
let runId: number;

// A 50 × 60 m park drawn at (3550…3600, 0…60) m of the fixture, as lon/lat GeoJSON.
async function drawnPark() {
  const { rows } = await pool.query(`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(671550, 3546000, 671600, 3546060, 32650), 4326))::jsonb AS g`);
  return rows[0].g;
}

beforeAll(async () => {
  await loadCoverageFixture(pool);
  app = await testApp();
  const res = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage', payload: { mode: 'both', dataset: 't-cov' } });
  expect(res.statusCode).toBe(200);
  runId = res.json().runId;
});
afterAll(async () => {
  await app?.close();
  await pool.end();
});

describe('POST /api/analysis/green-coverage', () => {
  it('returns the city summary, per-unit table, estates and the rule version', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/analysis/green-coverage/${runId}` });
    const body = res.json();
    expect(body.summary.officialPct).toBeCloseTo((100 * 29600) / 53000, 1);
    expect(body.summary.walkingPct).toBeCloseTo((100 * 19600) / 53000, 1);
    expect(body.units[0]).toMatchObject({ unitKind: 'city' });
    expect(body.estates).toHaveLength(7);
    expect(body.ruleVersion).toMatchObject({ largeRadiusM: 500, smallRadiusM: 300, mode: 'both' });
  });

  it('rejects an unknown mode (schema) and inconsistent rules (22023) with 400', async () => {
    const a = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage', payload: { mode: 'flying' } });
    expect(a.statusCode).toBe(400);
    const b = await app.inject({ method: 'POST', url: '/api/analysis/green-coverage', payload: { dataset: 't-cov', rules: { smallMinM2: 9000 } } });
    expect(b.statusCode).toBe(400);
    expect(b.json().message).toMatch(/small_min_m2/);
  });

  it('answers 404 for an unknown run', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/analysis/green-coverage/999999' })).statusCode).toBe(404);
  });
});

describe('shortfall layer and CSV', () => {
  it('serves the uncovered land and the detour as GeoJSON', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/analysis/green-coverage/${runId}/shortfall.geojson?layer=detour` });
    expect(res.headers['content-type']).toMatch(/geo\+json/);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features[0].properties.areaM2).toBeCloseTo(10000, -1);
    expect(fc.features[0].geometry.type).toBe('MultiPolygon');
  });

  it('exports the estate table as CSV', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/analysis/green-coverage/${runId}/estates.csv` });
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^estateId,name,residents/);
    expect(lines).toHaveLength(8);
  });
});

describe('what-if and pocket parks', () => {
  it('returns before/after coverage for a drawn park', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/analysis/green-coverage/${runId}/what-if`, payload: { parks: { type: 'Feature', properties: {}, geometry: await drawnPark() } } });
    expect(res.statusCode).toBe(200);
    const c = res.json().city;
    expect(c.officialM2After - c.officialM2Before).toBeCloseTo(6000, -1);
    expect(c.walkingM2After - c.walkingM2Before).toBeCloseTo(6000, -1);
  });

  it('saves nothing on what-if; saves a named scenario when asked, audited', async () => {
    const count = async () => Number((await pool.query(`SELECT count(*) FROM app.coverage_scenario WHERE base_run_id = $1`, [runId])).rows[0].count);
    const before = await count();
    const parks = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: await drawnPark() }] };
    await app.inject({ method: 'POST', url: `/api/analysis/green-coverage/${runId}/what-if`, payload: { parks } });
    expect(await count()).toBe(before);
    const res = await app.inject({ method: 'POST', url: `/api/analysis/green-coverage/${runId}/scenarios`, payload: { name: '口袋公园 A', parks } });
    expect(res.statusCode).toBe(201);
    const sc = res.json();
    expect(sc).toMatchObject({ runId, name: '口袋公园 A' });
    expect(sc.summary.city.officialM2After - sc.summary.city.officialM2Before).toBeCloseTo(6000, -1);
    expect(sc.parks.features).toHaveLength(1);
    expect(await count()).toBe(before + 1);
    const audit = await pool.query(`SELECT action, new_row->>'name' AS name FROM app.audit_log WHERE table_name = 'coverage_scenario' AND row_id = $1`, [sc.scenarioId]);
    expect(audit.rows).toEqual([{ action: 'INSERT', name: '口袋公园 A' }]);
    const list = await app.inject({ method: 'GET', url: `/api/analysis/green-coverage/${runId}/scenarios` });
    expect(list.json().scenarios.map((s: { scenarioId: number }) => s.scenarioId)).toContain(sc.scenarioId);
  });

  it('rejects a scenario without a name (400) or on an unknown run (404)', async () => {
    const parks = { type: 'Feature', properties: {}, geometry: await drawnPark() };
    expect((await app.inject({ method: 'POST', url: `/api/analysis/green-coverage/${runId}/scenarios`, payload: { parks } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: `/api/analysis/green-coverage/${runId}/scenarios`, payload: { name: '  ', parks } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/analysis/green-coverage/999999/scenarios', payload: { name: 'x', parks } })).statusCode).toBe(404);
  });

  it('suggests pocket-park sites with marginal gains', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/analysis/green-coverage/${runId}/pocket-parks`, payload: { k: 3 } });
    expect(res.json().picks.map((p: { name: string }) => p.name)).toEqual(['P-north', 'G-east']);
  });
});
