/**
 * POST /api/renewal/projects/:id/expected-effect as the project detail view calls it: `park: true`
 * predicts the project's site as a new park on the city's latest green-coverage run (made with the
 * city's settings when the city has none), `facility` without a point stands at the site. The stored
 * figures equal the coverage / life-circle what-if endpoints called directly; the estates newly
 * covered follow the run's own covered flags. City 't-eff' is made here (metres from 690000 E,
 * 3546000 N in EPSG:32650; walk vertex ids 990001…); the facility case uses the coverage fixture.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoverageFixture } from '../fixtures/coverage/load-fixture.ts';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
let app: FastifyInstance;
const CITY = 't-eff';

/** A rectangle (m from the local origin) as GeoJSON lon/lat. */
async function rect(x1: number, y1: number, x2: number, y2: number, x0 = 690000): Promise<GeoJSON.Polygon> {
  const { rows } = await pool.query(`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 32650), 4326))::jsonb AS g`,
    [x0 + x1, 3546000 + y1, x0 + x2, 3546000 + y2]);
  return rows[0].g;
}

beforeAll(async () => {
  await loadCoverageFixture(pool);
  const { rowCount } = await pool.query(`SELECT 1 FROM app.dataset WHERE id = $1`, [CITY]);
  if (!rowCount) {
    const r = `ST_Multi(ST_Transform(ST_MakeEnvelope(690000 + $1::float8, 3546000 + $2::float8, 690000 + $3::float8, 3546000 + $4::float8, 32650), 4326))`;
    await pool.query(`INSERT INTO app.dataset (id, name, is_sample) VALUES ($1, 'expected-effect fixture', true)`, [CITY]);
    // Park P 100×60 m (6000 m²: 500 m radius) at the origin; estate E1 100 m east of it (covered), E2 1200 m east (not).
    await pool.query(`INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, source_id, check_year) VALUES ('P', 'park', true, ${r}, $5, 'P', 2026)`, [0, 0, 100, 60, CITY]);
    for (const [name, x] of [['E1', 200], ['E2', 1200]] as const) {
      await pool.query(`INSERT INTO app.base_landuse (kind, name, geom, dataset_id, source_id, check_year) VALUES ('residential', $6, ${r}, $5, $6, 2026)`, [x, 0, x + 100, 60, CITY, name]);
      await pool.query(`INSERT INTO app.estate (name, residents, geom, dataset_id, source_id, check_year) VALUES ($6, 500, ${r}, $5, $6, 2026)`, [x, 0, x + 100, 60, CITY, name]);
    }
    // One street along y = 80 from the park to past E2.
    await pool.query(`
      INSERT INTO app.walk_vertex (id, geom, dataset_id, source_id, check_year) OVERRIDING SYSTEM VALUE
      SELECT id, ST_Transform(ST_SetSRID(ST_Point(690000 + x, 3546080), 32650), 4326), $1, 'v' || id, 2026
      FROM (VALUES (990001, 50.0), (990002, 700.0), (990003, 1400.0)) v(id, x)`, [CITY]);
    await pool.query(`
      INSERT INTO app.walk_edge (source, target, length_m, cost, reverse_cost, highway, geom, dataset_id, source_id, check_year)
      SELECT s, t, len, len, len, 'footway', ST_MakeLine(vs.geom, vt.geom), $1, 'e' || s, 2026
      FROM (VALUES (990001, 990002), (990002, 990003)) e(s, t)
      JOIN app.walk_vertex vs ON vs.id = e.s JOIN app.walk_vertex vt ON vt.id = e.t
      CROSS JOIN LATERAL (SELECT ST_Distance(ST_Transform(vs.geom, 32650), ST_Transform(vt.geom, 32650)) AS len) l`, [CITY]);
  }
  app = await testApp();
}, 60_000);
afterAll(async () => {
  await app?.close();
  await pool.end();
});

const createProject = async (dataset: string, name: string, geometry: GeoJSON.Polygon) => {
  const res = await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset, actor: 'planner-e', name, geometry } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as number;
};
const predict = (id: number, payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: `/api/renewal/projects/${id}/expected-effect`, payload: { actor: 'planner-e', ...payload } });

describe('expected effect of a project', () => {
  it('makes the city\'s first coverage run for a new park, then predicts on its latest run; figures equal the what-if endpoint', async () => {
    await pool.query(`DELETE FROM app.coverage_run WHERE dataset_id = $1`, [CITY]);
    const site = await rect(1200, 100, 1300, 160); // 6000 m² right north of E2
    const id = await createProject(CITY, '口袋公园', site);
    const first = await predict(id, { park: true });
    expect(first.statusCode, first.body).toBe(200);
    const e = first.json().expectedEffect.greenCoverage;
    const { rows: runs } = await pool.query(`SELECT id FROM app.coverage_run WHERE dataset_id = $1 ORDER BY id`, [CITY]);
    expect(runs.map((r) => Number(r.id))).toEqual([e.runId]);
    expect(e).toMatchObject({ runCreated: true, mode: 'both', estateCoveredMinShare: 0.5 });
    expect(e.effective.mode).toMatchObject({ value: 'both', origin: 'default' });

    const run = (await app.inject({ method: 'GET', url: `/api/analysis/green-coverage/${e.runId}` })).json();
    // the site as the project stores it (7 decimals), the park the prediction used
    const direct = await app.inject({ method: 'POST', url: `/api/analysis/green-coverage/${e.runId}/what-if`, payload: { parks: first.json().geometry } });
    expect(direct.statusCode).toBe(200);
    const w = direct.json();
    expect(e.city).toEqual(w.city);
    expect(e.parks).toEqual(w.parks);
    expect(w.city.officialPctBefore).toBeCloseTo(50, 6);
    expect(w.city.officialPctAfter).toBeCloseTo(100, 6);
    // Newly covered: not covered in the stored run, at least the run's share after the park.
    const e2 = run.estates.find((x: { name: string }) => x.name === 'E2');
    expect(e2.coveredOfficial).toBe(false);
    const after = new Map<number, number>(w.estates.map((x: { estateId: number; officialShareAfter: number }) => [x.estateId, x.officialShareAfter]));
    const expected = run.estates.filter((x: { estateId: number; coveredOfficial: boolean }) => !x.coveredOfficial && (after.get(x.estateId) ?? 0) >= 0.5)
      .map((x: { estateId: number }) => x.estateId);
    expect(expected).toEqual([e2.estateId]);
    expect(e.estatesNewlyCoveredOfficial).toEqual(expected);

    const again = (await predict(id, { park: true })).json().expectedEffect.greenCoverage;
    expect(again).toMatchObject({ runId: e.runId, runCreated: false });
    expect((await pool.query(`SELECT count(*)::int AS n FROM app.coverage_run WHERE dataset_id = $1`, [CITY])).rows[0].n).toBe(1);
  });

  it('puts a new facility at the site when no point is sent; figures equal the life-circle what-if there', async () => {
    const site = await rect(380, 30, 420, 70, 668000); // around the coverage fixture's street at (400, 50)
    const id = await createProject('t-cov', '社区幼儿园', site);
    const res = await predict(id, { facility: { type: 'kindergarten' } });
    expect(res.statusCode, res.body).toBe(200);
    const lc = res.json().expectedEffect.lifeCircle;
    const { rows: [pt] } = await pool.query(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM app.renewal_project, ST_PointOnSurface(geom) p WHERE id = $1`, [id]);
    expect(lc.facility).toMatchObject({ atSite: true });
    expect(lc.facility.lon).toBeCloseTo(pt.lon, 9);
    expect(lc.facility.lat).toBeCloseTo(pt.lat, 9);
    const direct = (await app.inject({ method: 'POST', url: '/api/analysis/life-circle/what-if', payload: { dataset: 't-cov', type: 'kindergarten', lon: pt.lon, lat: pt.lat } })).json();
    for (const k of ['standardM', 'estates', 'metBefore', 'metAfter', 'shareBefore', 'shareAfter', 'residentsBefore', 'residentsAfter'] as const) {
      expect(lc[k], k).toEqual(direct[k]);
    }
    expect(lc.newlyCovered).toEqual(direct.newlyCovered.map((x: { id: number }) => x.id));
    expect(lc.metAfter).toBeGreaterThan(lc.metBefore);
    expect(lc.effective).toEqual(direct.effective);
  });

  it('refuses a half point, a project without a site, and an empty request with 400 and a message', async () => {
    const id = await createProject('t-cov', '无选址', await rect(380, 30, 420, 70, 668000));
    const half = await predict(id, { facility: { type: 'kindergarten', lon: 118.78 } });
    expect(half.statusCode).toBe(400);
    expect(half.json().message).toMatch(/both lon and lat, or neither/);
    expect((await predict(id, {})).json().message).toMatch(/park: true or coverageRunId/);
    const bare = (await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: 't-cov', actor: 'planner-e', name: 'no site' } })).json();
    const noSite = await predict(bare.id, { park: true });
    expect(noSite.statusCode).toBe(400);
    expect(noSite.json().message).toMatch(/no geometry/);
    const noSiteFacility = await predict(bare.id, { facility: { type: 'kindergarten' } });
    expect(noSiteFacility.statusCode).toBe(400);
    expect(noSiteFacility.json().message).toMatch(/draw the project site first/);
  });
});
