/**
 * `npm run import -- samples`: re-imports the default city's sample ledgers (示例数据) into a database
 * that already holds the city — how an existing installation gets sample rows added by an upgrade
 * (e.g. the sample 区). Refused, writing nothing, without the default city; idempotent otherwise.
 * Runs in a database of its own (`<test db>_samples`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { runImportCli } from '../../geodata/cli.ts';
import { ownDatabase } from '../helpers/db.ts';

let url: string;
let pool: pg.Pool;

beforeAll(async () => {
  url = await ownDatabase('_samples');
  pool = new pg.Pool({ connectionString: url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
});

async function run(args: string[]) {
  const lines: string[] = [];
  const code = await runImportCli(args, { databaseUrl: url, geodataDir: '/nonexistent' }, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

const sampleCounts = async () => (await pool.query<{ layer: string; n: number }>(`
  SELECT 'admin_unit:' || level AS layer, count(*)::int AS n FROM app.admin_unit WHERE dataset_id = 'nanjing-sample' GROUP BY level
  UNION ALL SELECT 'estate', count(*)::int FROM app.estate WHERE dataset_id = 'nanjing-sample'
  UNION ALL SELECT 'waterlogging_point', count(*)::int FROM app.waterlogging_point WHERE dataset_id = 'nanjing-sample'
  ORDER BY 1`)).rows;

describe('import samples', () => {
  it('is refused without the default city, naming the command to run first, and writes nothing', async () => {
    const r = await run(['samples']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('npm run import -- default');
    expect((await sampleCounts()).every((c) => c.n === 0)).toBe(true);
    expect((await pool.query(`SELECT count(*)::int AS n FROM app.dataset`)).rows[0].n).toBe(0);
  });

  it('imports the sample ledgers (three 区 among them) in the given year, and a second run changes no count', async () => {
    await pool.query(`INSERT INTO app.dataset (id, name) VALUES ('nanjing-core', '南京（测试）')`);
    const first = await run(['samples', '--year', '2025']);
    expect(first.code, first.out).toBe(0);
    const counts = await sampleCounts();
    expect(counts).toContainEqual({ layer: 'admin_unit:district', n: 3 });
    expect(counts).toContainEqual({ layer: 'admin_unit:subdistrict', n: 4 });
    expect(counts).toContainEqual({ layer: 'admin_unit:community', n: 8 });
    const { rows: [y] } = await pool.query(`SELECT array_agg(DISTINCT check_year) AS years, bool_and(is_sample) AS sample FROM app.admin_unit WHERE dataset_id = 'nanjing-sample'`);
    expect(y).toEqual({ years: [2025], sample: true });
    const second = await run(['samples', '--year', '2025']);
    expect(second.code, second.out).toBe(0);
    expect(await sampleCounts()).toEqual(counts);
  });

  it('rejects options the command does not take', async () => {
    const r = await run(['samples', '--dataset', 'x']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('unknown option --dataset (this command takes --year)');
  });
});
