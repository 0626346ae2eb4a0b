import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runImportCli } from '../../geodata/cli.ts';
import { testDatabaseUrl, testPool } from '../helpers/db.ts';

const pool = testPool();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'citycheck-cli-'));
afterAll(async () => {
  await pool.end();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function run(args: string[]) {
  const lines: string[] = [];
  const origError = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    const code = await runImportCli(args, { databaseUrl: testDatabaseUrl(), geodataDir: '/nonexistent' }, (l) => lines.push(l));
    return { code, out: lines.join('\n') };
  } finally {
    console.error = origError;
  }
}

const counts = async () =>
  (await pool.query(`SELECT (SELECT count(*) FROM app.building)::int AS b, (SELECT count(*) FROM app.estate)::int AS e`)).rows[0];

describe('import CLI', () => {
  it('answers an unknown command with its usage and exit code 2 or 1', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/usage/i);
  });

  it('rejects a bad --bbox with a message naming the option', async () => {
    const r = await run(['osm', 'x.osm', '--bbox', '1,2,3']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/--bbox/);
  });

  it('reports a missing OSM file clearly and changes nothing', async () => {
    const before = await counts();
    const r = await run(['osm', path.join(tmp, 'missing.osm.pbf')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/missing\.osm\.pbf/);
    expect(await counts()).toEqual(before);
  });

  it('forwards ledger imports and prints the row report of a rejected file', async () => {
    const csv = path.join(tmp, '小区.csv');
    fs.writeFileSync(csv, '小区名称,建成年代,经度,纬度\n示例甲,1990年,118.78,32.04\n示例乙,不详年,118.78,\n');
    const before = await counts();
    const r = await run(['ledger', 'estate', csv, '--crs', 'gcj02', '--dataset', 'cli-test']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/row 2 +建成年代 +"不详年" is not a year/);
    expect(r.out).toMatch(/nothing was written/);
    expect(await counts()).toEqual(before);
  });

  const nameOf = async (id: string) => (await pool.query(`SELECT name, city_id FROM app.dataset WHERE id = $1`, [id])).rows[0];

  it('sets the display name with --name on an OSM import, keeps it on a re-import without --name, and changes it with a new --name', async () => {
    const osm = path.resolve('test/fixtures/osm/walk-topology.osm.xml');
    expect((await run(['osm', osm, '--dataset', 'cli-name-city', '--year', '2026', '--name', ' 测试城（OSM） '])).code).toBe(0);
    expect(await nameOf('cli-name-city')).toEqual({ name: '测试城（OSM）', city_id: null });
    await pool.query(`UPDATE app.dataset SET name = '改过的名字' WHERE id = 'cli-name-city'`); // a rename, as the API does
    expect((await run(['osm', osm, '--dataset', 'cli-name-city', '--year', '2026'])).code).toBe(0);
    expect((await nameOf('cli-name-city')).name).toBe('改过的名字');
    expect((await run(['osm', osm, '--dataset', 'cli-name-city', '--year', '2026', '--name=Test City'])).code).toBe(0);
    expect((await nameOf('cli-name-city')).name).toBe('Test City');
  });

  it('refuses an empty or multi-line --name and options a command does not take, writing nothing', async () => {
    const before = await pool.query(`SELECT count(*)::int AS n FROM app.import_run`);
    for (const args of [['osm', 'x.osm', '--name', '  '], ['osm', 'x.osm', '--name', 'a\nb'], ['dataset', 'liechtenstein', '--bbox', '1,2,3,4'], ['default', '--name', 'x']]) {
      const r = await run(args);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/--name must be 1–120 characters on one line|unknown option --(bbox|name)/);
    }
    expect((await pool.query(`SELECT count(*)::int AS n FROM app.import_run`)).rows[0]).toEqual(before.rows[0]);
  });

  it('names a ledger dataset with --name and attaches it to its city with --city; a re-import keeps both', async () => {
    const csv = path.join(tmp, '积水点.csv');
    fs.writeFileSync(csv, '编号,积水点名称,经度,纬度\nW-9201,测试城积水点,9.51,47.13\n');
    expect((await run(['ledger', 'waterlogging_point', csv, '--dataset', 'cli-name-ledger', '--city', 'cli-name-city', '--name', '测试城积水点台账'])).code).toBe(0);
    expect(await nameOf('cli-name-ledger')).toEqual({ name: '测试城积水点台账', city_id: 'cli-name-city' });
    expect((await run(['ledger', 'waterlogging_point', csv, '--dataset', 'cli-name-ledger'])).code).toBe(0);
    expect(await nameOf('cli-name-ledger')).toEqual({ name: '测试城积水点台账', city_id: 'cli-name-city' });
    const bad = await run(['ledger', 'waterlogging_point', csv, '--dataset', 'cli-name-ledger', '--city', 'atlantis']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/unknown city "atlantis" \(城市不存在\); cities: .*cli-name-city/);
  });

  it('reports an unknown dataset name', async () => {
    const r = await run(['dataset', 'atlantis']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/atlantis/);
  });
});
