/**
 * Facility catalog per city (issue 6, migration 061): overrides of one dataset change its estates'
 * life-circle checklist only, are stored with the run, shown with flags and audited.
 *
 * Runs in a database of its own (`<test db>_fc`): the river-town network (dataset lc-river-town,
 * hand-worked distances in test/fixtures/network/river-town.ts) plus a second city, fc-other-town,
 * whose one estate O1 stands where E2 does (kindergarten 270 m away, default standard 300 m).
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { ownDatabase } from '../helpers/db.ts';
import { DATASET, loadRiverTown } from '../fixtures/network/load-river-town.ts';
import { latOf, lonOf } from '../fixtures/network/river-town.ts';

const OTHER = 'fc-other-town';
let app: FastifyInstance;
let pool: pg.Pool;
let ids: Awaited<ReturnType<typeof loadRiverTown>>;
let o1: number;

beforeAll(async () => {
  const url = await ownDatabase('_fc');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  ids = await loadRiverTown(pool);
  await pool.query(`INSERT INTO app.dataset (id, name, is_sample) VALUES ($1, 'second city', true)`, [OTHER]);
  const box = `MULTIPOLYGON(((${lonOf(40)} ${latOf(10)},${lonOf(60)} ${latOf(10)},${lonOf(60)} ${latOf(30)},${lonOf(40)} ${latOf(30)},${lonOf(40)} ${latOf(10)})))`;
  o1 = (await pool.query(
    `INSERT INTO app.estate (name, residents, build_year, geom, dataset_id, source_id, check_year)
     VALUES ('O1', 800, 1995, ST_GeomFromText($1, 4326), $2, 'O1', 2025) RETURNING id`, [box, OTHER])).rows[0].id;
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000, auth: { mode: 'off' } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});
afterEach(async () => {
  await pool.query('DELETE FROM app.facility_type_city');
});

const put = (code: string, dataset: string, payload: unknown) =>
  app.inject({ method: 'PUT', url: `/api/facility-types/${code}?dataset=${dataset}`, payload: payload as object });
const kindergartenStatus = async (query: string): Promise<Record<string, string>> => {
  const res = await app.inject(`/api/analysis/life-circle?types=kindergarten${query}`);
  expect(res.statusCode).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON body
  return Object.fromEntries(res.json().estates.map((e: any) => [e.name, e.checklist[0].status]));
};

describe('life-circle analysis with a city catalog', () => {
  it('applies a kindergarten override to the estates of that dataset only', async () => {
    expect((await put('kindergarten', DATASET, { standardDistanceM: 200 })).statusCode).toBe(200);
    // E2 walks 270 m: beyond the city's 200 m, within the default 300 m
    expect(await kindergartenStatus(`&dataset=${DATASET}`)).toEqual({ E1: 'met', E2: 'not_met', E3: 'met', E4: 'met' });
    // O1 walks the same 270 m, but its city keeps the default
    expect(await kindergartenStatus(`&dataset=${OTHER}`)).toEqual({ O1: 'met' });
    // without a dataset, with two cities loaded: a 400 naming both (results are per city)
    const res = await app.inject('/api/analysis/life-circle?types=kindergarten');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(DATASET);
    expect(res.json().message).toContain(OTHER);
  });

  it('judges a what-if facility against the city catalog and that city\'s estates only', async () => {
    await put('kindergarten', DATASET, { standardDistanceM: 200 });
    const whatIf = async (dataset?: string) => {
      const res = await app.inject({ method: 'POST', url: '/api/analysis/life-circle/what-if',
        payload: { type: 'kindergarten', lon: lonOf(50), lat: latOf(20), ...(dataset ? { dataset } : {}) } });
      expect(res.statusCode).toBe(200);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON body
      return res.json().newlyCovered.map((e: any) => e.name).sort();
    };
    // E2 (270 m, beyond the city's 200 m) gains a kindergarten at its door; O1 belongs to another city.
    expect(await whatIf(DATASET)).toEqual(['E2']);
    // Under the default 300 m O1 already meets the standard: nothing is newly covered.
    expect(await whatIf(OTHER)).toEqual([]);
  });

  it('stores the effective catalog and the dataset with a saved run', async () => {
    await put('kindergarten', DATASET, { standardDistanceM: 200 });
    const res = await app.inject({ method: 'POST', url: '/api/analysis/life-circle', payload: { types: ['kindergarten'], dataset: DATASET, save: true } });
    expect(res.statusCode).toBe(200);
    const run = (await pool.query('SELECT params, catalog FROM app.life_circle_run WHERE id = $1', [res.json().runId])).rows[0];
    expect(run.params.dataset).toBe(DATASET);
    expect(run.catalog[0]).toMatchObject({ code: 'kindergarten', standardDistanceM: 200, overridden: { standardDistanceM: true, lifeCircleTier: false, completeCommunity: false } });
    const rows = (await pool.query('SELECT estate_id, standard_m, met FROM app.life_circle_result WHERE run_id = $1 ORDER BY estate_id', [res.json().runId])).rows;
    expect(rows.map((r) => r.estate_id)).toEqual(Object.values(ids.estate).sort((a, b) => a - b));
    expect(rows.find((r) => r.estate_id === ids.estate.E2)).toMatchObject({ standard_m: 200, met: false });
    expect(rows.some((r) => r.estate_id === o1)).toBe(false);
  });

  it('answers 400 for an unknown dataset', async () => {
    const res = await app.inject('/api/analysis/life-circle?types=kindergarten&dataset=atlantis');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/unknown dataset "atlantis"; choose one of: .*lc-river-town/);
  });
});

describe('GET /api/facility-types', () => {
  it('shows the effective catalog with a flag per overridden field', async () => {
    await put('kindergarten', DATASET, { standardDistanceM: 200, completeCommunity: false });
    const body = (await app.inject(`/api/facility-types?dataset=${DATASET}`)).json();
    expect(body.dataset).toBe(DATASET);
    const k = body.types.find((t: { code: string }) => t.code === 'kindergarten');
    expect(k).toMatchObject({ standardDistanceM: 200, tier: '5min', completeCommunity: false, overridden: { standardDistanceM: true, lifeCircleTier: false, completeCommunity: true } });
    const nursery = body.types.find((t: { code: string }) => t.code === 'nursery');
    expect(nursery).toMatchObject({ standardDistanceM: 300, overridden: { standardDistanceM: false, lifeCircleTier: false, completeCommunity: false } });
  });

  it('shows the documented defaults without a dataset and for other cities', async () => {
    await put('kindergarten', DATASET, { standardDistanceM: 200 });
    for (const url of ['/api/facility-types', `/api/facility-types?dataset=${OTHER}`]) {
      const body = (await app.inject(url)).json();
      expect(body.types).toHaveLength(26);
      expect(body.types[0]).toMatchObject({ code: 'kindergarten', standardDistanceM: 300, completeCommunity: true, overridden: { standardDistanceM: false } });
    }
  });
});

describe('PUT /api/facility-types/:code', () => {
  it('returns a field to the default with null, removing an empty override', async () => {
    await put('kindergarten', DATASET, { standardDistanceM: 200, lifeCircleTier: '10min' });
    const res = await put('kindergarten', DATASET, { standardDistanceM: null });
    expect(res.statusCode).toBe(200);
    expect(res.json().type).toMatchObject({ standardDistanceM: 300, tier: '10min', overridden: { standardDistanceM: false, lifeCircleTier: true } });
    await put('kindergarten', DATASET, { lifeCircleTier: null });
    expect((await pool.query('SELECT count(*)::int AS n FROM app.facility_type_city')).rows[0].n).toBe(0);
  });

  it.each([
    ['a negative distance', 'kindergarten', DATASET, { standardDistanceM: -5 }, /standardDistanceM/],
    ['a zero distance', 'kindergarten', DATASET, { standardDistanceM: 0 }, /standardDistanceM/],
    ['a distance that is not a number', 'kindergarten', DATASET, { standardDistanceM: 'far' }, /standardDistanceM/],
    ['an unknown tier', 'kindergarten', DATASET, { lifeCircleTier: '20min' }, /lifeCircleTier/],
    ['an empty tier', 'kindergarten', DATASET, { lifeCircleTier: '' }, /lifeCircleTier/],
    ['a non-boolean flag', 'kindergarten', DATASET, { completeCommunity: 'maybe' }, /completeCommunity/],
    // Found by npm run fuzz: the string "1e309" was coerced to Infinity and stored.
    ['an infinite distance', 'kindergarten', DATASET, { standardDistanceM: '1e309' }, /standardDistanceM.*finite/],
    ['the string Infinity', 'kindergarten', DATASET, { standardDistanceM: 'Infinity' }, /standardDistanceM.*finite/],
    ['an unknown field', 'kindergarten', DATASET, { radius: 100 }, /additional/],
    ['an empty body', 'kindergarten', DATASET, {}, /fewer than 1/],
    ['an unknown facility type', 'spaceport', DATASET, { standardDistanceM: 100 }, /Unknown facility type: spaceport/],
    ['an unknown dataset', 'kindergarten', 'atlantis', { standardDistanceM: 100 }, /Unknown dataset: atlantis/],
  ])('answers 400 with a message for %s', async (_case, code, dataset, body, message) => {
    const res = await put(code, dataset, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
    expect((await pool.query('SELECT count(*)::int AS n FROM app.facility_type_city')).rows[0].n).toBe(0);
  });

  it('answers 400 without a dataset', async () => {
    const res = await app.inject({ method: 'PUT', url: '/api/facility-types/kindergarten', payload: { standardDistanceM: 100 } });
    expect(res.statusCode).toBe(400);
  });

  it('records each change in the audit log', async () => {
    const before = (await pool.query('SELECT coalesce(max(id), 0)::bigint AS id FROM app.audit_log')).rows[0].id;
    await put('kindergarten', DATASET, { standardDistanceM: 200 });
    await put('kindergarten', DATASET, { standardDistanceM: 250 });
    const log = (await pool.query(
      `SELECT action, old_row, new_row FROM app.audit_log WHERE id > $1 AND table_name = 'facility_type_city' ORDER BY id`, [before])).rows;
    expect(log.map((r) => r.action)).toEqual(['INSERT', 'UPDATE']);
    expect(log[0].new_row).toMatchObject({ dataset_id: DATASET, code: 'kindergarten', standard_distance_m: 200, life_circle_tier: null });
    expect(log[1].old_row.standard_distance_m).toBe(200);
    expect(log[1].new_row.standard_distance_m).toBe(250);
  });
});
