import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { importLedger } from '../../geodata/ledger/import-ledger.ts';
import { runLedgerCli } from '../../geodata/ledger/ledger-cli.ts';
import { testDatabaseUrl, testPool } from '../helpers/db.ts';

const pool = testPool();
const FIX = path.resolve('test/fixtures/ledger');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-cli-'));
afterAll(async () => { await pool.end(); fs.rmSync(tmp, { recursive: true, force: true }); });

function capture(): { out: () => string; restore: () => void } {
  const lines: string[] = [];
  const a = vi.spyOn(console, 'log').mockImplementation((...x) => { lines.push(x.join(' ')); });
  const b = vi.spyOn(console, 'error').mockImplementation((...x) => { lines.push(x.join(' ')); });
  return { out: () => lines.join('\n'), restore: () => { a.mockRestore(); b.mockRestore(); } };
}

describe('ledger-cli', () => {
  it('imports a file, prints a summary and exits 0', async () => {
    const c = capture();
    const code = await runLedgerCli(['waterlogging_point', path.join(FIX, 'waterlogging-wgs84.geojson'), '--dataset', 'test-cli', '--year', '2025'], { databaseUrl: testDatabaseUrl(), geodataDir: tmp });
    c.restore();
    expect(code).toBe(0);
    expect(c.out()).toMatch(/ledger waterlogging_point: 2 rows in, 2 loaded, 0 rejected, \d+\.\d s \(run \d+\)/);
  });

  it('prints the row report and exits 1 on a rejected file', async () => {
    const c = capture();
    const code = await runLedgerCli(['estate', path.join(FIX, 'estates-bad.csv'), '--crs', 'wgs84', '--dataset', 'test-cli'], { databaseUrl: testDatabaseUrl(), geodataDir: tmp });
    c.restore();
    expect(code).toBe(1);
    expect(c.out()).toContain('REJECTED (导入被拒绝): 4 of 5 rows have errors');
    expect(c.out()).toMatch(/error {3}row 2 {4}建成年代 {2}"19x8" is not a year/);
    expect(c.out()).toContain('nothing was written');
  });

  it('exits 1 with usage on bad arguments', async () => {
    const c = capture();
    expect(await runLedgerCli(['estate'], { databaseUrl: testDatabaseUrl(), geodataDir: tmp })).toBe(1);
    expect(await runLedgerCli(['estate', 'x.csv', '--colour', 'red'], { databaseUrl: testDatabaseUrl(), geodataDir: tmp })).toBe(1);
    c.restore();
    expect(c.out()).toContain('unknown option --colour');
  });
});

describe('importLedger inputs', () => {
  it('reads a GB18030 (GBK) encoded CSV', async () => {
    const file = path.join(tmp, 'gbk.csv');
    const utf8 = path.join(tmp, 'utf8.csv');
    fs.writeFileSync(utf8, '编号,积水点名称,状态,经度,纬度\nW-7001,测试编码积水点,未治理,118.78,32.04\n');
    fs.writeFileSync(file, execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030', utf8]));
    const r = await importLedger(pool, { layer: 'waterlogging_point', file, crs: 'wgs84', dataset: 'test-cli', checkYear: 2026 });
    expect(r.rowsLoaded).toBe(1);
    const { rows } = await pool.query(`SELECT name, status FROM app.waterlogging_point WHERE source_id = 'W-7001'`);
    expect(rows[0]).toEqual({ name: '测试编码积水点', status: 'untreated' });
  });

  it('takes a residential landuse polygon containing an estate point as its footprint', async () => {
    await pool.query(`INSERT INTO app.dataset (id, name) VALUES ('test-landuse', 'landuse') ON CONFLICT DO NOTHING`);
    await pool.query(`INSERT INTO app.base_landuse (kind, geom, dataset_id, source_id, check_year)
      VALUES ('residential', ST_Multi(ST_MakeEnvelope(118.7600, 32.0300, 118.7620, 32.0320, 4326)), 'test-landuse', 'l1', 2026)
      ON CONFLICT DO NOTHING`);
    const file = path.join(tmp, 'estate-point.csv');
    fs.writeFileSync(file, 'ID,name,build_year,lng,lat\nE-8001,Landuse Estate,1990,118.7610,32.0310\nE-8002,Circle Estate,1992,118.7700,32.0300\n');
    const r = await importLedger(pool, { layer: 'estate', file, crs: 'wgs84', dataset: 'test-cli', checkYear: 2026 });
    expect(r.rowsLoaded).toBe(2);
    const { rows } = await pool.query(`SELECT source_id, props->>'footprint_source' AS src, ST_Equals(geom, ST_Multi(ST_MakeEnvelope(118.7600, 32.0300, 118.7620, 32.0320, 4326))) AS same
      FROM app.estate WHERE dataset_id = 'test-cli' ORDER BY source_id`);
    expect(rows).toEqual([{ source_id: 'E-8001', src: 'residential_landuse', same: true }, { source_id: 'E-8002', src: 'circle', same: false }]);
  });
});
