import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gcj02ToBd09, wgs84ToGcj02 } from '../../geodata/crs/gcj02.ts';
import { importLedger } from '../../geodata/ledger/import-ledger.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const FIX = path.resolve('test/fixtures/ledger');
let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-')); });
afterAll(async () => { await pool.end(); fs.rmSync(tmp, { recursive: true, force: true }); });

const DS = { id: 'test-ledger', name: 'ledger tests' };

describe('importLedger', () => {
  it('loads a GCJ-02 CSV with Chinese headers, converting coordinates to WGS-84', async () => {
    const r = await importLedger(pool, { layer: 'estate', file: path.join(FIX, 'estates-gcj02.csv'), crs: 'gcj02', dataset: DS, checkYear: 2026 });
    expect(r).toMatchObject({ rowsIn: 3, rowsLoaded: 3, rowsRejected: 0 });
    const { rows } = await pool.query(`
      SELECT source_id, name, build_year, households, residents, building_count, has_elevator, property_management,
             renovation_class, renovation_status, props,
             ST_X(ST_GeomFromGeoJSON(props->>'input_point')) AS lon, ST_Y(ST_GeomFromGeoJSON(props->>'input_point')) AS lat,
             ST_Distance(ST_Centroid(geom)::geography, ST_Point(118.7787, 32.0438, 4326)::geography) AS centroid_err_m,
             ST_Area(geom::geography) AS area_m2
      FROM app.estate WHERE dataset_id = 'test-ledger' ORDER BY source_id`);
    const a = rows[0];
    expect(a).toMatchObject({ source_id: 'E-1001', name: '测试新村', build_year: 1988, households: 1200, residents: 3100, building_count: 24,
      has_elevator: false, property_management: 'self', renovation_class: ['basic', 'improvement'], renovation_status: 'planned' });
    // The file's GCJ-02 point (118.7839083, 32.0417513) is 新街口 at WGS-84 (118.7787, 32.0438): 0.0052083° / -0.0020487° apart.
    expect(a.lon).toBeCloseTo(118.7787, 6);
    expect(a.lat).toBeCloseTo(32.0438, 6);
    expect(a.centroid_err_m).toBeLessThan(0.5);
    // No residential landuse in the test database: a 60 m circle, marked approximate.
    expect(a.props).toMatchObject({ geometry_approx: true, footprint_source: 'circle', footprint_radius_m: 60, 备注: '示例' });
    expect(a.area_m2).toBeGreaterThan(Math.PI * 60 * 60 * 0.98);
    expect(a.area_m2).toBeLessThan(Math.PI * 60 * 60);
    expect(rows[1]).toMatchObject({ build_year: 2006, has_elevator: true, property_management: 'professional', renovation_class: [], renovation_status: 'not_listed' });
    expect(rows[2]).toMatchObject({ households: 1050, residents: null, renovation_class: ['basic', 'improvement', 'upgrade'], renovation_status: 'under_works', property_management: 'none' });
  });

  it('is idempotent: importing the same file again updates the same rows', async () => {
    const count = async () => (await pool.query(`SELECT count(*)::int AS n FROM app.estate WHERE dataset_id = 'test-ledger'`)).rows[0].n;
    const before = await count();
    const r = await importLedger(pool, { layer: 'estate', file: path.join(FIX, 'estates-gcj02.csv'), crs: 'gcj02', dataset: DS, checkYear: 2026 });
    expect(r.rowsLoaded).toBe(3);
    expect(await count()).toBe(before);
    const { rows } = await pool.query(`SELECT DISTINCT import_run_id FROM app.estate WHERE dataset_id = 'test-ledger'`);
    expect(rows).toEqual([{ import_run_id: String(r.runId) }]);
  });

  it('loads a GeoJSON with units parsed (0.3米 → 30 cm, 40分钟 → 0.67 h) and unknown columns kept in props', async () => {
    const r = await importLedger(pool, { layer: 'waterlogging_point', file: path.join(FIX, 'waterlogging-wgs84.geojson'), crs: 'wgs84', dataset: DS, checkYear: 2026 });
    expect(r.rowsLoaded).toBe(2);
    const { rows } = await pool.query(`SELECT source_id, name, location_type, max_depth_cm, duration_h, last_occurrence::text AS d, status, severity, props,
      ST_AsText(geom) AS wkt FROM app.waterlogging_point WHERE dataset_id = 'test-ledger' ORDER BY source_id`);
    expect(rows[0]).toMatchObject({ source_id: 'W-3001', location_type: 'underpass', max_depth_cm: 30, duration_h: 2.5, d: '2024-07-05',
      status: 'in_progress', severity: 'high', props: { 负责单位: '测试区水务局' }, wkt: 'POINT(118.7801 32.0402)' });
    expect(rows[1]).toMatchObject({ location_type: 'low_lying', max_depth_cm: 25, status: 'closed', severity: 'low' });
    expect(rows[1].duration_h).toBeCloseTo(0.6667, 3);
  });

  it('loads an XLSX sheet chosen by name, with facility types given by Chinese name and a BD-09 position', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('说明').addRow(['本表为测试数据']);
    const ws = wb.addWorksheet('设施');
    ws.addRow(['编号', '设施名称', '设施类型', '经度', '纬度', '规模']);
    const bd = (lon: number, lat: number) => gcj02ToBd09(...wgs84ToGcj02(lon, lat));
    ws.addRow(['F-4001', '测试幼儿园', '幼儿园', ...bd(118.7801, 32.0402), '180人']);
    ws.addRow(['F-4002', '测试卫生站', 'health_station', ...bd(118.7751, 32.0452), null]);
    const file = path.join(tmp, 'facilities.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await importLedger(pool, { layer: 'facility', file, crs: 'bd09', dataset: DS, checkYear: 2026, sheet: '设施' });
    expect(r.rowsLoaded).toBe(2);
    const { rows } = await pool.query(`SELECT type_code, capacity, ST_Distance(geom::geography, ST_Point(118.7801, 32.0402, 4326)::geography) AS err
      FROM app.facility WHERE dataset_id = 'test-ledger' ORDER BY source_id`);
    expect(rows.map((x) => x.type_code)).toEqual(['kindergarten', 'health_station']);
    expect(rows[0].capacity).toBe(180);
    expect(rows[0].err).toBeLessThan(0.5);
  });

  it('loads a GeoPackage made with ogr2ogr (points and polygons, Chinese attribute names)', async () => {
    const gpkg = path.join(tmp, 'sites.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, path.join(FIX, 'heritage-sites.geojson'), '-nln', 'sites']);
    const r = await importLedger(pool, { layer: 'heritage_site', file: gpkg, crs: 'cgcs2000', dataset: DS, checkYear: 2026 });
    expect(r.rowsLoaded).toBe(2);
    const { rows } = await pool.query(`SELECT source_id, name, kind, built_year, protection_level, GeometryType(geom) AS t
      FROM app.heritage_site WHERE dataset_id = 'test-ledger' ORDER BY source_id`);
    expect(rows).toEqual([
      { source_id: 'S-6001', name: '测试旧厂房', kind: 'industrial_heritage', built_year: 1936, protection_level: null, t: 'POINT' },
      { source_id: 'S-6002', name: '测试公馆', kind: 'historic_building', built_year: null, protection_level: '市级', t: 'POLYGON' },
    ]);
  });

  it('takes geometry from a WKT column and ids from a stable content hash when there is no id column', async () => {
    const file = path.join(tmp, 'districts.csv');
    fs.writeFileSync(file, '名称,级别,WKT\n测试街区丙,市级,"POLYGON((118.790 32.040,118.792 32.040,118.792 32.042,118.790 32.042,118.790 32.040))"\n');
    const first = await importLedger(pool, { layer: 'heritage_district', file, crs: 'wgs84', dataset: DS, checkYear: 2026 });
    await importLedger(pool, { layer: 'heritage_district', file, crs: 'wgs84', dataset: DS, checkYear: 2026 });
    expect(first.rowsLoaded).toBe(1);
    const { rows } = await pool.query(`SELECT source_id, protection_level, round(ST_Area(geom::geography)) AS a FROM app.heritage_district WHERE name = '测试街区丙'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].source_id).toMatch(/^h:[0-9a-f]{20}$/);
    expect(Number(rows[0].a)).toBeGreaterThan(40_000);
  });
});

