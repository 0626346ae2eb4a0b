import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDataset } from '../../geodata/datasets.ts';
import { ImportRejectedError } from '../../geodata/import-run.ts';
import { importOsm, OsmPromoteError, type OsmImportResult } from '../../geodata/osm/import-osm.ts';
import { OSM_TABLES } from '../../geodata/osm/upsert-layer.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const GEODATA = path.resolve(import.meta.dirname, '../../../shared/geodata');
const PBF = path.join(GEODATA, getDataset('nanjing-core').localPath);
const d = getDataset('nanjing-core');
const opts = { source: PBF, dataset: d, checkYear: 2026, adminLevels: d.adminLevels };
let first: OsmImportResult;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'citycheck-osm-test-'));
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await pool.end();
});

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of OSM_TABLES) out[t] = Number((await pool.query(`SELECT count(*) FROM app."${t}"`)).rows[0].count);
  return out;
}
const count = async (sql: string) => Number((await pool.query(sql, [d.id])).rows[0].n);

describe('importOsm (Nanjing core)', () => {
  beforeAll(async () => {
    first = await importOsm(pool, opts);
  });

  it('loads buildings, parks, schools, bus stops and footways close to the extract counts', async () => {
    // README: ~1,279 buildings (osmium, incl. nodes); osm2pgsql keeps polygons only.
    expect(await count(`SELECT count(*) n FROM app.building WHERE dataset_id = $1`)).toBeGreaterThanOrEqual(1270);
    expect(await count(`SELECT count(*) n FROM app.building WHERE dataset_id = $1`)).toBeLessThanOrEqual(1280);
    expect(await count(`SELECT count(*) n FROM app.green_space WHERE dataset_id = $1 AND kind = 'park'`)).toBe(6);
    expect(await count(`SELECT count(*) n FROM app.facility WHERE dataset_id = $1 AND type_code IN ('primary_school', 'middle_school')`)).toBe(18);
    expect(await count(`SELECT count(*) n FROM app.facility WHERE dataset_id = $1 AND type_code = 'bus_stop'`)).toBe(43);
    expect(await count(`SELECT count(*) n FROM app.facility WHERE dataset_id = $1 AND type_code = 'health_centre'`)).toBe(5);
    expect(await count(`SELECT count(DISTINCT osm_way_id) n FROM app.walk_edge WHERE dataset_id = $1 AND highway = 'footway'`)).toBe(118);
    expect(await count(`SELECT count(*) n FROM app.heritage_site WHERE dataset_id = $1`)).toBe(4);
    expect(await count(`SELECT count(*) n FROM app.estate WHERE dataset_id = $1`)).toBe(11);
  });

  it('keeps the 朝天宫 park with a geodesic area matching a UTM 50N planar area', async () => {
    const { rows } = await pool.query(`SELECT area_m2, ST_Area(ST_Transform(geom, 32650)) AS utm FROM app.green_space WHERE dataset_id = $1 AND name = '朝天宫'`, [d.id]);
    expect(rows).toHaveLength(1);
    // About 10.4 ha; geodesic and UTM areas agree within 0.1 % this close to the central meridian (117° E).
    expect(rows[0].area_m2).toBeGreaterThan(100_000);
    expect(rows[0].area_m2).toBeLessThan(108_000);
    expect(Math.abs(rows[0].area_m2 - rows[0].utm) / rows[0].utm).toBeLessThan(0.001);
  });

  it('builds a walking network whose largest component holds most vertices', () => {
    console.log(`Nanjing walk network: largest component share ${(first.walkLargestComponentShare * 100).toFixed(1)} %`);
    // The Overpass bbox cut leaves many stubs at the edge and unconnected courtyard paths.
    expect(first.walkLargestComponentShare).toBeGreaterThan(0.75);
  });

  it('leaves the districts cut by the extract out, naming each in the run report', async () => {
    // The extract holds 3 of 玄武区's 9 member ways (鼓楼区 3 of 8, 秦淮区 4 of 8). Closed against the
    // data frame, 玄武区 became a 573 km² polygon; the real district is about 75 km².
    const { rows } = await pool.query(`SELECT field, message FROM app.import_error WHERE run_id = $1 AND field IN ('r2138698', 'r2139790', 'r2140011') ORDER BY field`, [first.runId]);
    expect(rows.map((r) => r.field)).toEqual(['r2138698', 'r2139790', 'r2140011']);
    expect(rows[0].message).toMatch(/^boundary 玄武区 \(relation r2138698, admin_level 6\) left out: incomplete in this extract, cut by its edge: 3 of 9 member ways/);
    expect(await count(`SELECT count(*) n FROM app.admin_unit WHERE dataset_id = $1 AND (name = '玄武区' OR ST_Area(geom::geography) > 100e6)`)).toBe(0);
  });

  it('takes every landuse=residential polygon as an estate: none is over 50 ha here', async () => {
    expect(await count(`SELECT count(*) n FROM app.estate WHERE dataset_id = $1 AND ST_Area(geom::geography) > 500000`)).toBe(0);
    expect(await count(`SELECT count(*) n FROM app.base_landuse WHERE dataset_id = $1 AND kind = 'residential'`)).toBe(11);
  });

  it('draws no sea from an extract without coastline', async () => {
    expect(await count(`SELECT count(*) n FROM app.base_water WHERE dataset_id = $1 AND kind IN ('sea', 'coastline')`)).toBe(0);
  });

  it('is idempotent: a re-import gives the same counts and no duplicates', async () => {
    const before = await counts();
    const again = await importOsm(pool, opts);
    expect(await counts()).toEqual(before);
    expect(again.counts).toEqual(first.counts);
  });

  it('rejects a truncated PBF and leaves the database unchanged', async () => {
    const file = path.join(tmp, 'truncated.osm.pbf');
    const bytes = fs.readFileSync(PBF);
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const before = await counts();
    const err = await importOsm(pool, { ...opts, source: file }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportRejectedError);
    expect(err.message).toMatch(/not a readable OSM file/);
    expect(await counts()).toEqual(before);
    const run = await pool.query(`SELECT status FROM app.import_run WHERE id = $1`, [err.runId]);
    expect(run.rows[0].status).toBe('rejected');
  });

  it('rejects an empty file, a missing file and a non-OSM file with clear messages', async () => {
    const empty = path.join(tmp, 'empty.osm.pbf');
    fs.writeFileSync(empty, '');
    const text = path.join(tmp, 'notes.osm');
    fs.writeFileSync(text, 'name,lon,lat\nx,1,2\n');
    const before = await counts();
    await expect(importOsm(pool, { ...opts, source: empty })).rejects.toThrow(/empty/);
    await expect(importOsm(pool, { ...opts, source: path.join(tmp, 'missing.osm.pbf') })).rejects.toThrow(/file not found/);
    await expect(importOsm(pool, { ...opts, source: text })).rejects.toBeInstanceOf(ImportRejectedError);
    expect(await counts()).toEqual(before);
  });

  it('rolls back everything when the promote fails', async () => {
    const before = await counts();
    const err = await importOsm(pool, { ...opts, checkYear: 2027, beforeCommit: async () => { throw new Error('injected failure'); } }).catch((e) => e);
    expect(err).toBeInstanceOf(OsmPromoteError);
    expect(err.message).toMatch(/nothing was written: injected failure/);
    expect(await counts()).toEqual(before);
    const staging = await pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'staging' AND tablename LIKE $1`, [`osm_r${err.runId}_%`]);
    expect(staging.rows[0].n).toBe(0);
  });
});
