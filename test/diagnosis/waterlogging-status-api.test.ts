/**
 * PATCH /api/waterlogging-points/:id — the one endpoint that changes a point's status: the move lands
 * in one transaction with its history row (note) and an audit_log row; an illegal move is a 409 that
 * names the allowed moves; a remediation project must exist and be of the point's city; GET …/history
 * lists the changes. The old PUT …/status and PATCH /api/renewal/ledger/waterlogging/:id are gone.
 * On the test database with fixture points (never the shared default city).
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let pointId: number;
let projectHere: number;
let projectThere: number;
const DS = 'wl-status-api';
const OTHER = 'wl-status-api-other';

beforeAll(async () => {
  pool = testPool();
  app = await testApp();
  for (const ds of [DS, OTHER]) {
    await pool.query(`DELETE FROM app.waterlogging_point WHERE dataset_id = $1`, [ds]);
    await pool.query(`DELETE FROM app.renewal_project WHERE dataset_id = $1`, [ds]);
    await pool.query(`INSERT INTO app.dataset (id, name, city_id) VALUES ($1, 'waterlogging status fixture', NULL) ON CONFLICT (id) DO NOTHING`, [ds]);
  }
  const { rows } = await pool.query(`
    INSERT INTO app.waterlogging_point (name, status, severity, geom, dataset_id, source_id, check_year)
    VALUES ('示例·测试积水点', 'untreated', 'high', ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326), $1, 'API-1', 2025) RETURNING id`, [DS]);
  pointId = Number(rows[0].id);
  const project = async (ds: string) => Number((await pool.query(
    `INSERT INTO app.renewal_project (name, dataset_id, check_year) VALUES ('排水改造', $1, 2025) RETURNING id`, [ds])).rows[0].id);
  projectHere = await project(DS);
  projectThere = await project(OTHER);
});
afterAll(async () => {
  for (const ds of [DS, OTHER]) {
    await pool.query(`DELETE FROM app.waterlogging_point WHERE dataset_id = $1`, [ds]);
    await pool.query(`DELETE FROM app.renewal_project WHERE dataset_id = $1`, [ds]);
    await pool.query(`DELETE FROM app.dataset WHERE id = $1`, [ds]);
  }
  await app?.close();
  await pool?.end();
});

const patch = (id: number, payload: Record<string, unknown>) => app.inject({ method: 'PATCH', url: `/api/waterlogging-points/${id}`, payload });

describe('PATCH /api/waterlogging-points/:pointId', () => {
  it('records a move with time, note and audit, links the project, and lists the history oldest first', async () => {
    const res = await patch(pointId, { status: 'in_progress', note: '管网改造', remediationProjectId: projectHere });
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json();
    expect(h).toMatchObject({ pointId, name: '示例·测试积水点', status: 'in_progress', remediationProjectId: projectHere });
    expect(h.changes.map((c: { fromStatus: string | null; toStatus: string }) => [c.fromStatus, c.toStatus])).toEqual([[null, 'untreated'], ['untreated', 'in_progress']]);
    expect(h.changes[1].note).toBe('管网改造');
    expect(Date.parse(h.changes[1].changedAt)).toBeGreaterThanOrEqual(Date.parse(h.changes[0].changedAt));
    const audit = await pool.query(`SELECT old_row->>'status' AS old, new_row->>'status' AS new FROM app.audit_log WHERE table_name = 'waterlogging_point' AND row_id = $1`, [pointId]);
    expect(audit.rows).toContainEqual({ old: 'untreated', new: 'in_progress' });
    const stored = await pool.query(`SELECT status, remediation_project_id FROM app.waterlogging_point WHERE id = $1`, [pointId]);
    expect({ ...stored.rows[0], remediation_project_id: Number(stored.rows[0].remediation_project_id) }).toEqual({ status: 'in_progress', remediation_project_id: projectHere });
    const again = await app.inject({ url: `/api/waterlogging-points/${pointId}/history` });
    expect(again.json().changes).toHaveLength(2);
  });

  it('refuses an illegal move with 409 naming the allowed moves, and changes nothing', async () => {
    await pool.query(`UPDATE app.waterlogging_point SET status = 'closed' WHERE id = $1`, [pointId]);
    const res = await patch(pointId, { status: 'in_progress' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe(`Waterlogging point ${pointId} cannot move from 已销号 closed to 治理中 in_progress; allowed next: 未治理 untreated`);
    const { rows } = await pool.query(`SELECT status FROM app.waterlogging_point WHERE id = $1`, [pointId]);
    expect(rows[0].status).toBe('closed');
  });

  it('refuses a remediation project of another city (400) or none (404), and keeps the link', async () => {
    const other = await patch(pointId, { status: 'closed', remediationProjectId: projectThere });
    expect(other.statusCode).toBe(400);
    expect(other.json().message).toMatch(new RegExp(`Renewal project ${projectThere} is of city "${OTHER}"`));
    const none = await patch(pointId, { status: 'closed', remediationProjectId: 2147483000 });
    expect(none.statusCode).toBe(404);
    const { rows } = await pool.query(`SELECT remediation_project_id FROM app.waterlogging_point WHERE id = $1`, [pointId]);
    expect(Number(rows[0].remediation_project_id)).toBe(projectHere);
    const unlink = await patch(pointId, { status: 'closed', remediationProjectId: null });
    expect(unlink.json().remediationProjectId).toBeNull();
  });

  it('refuses an unknown status, an actor field or an unknown point', async () => {
    expect((await patch(pointId, { status: 'fixed' })).statusCode).toBe(400);
    expect((await patch(pointId, { status: 'closed', actor: 'someone' })).statusCode).toBe(400);
    expect((await patch(999999999, { status: 'closed' })).statusCode).toBe(404);
  });

  it('has replaced the two older endpoints', async () => {
    expect((await app.inject({ method: 'PUT', url: `/api/waterlogging-points/${pointId}/status`, payload: { status: 'untreated' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PATCH', url: `/api/renewal/ledger/waterlogging/${pointId}`, payload: { status: 'untreated' } })).statusCode).toBe(404);
  });
});
