/**
 * PUT /api/waterlogging-points/:id/status: the change lands in one transaction with its history row
 * (actor, note) and an audit_log row; GET …/history lists it. On the test database with a fixture
 * point (never the shared default city).
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let pointId: number;
const DS = 'wl-status-api';

beforeAll(async () => {
  pool = testPool();
  app = await testApp();
  await pool.query(`DELETE FROM app.waterlogging_point WHERE dataset_id = $1`, [DS]);
  await pool.query(`INSERT INTO app.dataset (id, name, city_id) VALUES ($1, 'waterlogging status fixture', NULL) ON CONFLICT (id) DO NOTHING`, [DS]);
  const { rows } = await pool.query(`
    INSERT INTO app.waterlogging_point (name, status, severity, geom, dataset_id, source_id, check_year)
    VALUES ('示例·测试积水点', 'untreated', 'high', ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326), $1, 'API-1', 2025) RETURNING id`, [DS]);
  pointId = Number(rows[0].id);
});
afterAll(async () => {
  await pool.query(`DELETE FROM app.waterlogging_point WHERE dataset_id = $1`, [DS]);
  await pool.query(`DELETE FROM app.dataset WHERE id = $1`, [DS]);
  await app?.close();
  await pool?.end();
});

describe('waterlogging point status', () => {
  it('records a change with time, note and audit, and lists the history oldest first', async () => {
    const res = await app.inject({ method: 'PUT', url: `/api/waterlogging-points/${pointId}/status`, payload: { status: 'in_progress', note: '管网改造' } });
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json();
    expect(h.status).toBe('in_progress');
    expect(h.changes.map((c: { fromStatus: string | null; toStatus: string }) => [c.fromStatus, c.toStatus])).toEqual([[null, 'untreated'], ['untreated', 'in_progress']]);
    expect(h.changes[1].note).toBe('管网改造');
    expect(Date.parse(h.changes[1].changedAt)).toBeGreaterThanOrEqual(Date.parse(h.changes[0].changedAt));
    const audit = await pool.query(`SELECT old_row->>'status' AS old, new_row->>'status' AS new FROM app.audit_log WHERE table_name = 'waterlogging_point' AND row_id = $1`, [pointId]);
    expect(audit.rows).toContainEqual({ old: 'untreated', new: 'in_progress' });
    const again = await app.inject({ url: `/api/waterlogging-points/${pointId}/history` });
    expect(again.json().changes).toHaveLength(2);
  });

  it('refuses an unknown status with 400 and an unknown point with 404', async () => {
    const bad = await app.inject({ method: 'PUT', url: `/api/waterlogging-points/${pointId}/status`, payload: { status: 'fixed' } });
    expect(bad.statusCode).toBe(400);
    const none = await app.inject({ method: 'PUT', url: '/api/waterlogging-points/999999999/status', payload: { status: 'closed' } });
    expect(none.statusCode).toBe(404);
  });
});
