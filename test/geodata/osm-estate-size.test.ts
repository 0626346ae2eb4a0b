import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ESTATE_MAX_AREA_M2, ESTATE_MAX_AREA_SETTING } from '../../geodata/osm/estate-plausibility.ts';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/osm/residential-size.osm.xml');
afterAll(() => pool.end());

const names = async (sql: string, id: string) => (await pool.query(sql, [id])).rows.map((r) => r.name);
const estates = (id: string) => names(`SELECT name FROM app.estate WHERE dataset_id = $1 ORDER BY name`, id);
const residentialLand = (id: string) => names(`SELECT name FROM app.base_landuse WHERE dataset_id = $1 AND kind = 'residential' ORDER BY name`, id);

describe('estate plausibility (osm fixture)', () => {
  it('ships the documented 50 ha default as a setting', async () => {
    const { rows } = await pool.query(`SELECT value FROM app.setting WHERE key = $1`, [ESTATE_MAX_AREA_SETTING]);
    expect(rows).toEqual([{ value: DEFAULT_ESTATE_MAX_AREA_M2 }]);
    expect(DEFAULT_ESTATE_MAX_AREA_M2).toBe(500_000);
  });

  it('keeps an oversize residential polygon as residential land, not as a 小区, and says so', async () => {
    const id = 'osm-fixture-estate-default';
    const r = await importOsm(pool, { source: FIXTURE, dataset: { id, name: 'fixture' }, checkYear: 2026 });
    expect(await estates(id)).toEqual(['Kleinhof', 'Mittelhof']);
    expect(await residentialLand(id)).toEqual(['Großes Wohnviertel', 'Kleinhof', 'Mittelhof']);
    const w = r.issues.filter((i) => i.field === 'w41003');
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(/Großes Wohnviertel \(w41003, 79\.\d ha\) kept as residential land.*50\.0 ha/);
  });

  it('takes the maximum from the import option', async () => {
    const id = 'osm-fixture-estate-10ha';
    const r = await importOsm(pool, { source: FIXTURE, dataset: { id, name: 'fixture' }, checkYear: 2026, estateMaxAreaM2: 100_000 });
    expect(await estates(id)).toEqual(['Kleinhof']);
    expect(r.issues.filter((i) => /kept as residential land/.test(i.message)).map((i) => i.field)).toEqual(['w41002', 'w41003']);
    const run = await pool.query(`SELECT params->'estateMaxAreaM2' AS m FROM app.import_run WHERE id = $1`, [r.runId]);
    expect(run.rows[0].m).toEqual({ value: 100_000, origin: 'request' });
  });

  it('takes the city\'s own setting over the installation\'s, and refuses a bad one by name', async () => {
    const id = 'osm-fixture-estate-city';
    const opts = { source: FIXTURE, dataset: { id, name: 'fixture' }, checkYear: 2026 };
    expect((await importOsm(pool, opts)).counts.estate).toBe(2);
    await pool.query(`INSERT INTO app.dataset_setting (dataset_id, key, value) VALUES ($1, $2, '100000')`, [id, ESTATE_MAX_AREA_SETTING]);
    const r = await importOsm(pool, opts);
    expect(await estates(id)).toEqual(['Kleinhof']);
    const run = await pool.query(`SELECT params->'estateMaxAreaM2' AS m FROM app.import_run WHERE id = $1`, [r.runId]);
    expect(run.rows[0].m).toEqual({ value: 100_000, origin: 'city' });
    await pool.query(`UPDATE app.dataset_setting SET value = '"50 ha"' WHERE dataset_id = $1 AND key = $2`, [id, ESTATE_MAX_AREA_SETTING]);
    await expect(importOsm(pool, opts)).rejects.toThrow(`app.dataset_setting osm_estate_max_area_m2 of ${id} must be a positive number of square metres, got "50 ha"`);
  });

  it('refuses a maximum that is not a positive area before writing anything', async () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(importOsm(pool, { source: FIXTURE, dataset: { id: 'osm-fixture-estate-bad', name: 'fixture' }, checkYear: 2026, estateMaxAreaM2: bad }))
        .rejects.toThrow(/estateMaxAreaM2 must be a positive number/);
    }
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.import_run WHERE dataset_id = 'osm-fixture-estate-bad'`);
    expect(rows[0].n).toBe(0);
  });
});
