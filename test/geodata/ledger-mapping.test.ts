import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportRejectedError } from '../../geodata/import-run.ts';
import { importLedger } from '../../geodata/ledger/import-ledger.ts';
import { LedgerMappingError, mergeMappings, parseMapFlag, parseValueFlag, readMappingFile, resolveMapping } from '../../geodata/ledger/ledger-mapping.ts';
import { layerSpec } from '../../geodata/ledger/layers.ts';
import { mapHeaders } from '../../geodata/ledger/map-row.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const FIX = path.resolve('test/fixtures/ledger');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-mapping-'));
afterAll(async () => { await pool.end(); fs.rmSync(tmp, { recursive: true, force: true }); });

const roles = (headers: string[], layer: string, mapping = mergeMappings()) => {
  const m = mapHeaders(headers, layerSpec(layer), resolveMapping(mapping, layerSpec(layer)));
  return Object.fromEntries(m.columns.map((c) => [c.header, c.field?.field ?? c.role]));
};

describe('ledger header mapping', () => {
  it('matches the prefixes real waterlogging ledgers put before 点/点位/名称 and risk grades', () => {
    expect(roles(['序号', '潜在易涝点位名称', '内涝风险等级', '易涝点编号', '东经', '北纬'], 'waterlogging_point')).toEqual({
      序号: 'row_counter', 潜在易涝点位名称: 'name', 内涝风险等级: 'severity', 易涝点编号: 'id', 东经: 'lon', 北纬: 'lat',
    });
    expect(roles(['积水点', '风险等级'], 'waterlogging_point')).toEqual({ 积水点: 'name', 风险等级: 'severity' });
  });

  it('lets the planner map a column over the synonyms and names what stays unmapped', () => {
    const m = mapHeaders(['编号', '名称', '道路名称', '负责人', '经度', '纬度'], layerSpec('waterlogging_point'),
      resolveMapping(mergeMappings(parseMapFlag('道路名称=name'), parseMapFlag('名称=props'), parseMapFlag('负责人=ignore')), layerSpec('waterlogging_point')));
    expect(m.fields.get('name')?.header).toBe('道路名称');
    expect(m.extra).toEqual(['名称']);
    expect(m.unmapped).toEqual([]);
    expect(m.ignored).toEqual(['负责人']);
  });

  it('accepts a field by its Chinese header as a target and rejects unknown fields and codes, naming each', () => {
    expect(roles(['风险'], 'waterlogging_point', parseMapFlag('风险=严重程度'))).toEqual({ 风险: 'severity' });
    let err: unknown;
    try {
      resolveMapping(mergeMappings(parseMapFlag('A=colour'), parseValueFlag('severity:高风险=catastrophic'), parseValueFlag('max_depth_cm:深=50')), layerSpec('waterlogging_point'));
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(LedgerMappingError);
    const problems = (err as LedgerMappingError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/"高风险" → "catastrophic" is not a code \(codes: low, medium, high, severe\)/);
    expect(problems[1]).toMatch(/积水深度 max_depth_cm is not an enumeration/);
    expect(problems[2]).toMatch(/"A" → "colour": no such field of waterlogging_point/);
  });

  it('refuses a mapping file made for another layer and malformed flags', async () => {
    await expect(readMappingFile(path.join(FIX, 'severity-vocabulary.json'), 'estate')).rejects.toThrow(/for layer "waterlogging_point", not "estate"/);
    expect(() => parseMapFlag('no-equals-sign')).toThrow(/--map expects/);
    expect(() => parseValueFlag('severity=high')).toThrow(/--value expects/);
  });
});

const DS = 'test-ledger-mapping';
const countOf = async (table: 'estate' | 'waterlogging_point', ds = DS) =>
  (await pool.query(`SELECT count(*)::int AS n FROM app.${table} WHERE dataset_id = $1`, [ds])).rows[0].n as number;

describe('importLedger with a mapping', () => {
  it('imports a ledger with unknown headers through a mapping file, with its vocabulary, an ignored column and one kept in props', async () => {
    const mapping = await readMappingFile(path.join(FIX, 'estates-odd-headers.mapping.json'), 'estate');
    const r = await importLedger(pool, { layer: 'estate', file: path.join(FIX, 'estates-odd-headers.csv'), crs: 'wgs84', dataset: DS, checkYear: 2026, mapping });
    expect(r.rowsLoaded).toBe(2);
    expect(r.issues).toEqual([]);
    const { rows } = await pool.query(`SELECT source_id, name, build_year, households, property_management, props - 'input_point' - 'geometry_approx' - 'footprint_source' - 'footprint_radius_m' AS p
      FROM app.estate WHERE dataset_id = $1 ORDER BY source_id`, [DS]);
    expect(rows).toEqual([
      { source_id: 'E-9001', name: '测试院甲', build_year: 1985, households: 320, property_management: 'self', p: { 管理单位: '测试街道办' } },
      { source_id: 'E-9002', name: '测试院乙', build_year: 1991, households: 210, property_management: 'professional', p: { 管理单位: '测试街道办' } },
    ]);
    const run = await pool.query(`SELECT params->'mapping'->'columns'->>'台账号' AS id FROM app.import_run WHERE id = $1`, [r.runId]);
    expect(run.rows[0].id).toBe('id');
  });

  it('rejects the same ledger without the mapping, naming the columns it could not match', async () => {
    const err = await importLedger(pool, { layer: 'estate', file: path.join(FIX, 'estates-odd-headers.csv'), crs: 'wgs84', dataset: DS, checkYear: 2025 }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportRejectedError);
    expect(err.message).toMatch(/^Missing required columns \(缺少必需列\): 名称 name/);
    expect(err.message).toMatch(/Found columns \(文件中的列\): 台账号, 院落名称, 始建年份/);
  });

  it('updates a row in place when a file with an id column is edited and imported again', async () => {
    const file = path.join(tmp, 'estates-edited.csv');
    const mapping = await readMappingFile(path.join(FIX, 'estates-odd-headers.mapping.json'), 'estate');
    fs.writeFileSync(file, fs.readFileSync(path.join(FIX, 'estates-odd-headers.csv'), 'utf8').replace('测试院乙,1991,210', '测试院乙,1991,260'));
    const before = await countOf('estate');
    await importLedger(pool, { layer: 'estate', file, crs: 'wgs84', dataset: DS, checkYear: 2026, mapping });
    expect(await countOf('estate')).toBe(before);
    const { rows } = await pool.query(`SELECT households FROM app.estate WHERE dataset_id = $1 AND source_id = 'E-9002'`, [DS]);
    expect(rows).toEqual([{ households: 260 }]);
  });
});

describe('a district waterlogging ledger (易涝点名称, 风险等级 高风险/中风险/低风险, 序号) and a candidate list without names', () => {
  const WL = 'test-ledger-waterlogging';

  it('imports the ledger: risk grades mapped, 序号 kept as a row counter, unmapped columns reported by name', async () => {
    const r = await importLedger(pool, { layer: 'waterlogging_point', file: path.join(FIX, 'waterlogging-risk.csv'), crs: 'wgs84', dataset: WL, checkYear: 2026 });
    expect(r.rowsLoaded).toBe(3);
    expect(r.issues.map((i) => [i.field, i.severity])).toEqual([['columns', 'warning'], ['序号', 'warning'], ['id', 'warning']]);
    expect(r.issues[0].message).toMatch(/kept in props \(未匹配的列，保存在 props 中\): 所在街道, 备注 —/);
    const { rows } = await pool.query(`SELECT name, severity, max_depth_cm, props FROM app.waterlogging_point WHERE dataset_id = $1 AND check_year = 2026 ORDER BY props->>'序号'`, [WL]);
    expect(rows).toEqual([
      { name: '测试路与示例街交叉口', severity: 'high', max_depth_cm: 40, props: { 序号: '1', 所在街道: '测试街道', 备注: '汛期重点' } },
      { name: '测试下穿通道', severity: 'medium', max_depth_cm: 35, props: { 序号: '2', 所在街道: '测试街道' } },
      { name: '测试小区北门', severity: 'low', max_depth_cm: 15, props: { 序号: '3', 所在街道: '示例街道' } },
    ]);
  });

  it('updates in place when one cell is edited and the rows are renumbered', async () => {
    const file = path.join(tmp, '易涝点-edited.csv');
    const lines = fs.readFileSync(path.join(FIX, 'waterlogging-risk.csv'), 'utf8').trim().split('\n');
    // Row 2's grade raised, and the rows re-sorted so every 序号 now names another point.
    const edited = [lines[0], lines[2].replace('中风险', '高风险').replace(/^2,/, '1,'), lines[1].replace(/^1,/, '2,'), lines[3]];
    fs.writeFileSync(file, edited.join('\n') + '\n');
    const before = await countOf('waterlogging_point', WL);
    await importLedger(pool, { layer: 'waterlogging_point', file, crs: 'wgs84', dataset: WL, checkYear: 2026 });
    expect(await countOf('waterlogging_point', WL)).toBe(before);
    const { rows } = await pool.query(`SELECT name, severity, props->>'序号' AS seq FROM app.waterlogging_point WHERE dataset_id = $1 AND check_year = 2026 ORDER BY max_depth_cm DESC`, [WL]);
    expect(rows).toEqual([
      { name: '测试路与示例街交叉口', severity: 'high', seq: '2' },
      { name: '测试下穿通道', severity: 'high', seq: '1' },
      { name: '测试小区北门', severity: 'low', seq: '3' },
    ]);
  });

  it('maps values through a vocabulary file (this district: 高风险 → severe)', async () => {
    const mapping = await readMappingFile(path.join(FIX, 'severity-vocabulary.json'), 'waterlogging_point');
    await importLedger(pool, { layer: 'waterlogging_point', file: path.join(FIX, 'waterlogging-risk.csv'), crs: 'wgs84', dataset: WL, checkYear: 2027, mapping });
    const { rows } = await pool.query(`SELECT name, severity FROM app.waterlogging_point WHERE dataset_id = $1 AND check_year = 2027 ORDER BY props->>'序号'`, [WL]);
    expect(rows.map((x) => x.severity)).toEqual(['severe', 'high', 'medium']);
  });

  it('imports the candidate list without a name column: stable generated names, each with a warning', async () => {
    const file = path.join(FIX, 'waterlogging-candidates.csv');
    const first = await importLedger(pool, { layer: 'waterlogging_point', file, crs: 'wgs84', dataset: WL, checkYear: 2028 });
    expect(first.rowsLoaded).toBe(2);
    expect(first.issues.filter((i) => i.row !== undefined)).toEqual([
      { row: 1, field: 'name', severity: 'warning', message: 'no name: generated "积水点 (118.78440, 32.04440)" (无名称，已生成名称)' },
      { row: 2, field: 'name', severity: 'warning', message: 'no name: generated "积水点 (118.78550, 32.04550)" (无名称，已生成名称)' },
    ]);
    await importLedger(pool, { layer: 'waterlogging_point', file, crs: 'wgs84', dataset: WL, checkYear: 2028 });
    const { rows } = await pool.query(`SELECT name, severity, props->'name_generated' AS g, props->>'所在道路' AS road FROM app.waterlogging_point
      WHERE dataset_id = $1 AND check_year = 2028 ORDER BY name`, [WL]);
    expect(rows).toEqual([
      { name: '积水点 (118.78440, 32.04440)', severity: 'high', g: true, road: '测试大道' },
      { name: '积水点 (118.78550, 32.04550)', severity: 'medium', g: true, road: '示例路' },
    ]);
  });

  it('stores the column warnings with the run, and takes 序号 as the id only when the planner maps it so', async () => {
    const r = await importLedger(pool, { layer: 'waterlogging_point', file: path.join(FIX, 'waterlogging-risk.csv'), crs: 'wgs84', dataset: WL, checkYear: 2030,
      mapping: mergeMappings(parseMapFlag('序号=id'), parseMapFlag('备注=props')) });
    const stored = await pool.query(`SELECT field, severity, message FROM app.import_error WHERE run_id = $1 ORDER BY id`, [r.runId]);
    expect(stored.rows.map((x) => [x.field, x.severity])).toEqual([['columns', 'warning']]);
    expect(stored.rows[0].message).toMatch(/: 所在街道 —/);
    const { rows } = await pool.query(`SELECT source_id FROM app.waterlogging_point WHERE dataset_id = $1 AND check_year = 2030 ORDER BY source_id`, [WL]);
    expect(rows.map((x) => x.source_id)).toEqual(['1', '2', '3']);
  });

  it('names generated for a nameless row in a file with an id column come from the id', async () => {
    const file = path.join(tmp, 'with-id.csv');
    fs.writeFileSync(file, '点位编号,易涝点名称,经度,纬度\nW-9101,,118.7801,32.0301\nW-9102,测试有名点,118.7802,32.0302\n');
    const r = await importLedger(pool, { layer: 'waterlogging_point', file, crs: 'wgs84', dataset: WL, checkYear: 2029 });
    expect(r.issues).toEqual([{ row: 1, field: '易涝点名称', severity: 'warning', message: 'no name: generated "积水点 W-9101" (无名称，已生成名称)' }]);
    const { rows } = await pool.query(`SELECT source_id, name FROM app.waterlogging_point WHERE dataset_id = $1 AND check_year = 2029 ORDER BY source_id`, [WL]);
    expect(rows).toEqual([{ source_id: 'W-9101', name: '积水点 W-9101' }, { source_id: 'W-9102', name: '测试有名点' }]);
  });
});
