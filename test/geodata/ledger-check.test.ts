import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runLedgerCli } from '../../geodata/ledger/ledger-cli.ts';
import { testDatabaseUrl, testPool } from '../helpers/db.ts';

const pool = testPool();
const FIX = path.resolve('test/fixtures/ledger');
const ctx = () => ({ databaseUrl: testDatabaseUrl(), geodataDir: '/nonexistent' });
afterAll(() => pool.end());

/** Row count and an md5 over the sorted rows of every table in schema app (sequences included). */
async function appChecksums(): Promise<Record<string, string>> {
  const { rows: tables } = await pool.query<{ t: string; k: string }>(
    `SELECT c.relname AS t, c.relkind AS k FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'app' AND c.relkind IN ('r', 'S') ORDER BY 1`);
  const out: Record<string, string> = {};
  for (const { t, k } of tables) {
    const id = `app.${pg.escapeIdentifier(t)}`;
    const sql = k === 'S' ? `SELECT last_value::text || is_called::text AS s FROM ${id}`
      : `SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS s FROM ${id} x`;
    out[t] = (await pool.query(sql)).rows[0].s;
  }
  return out;
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const a = vi.spyOn(console, 'log').mockImplementation((...x) => { lines.push(x.join(' ')); });
  const b = vi.spyOn(console, 'error').mockImplementation((...x) => { lines.push(x.join(' ')); });
  try {
    return { code: await runLedgerCli(args, ctx()), out: lines.join('\n') };
  } finally {
    a.mockRestore();
    b.mockRestore();
  }
}

describe('ledger --check', () => {
  it('prints the mapping, the row key and the first rows as they would land, and writes nothing', async () => {
    const before = await appChecksums();
    const r = await cli(['waterlogging_point', path.join(FIX, 'waterlogging-risk.csv'), '--dataset', 'test-check-new', '--year', '2026', '--check']);
    expect(await appChecksums()).toEqual(before);
    expect(r.code).toBe(0);
    const out = r.out.split('\n');
    expect(out).toContain('mapping (列映射):');
    expect(r.out).toMatch(/^ {2}序号 +→ props — row counter, not the id \(序号为行号\)$/m);
    expect(r.out).toMatch(/^ {2}易涝点名称 +→ name {2}名称 name {3}\[synonym\]$/m);
    expect(r.out).toMatch(/^ {2}所在街道 +→ props — NOT MAPPED \(未匹配\)$/m);
    expect(out).toContain('row key (行标识): name + location (no id column 无编号列)');
    expect(out.filter((l) => /^ {2}row \d/.test(l))).toHaveLength(3);
    expect(r.out).toMatch(/row 1 +key h:[0-9a-f]{20} +name="测试路与示例街交叉口" location_type="other" max_depth_cm=40 status="untreated" severity="high"/);
    expect(r.out).toContain('POINT(118.7811 32.0411)');
    expect(out.at(-1)).toBe('would load 3 rows; nothing was written (未写入任何数据)');
  });

  it('shows a planner mapping and vocabulary at work', async () => {
    const r = await cli(['waterlogging_point', path.join(FIX, 'waterlogging-risk.csv'), '--check', '--map', '所在街道=ignore', '--value', 'severity:高风险=severe']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}所在街道 +→ ignored \(not stored 不导入\) {3}\[from the mapping\]$/m);
    expect(r.out).toMatch(/row 1 .* severity="severe"/);
    expect(r.out).not.toMatch(/测试街道/);
  });

  it('prints the row errors of a file that would be rejected, exits 1 and writes nothing (no import run, no report)', async () => {
    const before = await appChecksums();
    const r = await cli(['estate', path.join(FIX, 'estates-bad.csv'), '--check']);
    expect(await appChecksums()).toEqual(before);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error {3}row 2 {4}建成年代 {2}"19x8" is not a year/);
    expect(r.out).toMatch(/error {3}row 5 {4}geometry {2}longitude\/latitude look swapped/);
    expect(r.out.split('\n').at(-1)).toBe('would be rejected: 4 rows with errors; nothing was written (未写入任何数据)');
  });

  it('names missing columns for a ledger whose headers it cannot match, with the mapping it did find', async () => {
    const r = await cli(['estate', path.join(FIX, 'estates-odd-headers.csv'), '--check']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^ {2}院落名称 +→ props — NOT MAPPED \(未匹配\)$/m);
    expect(r.out).toMatch(/REJECTED \(导入会被拒绝\): Missing required columns \(缺少必需列\): 名称 name/);
  });

  it('answers a mapping that does not fit the layer before reading anything', async () => {
    const r = await cli(['estate', path.join(FIX, 'estates-odd-headers.csv'), '--check', '--mapping', path.join(FIX, 'severity-vocabulary.json')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/the file is for layer "waterlogging_point", not "estate"/);
  });
});
