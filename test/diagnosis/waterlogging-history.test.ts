/**
 * Waterlogging status history (migration 120): every status change of a point is recorded with time
 * and actor, also inside imports, and the history cannot be edited. Runs in a transaction that is
 * rolled back, on the test database (never the shared default city).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPool } from '../helpers/db.ts';

let pool: pg.Pool;
beforeAll(() => { pool = testPool(); });
afterAll(() => pool?.end());

async function inTransaction(fn: (c: pg.PoolClient) => Promise<void>) {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(`INSERT INTO app.dataset (id, name) VALUES ('wl-history', 'waterlogging history fixture')`);
    await fn(c);
  } finally {
    await c.query('ROLLBACK');
    c.release();
  }
}

describe('app.waterlogging_status_change', () => {
  it('records the first status and each change with its actor and note, not unchanged updates', async () => {
    await inTransaction(async (c) => {
      const { rows: [p] } = await c.query(`
        INSERT INTO app.waterlogging_point (name, status, geom, dataset_id, source_id, check_year)
        VALUES ('示例·测试点', 'untreated', ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326), 'wl-history', 'H-1', 2025) RETURNING id`);
      await c.query(`SELECT set_config('citycheck.actor', 'planner-a', true), set_config('citycheck.note', '排水改造开工', true)`);
      await c.query(`UPDATE app.waterlogging_point SET status = 'in_progress' WHERE id = $1`, [p.id]);
      await c.query(`UPDATE app.waterlogging_point SET max_depth_cm = 20 WHERE id = $1`, [p.id]);
      await c.query(`SELECT set_config('citycheck.note', '', true)`);
      await c.query(`UPDATE app.waterlogging_point SET status = 'closed' WHERE id = $1`, [p.id]);
      const { rows } = await c.query(`SELECT from_status, to_status, actor, note, source_id FROM app.waterlogging_status_change WHERE dataset_id = 'wl-history' ORDER BY id`);
      expect(rows).toEqual([
        { from_status: null, to_status: 'untreated', actor: expect.any(String), note: null, source_id: 'H-1' },
        { from_status: 'untreated', to_status: 'in_progress', actor: 'planner-a', note: '排水改造开工', source_id: 'H-1' },
        { from_status: 'in_progress', to_status: 'closed', actor: 'planner-a', note: null, source_id: 'H-1' },
      ]);
    });
  });

  it('names the signed-in user, keeps an import run id, and ignores an import marker that is not an id', async () => {
    await inTransaction(async (c) => {
      const { rows: [u] } = await c.query(`INSERT INTO app.app_user (username, role, password_hash) VALUES ('wl.planner', 'planner', 'x') RETURNING id`);
      await c.query(`SELECT set_config('citycheck.user', $1, true)`, [String(u.id)]);
      const { rows: [run] } = await c.query(`INSERT INTO app.import_run (dataset_id, kind, layer, source, check_year) VALUES ('wl-history', 'ledger', 'waterlogging_point', 'test.csv', 2025) RETURNING id`);
      await c.query(`SELECT set_config('citycheck.import_run', $1, true)`, [String(run.id)]);
      await c.query(`
        INSERT INTO app.waterlogging_point (name, status, geom, dataset_id, source_id, check_year)
        VALUES ('示例·导入点', 'untreated', ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326), 'wl-history', 'H-7', 2025)`);
      // The synthetic bench city marks its loads 'synthetic': the first trigger cast it to bigint and failed.
      await c.query(`SELECT set_config('citycheck.import_run', 'synthetic', true)`);
      await c.query(`
        INSERT INTO app.waterlogging_point (name, status, geom, dataset_id, source_id, check_year)
        VALUES ('示例·合成点', 'untreated', ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326), 'wl-history', 'H-8', 2025)`);
      const { rows } = await c.query(`SELECT source_id, actor, import_run_id FROM app.waterlogging_status_change WHERE dataset_id = 'wl-history' ORDER BY id`);
      expect(rows).toEqual([
        { source_id: 'H-7', actor: 'wl.planner', import_run_id: run.id },
        { source_id: 'H-8', actor: 'wl.planner', import_run_id: null },
      ]);
    });
  });

  it('lists a point closed after being untreated as treated, with the time it was closed', async () => {
    await inTransaction(async (c) => {
      const { rows: [p] } = await c.query(`
        INSERT INTO app.waterlogging_point (name, status, geom, dataset_id, source_id, check_year)
        VALUES ('示例·治理点', 'untreated', ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326), 'wl-history', 'H-4', 2025),
               ('示例·一直已销号', 'closed', ST_SetSRID(ST_MakePoint(118.79, 32.04), 4326), 'wl-history', 'H-5', 2025) RETURNING id`);
      const treated = async () => (await c.query(`SELECT analysis.waterlogging_summary(ARRAY['wl-history'], 32650) -> 'treated' AS t`)).rows[0].t;
      expect(await treated()).toEqual([]);
      await c.query(`UPDATE app.waterlogging_point SET status = 'closed' WHERE id = $1`, [p.id]);
      const { rows: [h] } = await c.query(`SELECT changed_at FROM app.waterlogging_status_change WHERE source_id = 'H-4' AND to_status = 'closed'`);
      expect(await treated()).toEqual([{ source_id: 'H-4', name: '示例·治理点', check_year: 2025, closed_at: expect.any(String) }]);
      expect(Date.parse((await treated())[0].closed_at)).toBe(h.changed_at.getTime());
    });
  });

  it('records changes made by an import with the import run', async () => {
    await inTransaction(async (c) => {
      const { rows: [run] } = await c.query(`INSERT INTO app.import_run (dataset_id, kind, source, check_year) VALUES ('wl-history', 'ledger', 'test', 2025) RETURNING id`);
      await c.query(`SELECT set_config('citycheck.import_run', $1, true)`, [String(run.id)]);
      await c.query(`
        INSERT INTO app.waterlogging_point (name, status, geom, dataset_id, source_id, check_year, import_run_id)
        VALUES ('示例·导入点', 'untreated', ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326), 'wl-history', 'H-2', 2025, $1)`, [run.id]);
      const { rows } = await c.query(`SELECT to_status, import_run_id FROM app.waterlogging_status_change WHERE dataset_id = 'wl-history'`);
      expect(rows).toEqual([{ to_status: 'untreated', import_run_id: run.id }]);
    });
  });

  it('is append-only: an update or delete of the history is refused', async () => {
    await inTransaction(async (c) => {
      await c.query(`
        INSERT INTO app.waterlogging_point (name, status, geom, dataset_id, source_id, check_year)
        VALUES ('示例·测试点', 'untreated', ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326), 'wl-history', 'H-3', 2025)`);
      await c.query('SAVEPOINT s');
      await expect(c.query(`UPDATE app.waterlogging_status_change SET to_status = 'closed' WHERE dataset_id = 'wl-history'`)).rejects.toMatchObject({ code: '55000' });
      await c.query('ROLLBACK TO SAVEPOINT s');
      await expect(c.query(`DELETE FROM app.waterlogging_status_change WHERE dataset_id = 'wl-history'`)).rejects.toMatchObject({ code: '55000' });
      await c.query('ROLLBACK TO SAVEPOINT s');
    });
  });
});
