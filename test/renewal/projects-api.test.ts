/**
 * The renewal project library and ledger edits over HTTP: stage moves with who / when / why (illegal
 * ones → 409 with a message), audit rows naming the actor, a project's expected coverage effect,
 * and waterlogging / estate edits that reach the change feed (tile cache refresh).
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoverageFixture } from '../fixtures/coverage/load-fixture.ts';
import { testApp } from '../helpers/app.ts';
import { testDatabaseUrl, testPool } from '../helpers/db.ts';
import { loadRenewalFixture } from './fixture/load-fixture.ts';

const pool = testPool();
let app: FastifyInstance;
const ids: Record<string, number> = {};
const site = { type: 'Polygon', coordinates: [[[118.698, 32.0], [118.7, 32.0], [118.7, 32.001], [118.698, 32.001], [118.698, 32.0]]] };

beforeAll(async () => {
  await loadRenewalFixture(pool);
  await loadCoverageFixture(pool);
  for (const r of (await pool.query(`SELECT id, name FROM app.estate WHERE dataset_id = 't-renew'`)).rows) ids[r.name] = Number(r.id);
  app = await testApp();
});
afterAll(async () => {
  await app?.close();
  await pool.end();
});

const create = (payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: 't-renew', actor: 'planner-a', ...payload } });
const move = (id: number, to: string, actor = 'planner-b', reason = 'test') =>
  app.inject({ method: 'POST', url: `/api/renewal/projects/${id}/transitions`, payload: { to, actor, reason } });

describe('renewal project library', () => {
  it('creates a project in 储备 with its sites, content class, budget, department and plan year', async () => {
    const res = await create({ name: 'E2 老旧小区改造', estateIds: [ids.E2], contentClass: ['basic', 'improvement'], budgetWan: 850, fundingSource: '中央补助 + 地方配套', department: '区住建局', planYear: 2027, problemRefs: ['park_coverage E2 (from the 2026 check report)'], geometry: site });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      stage: 'reserve', stageZh: '储备', nextStages: ['approved'], dataset: 't-renew', estateIds: [ids.E2], contentClass: ['basic', 'improvement'],
      budgetWan: 850, department: '区住建局', planYear: 2027, problemRefs: ['park_coverage E2 (from the 2026 check report)'], geometry: { type: 'MultiPolygon' },
      transitions: [{ fromStage: null, toStage: 'reserve', actor: 'planner-a' }],
    });
  });

  it('refuses 储备 → 销号 with 409 and names the allowed move; the stage stays', async () => {
    const p = (await create({ name: 'skip test' })).json();
    const res = await move(p.id, 'closed');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'ILLEGAL_TRANSITION', message: `Project ${p.id} cannot move from 储备 reserve to 销号 closed; allowed next: 审批 approved` });
    expect((await app.inject({ method: 'GET', url: `/api/renewal/projects/${p.id}` })).json().stage).toBe('reserve');
    expect((await move(p.id, 'flying')).statusCode).toBe(409);
  });

  it('goes through every state with who / when / why recorded and audited', async () => {
    const p = (await create({ name: 'full loop', estateIds: [ids.E3] })).json();
    const steps = ['approved', 'implementing', 'completed', 'rechecked', 'closed'];
    for (const [i, to] of steps.entries()) {
      const res = await move(p.id, to, `officer-${i}`, `step ${to}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().stage).toBe(to);
    }
    const done = (await app.inject({ method: 'GET', url: `/api/renewal/projects/${p.id}` })).json();
    expect(done.transitions.map((t: { fromStage: string | null; toStage: string; actor: string; reason: string }) => `${t.fromStage}>${t.toStage}:${t.actor}:${t.reason}`)).toEqual([
      `null>reserve:planner-a:入库 created in the reserve list`, 'reserve>approved:officer-0:step approved', 'approved>implementing:officer-1:step implementing',
      'implementing>completed:officer-2:step completed', 'completed>rechecked:officer-3:step rechecked', 'rechecked>closed:officer-4:step closed']);
    expect(done.nextStages).toEqual([]);
    const audit = await pool.query(`SELECT actor, new_row->>'to_stage' AS to FROM app.audit_log WHERE table_name = 'renewal_project_transition' AND (new_row->>'project_id')::bigint = $1 ORDER BY id`, [p.id]);
    expect(audit.rows.map((r) => `${r.actor}:${r.to}`)).toEqual(['planner-a:reserve', ...steps.map((s, i) => `officer-${i}:${s}`)]);
    expect((await move(p.id, 'reserve')).statusCode).toBe(409);
  });

  it('lets a re-check that finds the problem unresolved send the project back to 实施', async () => {
    const p = (await create({ name: 'reopen' })).json();
    for (const to of ['approved', 'implementing', 'completed', 'rechecked']) expect((await move(p.id, to)).statusCode).toBe(200);
    expect((await move(p.id, 'implementing')).json()).toMatchObject({ stage: 'implementing' });
  });

  it('edits a project\'s geometry and fields; validates estates and geometry; 404 for an unknown project', async () => {
    const p = (await create({ name: 'edit me' })).json();
    const res = await app.inject({ method: 'PATCH', url: `/api/renewal/projects/${p.id}`, payload: { actor: 'planner-c', geometry: site, budgetWan: 120 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ budgetWan: 120, name: 'edit me', geometry: { type: 'MultiPolygon' } });
    const foreign = (await pool.query(`SELECT id FROM app.estate WHERE dataset_id = 't-cov' LIMIT 1`)).rows[0].id;
    const bad = await app.inject({ method: 'PATCH', url: `/api/renewal/projects/${p.id}`, payload: { actor: 'planner-c', estateIds: [Number(foreign)] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/estateIds not in this city/);
    const bowtie = { type: 'Polygon', coordinates: [[[118.70, 32.0], [118.71, 32.01], [118.71, 32.0], [118.70, 32.01], [118.70, 32.0]]] };
    expect((await app.inject({ method: 'PATCH', url: `/api/renewal/projects/${p.id}`, payload: { actor: 'x', geometry: bowtie } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/renewal/projects/999999999' })).statusCode).toBe(404);
    expect((await create({ name: 'no actor', actor: '' })).statusCode).toBe(400);
  });

  it('lists a city\'s projects by stage', async () => {
    const b = (await app.inject({ method: 'GET', url: '/api/renewal/projects?dataset=t-renew&stage=closed' })).json();
    expect(b.projects.length).toBeGreaterThanOrEqual(1);
    expect(b.projects.every((p: { stage: string; dataset: string }) => p.stage === 'closed' && p.dataset === 't-renew')).toBe(true);
  });

  it('stores the expected effect of a project\'s new park (coverage what-if) and new facility (life-circle what-if)', async () => {
    const { rows } = await pool.query(`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(671550, 3546000, 671600, 3546060, 32650), 4326))::jsonb AS g`);
    const run = (await app.inject({ method: 'POST', url: '/api/analysis/green-coverage', payload: { dataset: 't-cov', mode: 'official' } })).json();
    const p = (await create({ dataset: 't-cov', name: 'pocket park', geometry: rows[0].g })).json();
    const res = await app.inject({ method: 'POST', url: `/api/renewal/projects/${p.id}/expected-effect`, payload: { actor: 'planner-a', coverageRunId: run.runId } });
    expect(res.statusCode).toBe(200);
    const c = res.json().expectedEffect.greenCoverage.city;
    expect(c.officialM2After - c.officialM2Before).toBeCloseTo(6000, -1);
    // A kindergarten of the project on the street at (400, 50) m: the life-circle what-if on the walking network.
    const { rows: [pt] } = await pool.query(`SELECT ST_X(g) AS lon, ST_Y(g) AS lat FROM ST_Transform(ST_SetSRID(ST_Point(668400, 3546050), 32650), 4326) g`);
    const lc = await app.inject({ method: 'POST', url: `/api/renewal/projects/${p.id}/expected-effect`, payload: { actor: 'planner-a', facility: { type: 'kindergarten', lon: pt.lon, lat: pt.lat } } });
    expect(lc.statusCode).toBe(200);
    const e = lc.json().expectedEffect;
    expect(e.greenCoverage.city.officialM2After).toBeGreaterThan(e.greenCoverage.city.officialM2Before); // kept beside the new one
    expect(e.lifeCircle).toMatchObject({ type: 'kindergarten', standardM: 300 });
    expect(e.lifeCircle.metAfter).toBeGreaterThan(e.lifeCircle.metBefore);
    expect(e.lifeCircle.newlyCovered.length).toBe(e.lifeCircle.metAfter - e.lifeCircle.metBefore);
    expect((await app.inject({ method: 'POST', url: `/api/renewal/projects/${p.id}/expected-effect`, payload: { actor: 'a' } })).statusCode).toBe(400);

    const other = (await create({ name: 'wrong city', geometry: site })).json();
    const wrong = await app.inject({ method: 'POST', url: `/api/renewal/projects/${other.id}/expected-effect`, payload: { actor: 'a', coverageRunId: run.runId } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().message).toMatch(/is of city "t-cov"/);
  });
});

describe('ledger edits from the map', () => {
  it('moves a waterlogging point 未治理 → 治理中 → 已销号, refuses skipping with 409, and notifies the change feed', async () => {
    const id = Number((await pool.query(`SELECT id FROM app.waterlogging_point WHERE dataset_id = 't-renew' AND source_id = 'RW1'`)).rows[0].id);
    await pool.query(`UPDATE app.waterlogging_point SET status = 'untreated' WHERE id = $1`, [id]);
    const skip = await app.inject({ method: 'PATCH', url: `/api/waterlogging-points/${id}`, payload: { status: 'closed' } });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().message).toMatch(/cannot move from 未治理 untreated to 已销号 closed; allowed next: 治理中 in_progress/);

    const listener = new pg.Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    const notes: { table: string; boxes?: number[][] }[] = [];
    listener.on('notification', (n) => notes.push(JSON.parse(n.payload ?? '{}')));
    await listener.query('LISTEN citycheck_change');
    try {
      for (const status of ['in_progress', 'closed']) {
        const res = await app.inject({ method: 'PATCH', url: `/api/waterlogging-points/${id}`, payload: { status } });
        expect(res.statusCode).toBe(200);
        expect(res.json().status).toBe(status);
      }
      await listener.query('SELECT 1'); // notifications of committed transactions arrive before this answer
      const mine = notes.filter((n) => n.table === 'waterlogging_point');
      expect(mine).toHaveLength(2);
      expect(mine[0].boxes?.[0][0]).toBeCloseTo(118.699, 6);
    } finally {
      await listener.end();
    }
    const audit = await pool.query(`SELECT new_row->>'status' AS status FROM app.audit_log WHERE table_name = 'waterlogging_point' AND row_id = $1 ORDER BY id DESC LIMIT 2`, [id]);
    expect(audit.rows.map((r) => r.status)).toEqual(['closed', 'in_progress']); // the actor is the signed-in user (no actor field any more)
  });

  it('edits an estate\'s renovation status, class and plan year with validation', async () => {
    const res = await app.inject({ method: 'PATCH', url: `/api/renewal/ledger/estates/${ids.E5}`, payload: { actor: 'surveyor', renovationStatus: 'planned', renovationClass: ['basic', 'upgrade'], renovationPlanYear: 2028 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ renovationStatus: 'planned', renovationClass: ['basic', 'upgrade'], renovationPlanYear: 2028 });
    const bad = await app.inject({ method: 'PATCH', url: `/api/renewal/ledger/estates/${ids.E5}`, payload: { actor: 'surveyor', renovationStatus: 'demolished' } });
    expect(bad.statusCode).toBe(400);
    expect((await app.inject({ method: 'PATCH', url: '/api/renewal/ledger/estates/999999999', payload: { actor: 's', renovationPlanYear: 2028 } })).statusCode).toBe(404);
    await pool.query(`UPDATE app.estate SET renovation_status = NULL, renovation_class = '{}', renovation_plan_year = NULL WHERE id = $1`, [ids.E5]);
  });
});
