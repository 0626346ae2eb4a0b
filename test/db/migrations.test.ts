import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/db/migrate.ts';
import { testDatabaseUrl, testPool } from '../helpers/db.ts';

const pool = testPool();
afterAll(() => pool.end());

describe('migrations', () => {
  it('installs PostGIS with MVT support and pgRouting', async () => {
    const { rows } = await pool.query(`SELECT postgis_full_version() AS v, pgr_version() AS r`);
    expect(rows[0].v).toMatch(/POSTGIS="3/);
    expect(rows[0].v).toMatch(/PROTOBUF/);
    expect(rows[0].r).toMatch(/^3\./);
  });

  it('is idempotent: a second run applies nothing and fails nothing', async () => {
    await migrate(testDatabaseUrl());
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM public.citycheck_schema WHERE kind = 'migration'`);
    expect(rows[0].n).toBeGreaterThanOrEqual(5);
  });

  it('gives every layer table provenance columns and a spatial index in EPSG:4326', async () => {
    const { rows } = await pool.query(`
      SELECT f_table_name AS t, srid FROM geometry_columns
      WHERE f_table_schema = 'app' AND f_geometry_column = 'geom' AND f_table_name NOT LIKE '%_v' ORDER BY 1`);
    const layers = rows.map((r) => r.t);
    expect(layers).toEqual(expect.arrayContaining(['admin_unit', 'estate', 'building', 'green_space', 'waterlogging_point',
      'heritage_district', 'heritage_zone', 'heritage_site', 'facility', 'walk_edge', 'walk_vertex']));
    for (const r of rows) expect(r.srid).toBe(4326);
    const idx = await pool.query(`SELECT tablename FROM pg_indexes WHERE schemaname = 'app' AND indexdef LIKE '%gist (geom)%'`);
    for (const t of layers) expect(idx.rows.map((r) => r.tablename)).toContain(t);
  });

  it('derives the old-estate flag from the configurable cut-off year', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO app.dataset (id, name) VALUES ('t-old', 'test')`);
      await client.query(`INSERT INTO app.estate (name, build_year, geom, dataset_id, source_id, check_year) VALUES
        ('甲', 1998, ST_Multi(ST_MakeEnvelope(118.77, 32.04, 118.771, 32.041, 4326)), 't-old', 'a', 2026),
        ('乙', 2003, ST_Multi(ST_MakeEnvelope(118.78, 32.04, 118.781, 32.041, 4326)), 't-old', 'b', 2026)`);
      const q = () => client.query(`SELECT name, is_old FROM app.estate_v WHERE dataset_id = 't-old' ORDER BY name`);
      expect((await q()).rows).toEqual([{ name: '乙', is_old: false }, { name: '甲', is_old: true }]);
      await client.query(`UPDATE app.setting SET value = '2005' WHERE key = 'old_estate_cutoff_year'`);
      expect((await q()).rows).toEqual([{ name: '乙', is_old: true }, { name: '甲', is_old: true }]);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('refuses invalid geometry and audits edits', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO app.dataset (id, name) VALUES ('t-audit', 'test')`);
      const bowtie = `ST_Multi(ST_GeomFromText('POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))', 4326))`;
      await client.query('SAVEPOINT s');
      await expect(client.query(`INSERT INTO app.green_space (kind, geom, dataset_id, source_id, check_year)
        VALUES ('park', ${bowtie}, 't-audit', 'x', 2026)`)).rejects.toThrow(/geom_valid/);
      await client.query('ROLLBACK TO SAVEPOINT s');
      const { rows } = await client.query(`INSERT INTO app.green_space (name, kind, geom, dataset_id, source_id, check_year)
        VALUES ('测试公园', 'park', ST_Multi(ST_MakeEnvelope(118.77, 32.04, 118.771, 32.041, 4326)), 't-audit', 'y', 2026) RETURNING id, area_m2`);
      // 0.001° × 0.001° at 32° N ≈ 94.4 m × 110.9 m
      expect(rows[0].area_m2).toBeGreaterThan(10_300);
      expect(rows[0].area_m2).toBeLessThan(10_600);
      const audit = await client.query(`SELECT action FROM app.audit_log WHERE table_name = 'green_space' AND row_id = $1`, [rows[0].id]);
      expect(audit.rows).toEqual([{ action: 'INSERT' }]);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
