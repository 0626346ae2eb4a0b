import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getDataset } from '../../geodata/datasets.ts';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
afterAll(() => pool.end());
const d = getDataset('liechtenstein');

describe('importOsm (Liechtenstein)', () => {
  it('imports the whole country, tolerating incomplete cross-border relations', async () => {
    const t0 = performance.now();
    const r = await importOsm(pool, { source: path.resolve(import.meta.dirname, '../../../shared/geodata', d.localPath), dataset: d, checkYear: 2026, adminLevels: d.adminLevels });
    console.log(`Liechtenstein import: ${((performance.now() - t0) / 1000).toFixed(1)} s`, r.counts, `walk share ${(r.walkLargestComponentShare * 100).toFixed(1)} %`);
    // SOURCE.md: 17,850 building objects; osm2pgsql builds polygons only (GDAL: 17,838), nodes are not buildings here.
    expect(r.counts.building).toBeGreaterThanOrEqual(17_800);
    expect(r.counts.building).toBeLessThanOrEqual(17_850);
    // 14,341 highway ways; base_road also holds railways and drops construction/proposed/platform.
    expect(r.counts.base_road).toBeGreaterThan(14_000);
    const munis = await pool.query(`SELECT count(*)::int AS n FROM app.admin_unit WHERE dataset_id = $1 AND level = 'district'`, [d.id]);
    expect(munis.rows[0].n).toBeGreaterThanOrEqual(11);
    expect(r.issues.some((i) => /incomplete/.test(i.message))).toBe(true);
    expect(r.walkLargestComponentShare).toBeGreaterThan(0.95);
  });
});
