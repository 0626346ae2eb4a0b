import { afterAll, describe, expect, it } from 'vitest';
import { importSampleLedgers } from '../../geodata/samples/load-samples.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
afterAll(() => pool.end());

const LAYERS = ['admin_unit', 'heritage_district', 'heritage_zone', 'heritage_site', 'estate', 'waterlogging_point'];

async function counts(): Promise<Record<string, { n: number; sample: number }>> {
  const out: Record<string, { n: number; sample: number }> = {};
  for (const t of LAYERS) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE is_sample)::int AS sample FROM app.${t} WHERE dataset_id = 'nanjing-sample'`);
    out[t] = rows[0];
  }
  return out;
}

describe('importSampleLedgers', () => {
  it('imports every sample ledger with every row marked as sample, and again without duplicates', async () => {
    const first = await importSampleLedgers(pool, { checkYear: 2026 });
    expect(first.map((r) => r.rowsLoaded)).toEqual([15, 2, 4, 5, 20, 16]);
    const c1 = await counts();
    for (const t of LAYERS) expect(c1[t].sample).toBe(c1[t].n);
    await importSampleLedgers(pool, { checkYear: 2026 });
    expect(await counts()).toEqual(c1);
    const ds = await pool.query(`SELECT is_sample, name FROM app.dataset WHERE id = 'nanjing-sample'`);
    expect(ds.rows[0]).toEqual({ is_sample: true, name: '示例数据（南京核心区）' });
  });

  it('lands the GCJ-02 estates inside the data core with a realistic mix of build years, linked to communities', async () => {
    const { rows } = await pool.query(`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE build_year <= 2000)::int AS old,
             count(*) FILTER (WHERE ST_Within(ST_GeomFromGeoJSON(props->>'input_point'), ST_MakeEnvelope(118.762, 32.035, 118.797, 32.052, 4326)))::int AS inside,
             count(*) FILTER (WHERE admin_unit_id IS NOT NULL)::int AS linked,
             count(*) FILTER (WHERE (props->>'geometry_approx')::boolean)::int AS approx
      FROM app.estate WHERE dataset_id = 'nanjing-sample'`);
    expect(rows[0]).toEqual({ n: 20, old: 11, inside: 20, linked: 20, approx: 20 });
  });

  it('links communities to their 街道 and protection zones to their districts', async () => {
    const admin = await pool.query(`SELECT c.name AS c, p.name AS p FROM app.admin_unit c JOIN app.admin_unit p ON p.id = c.parent_id
      WHERE c.dataset_id = 'nanjing-sample' AND c.level = 'community' ORDER BY c.source_id`);
    expect(admin.rows).toHaveLength(8);
    expect(admin.rows[0]).toEqual({ c: '汉中路社区（示例）', p: '华侨路街道（示例）' });
    const zones = await pool.query(`SELECT z.zone_type, d.name FROM app.heritage_zone z JOIN app.heritage_district d ON d.id = z.district_id
      WHERE z.dataset_id = 'nanjing-sample' ORDER BY z.source_id`);
    expect(zones.rows.map((r) => r.zone_type)).toEqual(['core', 'control', 'core', 'control']);
    const wl = await pool.query(`SELECT array_agg(DISTINCT status ORDER BY status) AS s, array_agg(DISTINCT severity ORDER BY severity) AS v
      FROM app.waterlogging_point WHERE dataset_id = 'nanjing-sample'`);
    expect(wl.rows[0]).toEqual({ s: ['closed', 'in_progress', 'untreated'], v: ['high', 'low', 'medium', 'severe'] });
  });
});
