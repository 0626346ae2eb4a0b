import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportRejectedError } from '../../geodata/import-run.ts';
import { importLedger } from '../../geodata/ledger/import-ledger.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
afterAll(() => pool.end());
const FIX = path.resolve('test/fixtures/ledger');
const DS = { id: 'test-ledger-reject', name: 'ledger rejection tests' };

async function rejection(p: Promise<unknown>): Promise<ImportRejectedError> {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(ImportRejectedError);
  return err as ImportRejectedError;
}

async function tableCounts(): Promise<Record<string, number>> {
  const { rows } = await pool.query(`SELECT (SELECT count(*) FROM app.estate)::int AS estate, (SELECT count(*) FROM app.heritage_district)::int AS district`);
  return rows[0];
}

describe('importLedger rejections', () => {
  it('rejects a file with bad rows whole, with the exact row-level report, and writes nothing', async () => {
    const before = await tableCounts();
    const err = await rejection(importLedger(pool, { layer: 'estate', file: path.join(FIX, 'estates-bad.csv'), crs: 'wgs84', dataset: DS, checkYear: 2026 }));
    expect(await tableCounts()).toEqual(before);
    const report = err.issues.map((i) => [i.row, i.field, i.message]);
    expect(report).toEqual([
      [2, '建成年代', '"19x8" is not a year (应为四位年份, e.g. 1998 / 1998年)'],
      [3, '小区名称', '名称 name is required (必填)'],
      [3, '有无电梯', '"也许" is not yes/no (应为 有/无 或 是/否)'],
      [4, '户数', '户数 households: -5 is below 0'],
      [4, '改造类型', '改造类型 renovation_class: unknown value "翻新" (应为 基础/基础类/完善/完善类/提升/提升类, 以逗号或顿号分隔)'],
      [5, 'geometry', 'longitude/latitude look swapped (经纬度可能填反): 32.044, 118.784'],
    ]);
    expect(err.message).toBe('4 of 5 rows have errors; nothing was imported (存在错误行，整个文件未导入)');
    const run = await pool.query(`SELECT status, rows_in, rows_loaded, rows_rejected FROM app.import_run WHERE id = $1`, [err.runId]);
    expect(run.rows[0]).toEqual({ status: 'rejected', rows_in: 5, rows_loaded: 0, rows_rejected: 4 });
    const stored = await pool.query(`SELECT row_number, field, severity FROM app.import_error WHERE run_id = $1 ORDER BY id`, [err.runId]);
    expect(stored.rows.map((r) => [r.row_number, r.field])).toEqual(report.map((r) => [r[0], r[1]]));
  });

  it('names the missing columns in Chinese and English', async () => {
    const err = await rejection(importLedger(pool, { layer: 'estate', file: path.join(FIX, 'estates-missing-columns.csv'), crs: 'wgs84', dataset: DS, checkYear: 2026 }));
    expect(err.message).toMatch(/^Missing required columns \(缺少必需列\): 名称 name \(accepted headers 可用列名: 名称 \/ name \/ 小区名称/);
    expect(err.message).toMatch(/geometry 坐标: 经度\/纬度 \(lon\/lat/);
    expect(err.message).toMatch(/Found columns \(文件中的列\): 编号, 建成年代, 户数$/);
    const run = await pool.query(`SELECT status, message FROM app.import_run WHERE id = $1`, [err.runId]);
    expect(run.rows[0].status).toBe('rejected');
  });

  it('says an empty file or a header-only file is empty', async () => {
    const empty = await rejection(importLedger(pool, { layer: 'estate', file: path.join(FIX, 'empty.csv'), crs: 'wgs84', dataset: DS, checkYear: 2026 }));
    expect(empty.message).toBe('The file is empty (文件为空): no header and no data rows');
    const headerOnly = await rejection(importLedger(pool, { layer: 'estate', file: path.join(FIX, 'header-only.csv'), crs: 'wgs84', dataset: DS, checkYear: 2026 }));
    expect(headerOnly.message).toBe('The file has a header but no data rows (只有表头，没有数据行): 编号, 小区名称, 经度, 纬度');
    const stored = await pool.query(`SELECT row_number, message FROM app.import_error WHERE run_id = $1`, [empty.runId]);
    expect(stored.rows).toEqual([{ row_number: null, message: empty.message }]);
  });

  it('repairs a slightly self-intersecting polygon with a warning, keeping a valid geometry of the drawn area', async () => {
    const r = await importLedger(pool, { layer: 'heritage_district', file: path.join(FIX, 'heritage-selfintersect.geojson'), crs: 'wgs84', dataset: DS, checkYear: 2026 });
    expect(r.rowsLoaded).toBe(1);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ row: 1, field: 'geometry', severity: 'warning' });
    expect(r.issues[0].message).toMatch(/^invalid geometry repaired with ST_MakeValid \(几何已自动修复\): Self-intersection/);
    const { rows } = await pool.query(`SELECT ST_IsValid(geom) AS valid, ST_Area(geom::geography) AS a, props->'geometry_repaired' AS rep
      FROM app.heritage_district WHERE dataset_id = $1 AND source_id = 'H-5001'`, [DS.id]);
    // The square is 0.003° × 0.003° ≈ 283.0 m × 332.8 m ≈ 94,200 m². Its closing edge runs from the NW corner to
    // 0.00015° E / 0.00015° S of the SW corner, crossing the south side 0.000143° (13.5 m) east of it: a sliver of
    // ½ × 13.5 m × 332.8 m ≈ 2,250 m² is cut off and a twisted triangle of ≈ 110 m² hangs below: ≈ 92,060 m².
    expect(rows[0].valid).toBe(true);
    expect(rows[0].rep).toBe(true);
    expect(rows[0].a).toBeGreaterThan(91_700);
    expect(rows[0].a).toBeLessThan(92_400);
    const stored = await pool.query(`SELECT severity FROM app.import_error WHERE run_id = $1`, [r.runId]);
    expect(stored.rows).toEqual([{ severity: 'warning' }]);
  });

  it('rejects a bow-tie polygon rather than inventing a shape, and rolls back the staging', async () => {
    const before = await tableCounts();
    const err = await rejection(importLedger(pool, { layer: 'heritage_district', file: path.join(FIX, 'heritage-bowtie.geojson'), crs: 'wgs84', dataset: DS, checkYear: 2026 }));
    expect(await tableCounts()).toEqual(before);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ row: 1, field: 'geometry', severity: 'error' });
    expect(err.issues[0].message).toMatch(/^invalid geometry that cannot be repaired safely \(几何无效且无法可靠修复\): Self-intersection.*drawn area 0 m², repaired area \d+ m²/);
  });

  it('rejects an unknown layer and an unknown CRS before touching the database', async () => {
    await expect(importLedger(pool, { layer: 'parcels', file: 'x.csv', crs: 'wgs84', dataset: DS, checkYear: 2026 })).rejects.toThrow(/Unknown ledger layer "parcels"/);
    await expect(importLedger(pool, { layer: 'estate', file: 'x.csv', crs: 'utm50', dataset: DS, checkYear: 2026 })).rejects.toThrow(/Unknown coordinate system "utm50"/);
  });
});
