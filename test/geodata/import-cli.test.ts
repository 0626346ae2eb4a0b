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

  it('reports an unknown dataset name', async () => {
    const r = await run(['dataset', 'atlantis']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/atlantis/);
  });
});
