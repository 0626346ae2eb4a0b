/**
 * Every analysis polygon CityCheck stores or returns is GEOS-valid, after each kind of run on
 * central Nanjing (the default dataset): green coverage official / walking / both for each target,
 * what-if, saved scenario, pocket parks, and the life-circle shortfall of a saved run. Invalid
 * stored shortfall polygons used to make later intersections throw a GEOS TopologyException.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATASET_ID } from '../../geodata/datasets.ts';
import { buildApp } from '../../server/app.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';

let pool: pg.Pool;
let url: string;
const runs: Record<string, number> = {};

beforeAll(async () => {
  url = await defaultCityUrl();
  pool = new pg.Pool({ connectionString: url, max: 4 });
  for (const [mode, target] of [['official', 'residential_land'], ['walking', 'residential_land'], ['both', 'residential_land'], ['both', 'estate'], ['official', 'residential_building']]) {
    const { rows } = await pool.query(`SELECT analysis.green_coverage_run(mode => $1, target => $2, dataset_id => $3) AS id`, [mode, target, DEFAULT_DATASET_ID]);
    runs[`${mode}/${target}`] = rows[0].id;
  }
}, 240_000);
afterAll(() => pool?.end());

/** Invalid stored polygons of some runs: [run, layer or column, GEOS reason]. */
async function invalidStored(runIds: number[]): Promise<string[]> {
  const { rows } = await pool.query(`
    SELECT s.run_id || '/' || s.layer || ': ' || ST_IsValidReason(s.geom) AS bad FROM app.coverage_shortfall s
    WHERE s.run_id = ANY($1) AND s.geom IS NOT NULL AND NOT ST_IsValid(s.geom)
    UNION ALL
    SELECT r.id || '/official_area: ' || ST_IsValidReason(r.official_area) FROM app.coverage_run r
    WHERE r.id = ANY($1) AND r.official_area IS NOT NULL AND NOT ST_IsValid(r.official_area)
    UNION ALL
    SELECT r.id || '/walking_area: ' || ST_IsValidReason(r.walking_area) FROM app.coverage_run r
    WHERE r.id = ANY($1) AND r.walking_area IS NOT NULL AND NOT ST_IsValid(r.walking_area)`, [runIds]);
  return rows.map((r) => r.bad);
}

/** Drawn parks: ~60 m squares on points of the run's uncovered land (where what-ifs used to fail). */
async function drawnParks(runId: number, n: number): Promise<string> {
  const { rows } = await pool.query(`
    SELECT ST_AsGeoJSON(ST_Collect(ST_Expand(p.geom, 0.0003)))::text AS g
    FROM app.coverage_shortfall s CROSS JOIN LATERAL (SELECT (ST_Dump(ST_GeneratePoints(s.geom, $2, 11))).geom) p
    WHERE s.run_id = $1 AND s.layer = 'uncovered_official'`, [runId, n]);
  return rows[0].g;
}

describe('valid analysis geometry on central Nanjing', () => {
  it('stores only valid polygons for official, walking and both runs of every target, with a CHECK that refuses others', async () => {
    expect(Object.keys(runs)).toHaveLength(5);
    expect(await invalidStored(Object.values(runs))).toEqual([]);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.coverage_shortfall WHERE run_id = ANY($1) AND NOT ST_IsEmpty(geom)`, [Object.values(runs)]);
    expect(rows[0].n).toBeGreaterThan(3);
    // a bow tie cannot be stored
    const bad = await pool.query(`UPDATE app.coverage_shortfall SET geom = 'SRID=4326;MULTIPOLYGON(((118.78 32.04,118.79 32.05,118.79 32.04,118.78 32.05,118.78 32.04)))'
      WHERE run_id = $1 AND layer = 'uncovered_official'`, [runs['both/residential_land']]).catch((e: { code?: string }) => e);
    expect((bad as { code?: string }).code).toBe('23514');
  });

  it('answers what-ifs on the uncovered land with valid newly covered polygons', async () => {
    for (const key of ['official/residential_land', 'both/residential_land', 'both/estate']) {
      const parks = await drawnParks(runs[key], 9);
      const { rows } = await pool.query(`SELECT analysis.green_coverage_whatif(run_id => $1, parks => ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) AS w`, [runs[key], parks]);
      const covered = rows[0].w.newly_covered;
      if (covered) {
        const v = await pool.query(`SELECT ST_IsValid(ST_GeomFromGeoJSON($1)) AS ok`, [JSON.stringify(covered.geometry ?? covered)]);
        expect(v.rows[0].ok, key).toBe(true);
      }
    }
  });

  it('saves scenarios with valid parks and suggests valid pocket-park sites', async () => {
    const runId = runs['both/residential_land'];
    const parks = await drawnParks(runId, 5);
    const { rows: [{ id }] } = await pool.query(`SELECT analysis.green_coverage_scenario_save(run_id => $1, name => 'valid-geometry test', parks => ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) AS id`, [runId, parks]);
    const s = await pool.query(`
      SELECT bool_and(ST_IsValid(ST_GeomFromGeoJSON(f->'geometry'))) AS ok, count(*)::int AS n
      FROM app.coverage_scenario c, jsonb_array_elements(c.parks->'features') f WHERE c.id = $1`, [id]);
    expect(s.rows[0].ok).toBe(true);
    expect(s.rows[0].n).toBeGreaterThan(0);
    const candidates = await drawnParks(runId, 9);
    for (const mode of ['official', 'walking']) {
      const { rows } = await pool.query(`SELECT bool_and(ST_IsValid(ST_GeomFromGeoJSON(geom::text))) AS ok, count(*)::int AS n FROM analysis.green_pocket_park_sites(run_id => $1, k => 3, mode => $2, min_area_m2 => 400, candidates => ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))`, [runId, mode, candidates]);
      expect(rows[0].n, mode).toBeGreaterThan(0);
      expect(rows[0].ok, mode).toBe(true);
    }
    expect(await invalidStored([runId])).toEqual([]);
  });

  describe('life-circle shortfall of a saved run', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000, auth: { mode: 'off' } });
      await app.ready();
    });
    afterAll(() => app?.close());

    it('draws only valid estate polygons', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/analysis/life-circle', payload: { save: true, types: ['kindergarten', 'pharmacy'], dataset: DEFAULT_DATASET_ID } });
      expect(res.statusCode).toBe(200);
      const runId = res.json().runId;
      const { rows } = await pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE NOT ST_IsValid(geom))::int AS bad FROM tiles.life_circle_shortfall WHERE run_id = $1`, [runId]);
      expect(rows[0].n).toBeGreaterThan(0);
      expect(rows[0].bad).toBe(0);
    });
  });
});
