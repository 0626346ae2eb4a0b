import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDataset } from '../../geodata/datasets.ts';
import { importOsm, type OsmImportResult } from '../../geodata/osm/import-osm.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
afterAll(() => pool.end());
const d = getDataset('liechtenstein');
let run: OsmImportResult;
let seconds: number;

beforeAll(async () => {
  const t0 = performance.now();
  run = await importOsm(pool, { source: path.resolve(import.meta.dirname, '../../../shared/geodata', d.localPath), dataset: d, checkYear: 2026, adminLevels: d.adminLevels });
  seconds = (performance.now() - t0) / 1000;
});

describe('importOsm (Liechtenstein)', () => {
  it('imports the whole country, tolerating incomplete cross-border relations', () => {
    const r = run;
    console.log(`Liechtenstein import: ${seconds.toFixed(1)} s`, r.counts, `walk share ${(r.walkLargestComponentShare * 100).toFixed(1)} %`);
    // SOURCE.md: 17,850 building objects; osm2pgsql builds polygons only (GDAL: 17,838), nodes are not buildings here.
    expect(r.counts.building).toBeGreaterThanOrEqual(17_800);
    expect(r.counts.building).toBeLessThanOrEqual(17_850);
    // 14,341 highway ways; base_road also holds railways and drops construction/proposed/platform.
    expect(r.counts.base_road).toBeGreaterThan(14_000);
    expect(r.walkLargestComponentShare).toBeGreaterThan(0.95);
  });

  it('makes units of the country and its 11 municipalities only, leaving the cut neighbours out by name', async () => {
    const { rows } = await pool.query(`SELECT level, name, ST_Area(geom::geography) / 1e6 AS km2 FROM app.admin_unit WHERE dataset_id = $1 ORDER BY level, name`, [d.id]);
    expect(rows.map((u) => `${u.level}:${u.name}`)).toEqual(['city:Liechtenstein', ...['Balzers', 'Eschen', 'Gamprin', 'Mauren', 'Planken', 'Ruggell',
      'Schaan', 'Schellenberg', 'Triesen', 'Triesenberg', 'Vaduz'].map((n) => `district:${n}`)]);
    // Liechtenstein covers 160 km² (Amt für Statistik: 160.5 km²); its municipalities tile it.
    const munis = rows.filter((u) => u.level === 'district').reduce((a, u) => a + u.km2, 0);
    expect(rows[0].km2).toBeCloseTo(160.5, 0);
    expect(Math.abs(munis - rows[0].km2)).toBeLessThan(0.5);
    const cut = await pool.query(`SELECT e.message FROM app.import_error e WHERE e.run_id = $1 AND e.field IN ('r75155', 'r1683869') ORDER BY e.id`, [run.runId]);
    expect(cut.rows.map((x) => x.message)).toEqual([
      expect.stringMatching(/^boundary Feldkirch \(relation r75155, admin_level 8\) left out: incomplete in this extract/),
      expect.stringMatching(/^boundary Buchs \(SG\) \(relation r1683869, admin_level 8\) left out: incomplete in this extract/),
    ]);
  });

  it('keeps the residential polygons over 50 ha as land, not as estates, each named in a warning', async () => {
    const { rows } = await pool.query(`SELECT source_id FROM app.base_landuse WHERE dataset_id = $1 AND kind = 'residential' AND ST_Area(geom::geography) > 500000`, [d.id]);
    const large = rows.map((x) => x.source_id).sort();
    expect(large.length).toBeGreaterThan(0);
    expect(run.issues.filter((i) => /kept as residential land/.test(i.message)).map((i) => i.field).sort()).toEqual(large);
    const estates = await pool.query(`SELECT count(*)::int AS n FROM app.estate WHERE dataset_id = $1 AND source_id = ANY($2::text[])`, [d.id, large]);
    expect(estates.rows[0].n).toBe(0);
  });

  it('puts every estate in at most one municipality, and each inside the country in exactly one', async () => {
    const { rows } = await pool.query(`
      SELECT e.id, count(a.id)::int AS units, ST_Intersects(c.geom, ST_PointOnSurface(e.geom)) AS in_country
      FROM app.estate e
      JOIN app.admin_unit c ON c.dataset_id = e.dataset_id AND c.level = 'city'
      LEFT JOIN app.admin_unit a ON a.dataset_id = e.dataset_id AND a.level = 'district' AND ST_Intersects(a.geom, ST_PointOnSurface(e.geom))
      WHERE e.dataset_id = $1 GROUP BY e.id, c.geom, e.geom`, [d.id]);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((e) => e.units > 1)).toEqual([]);
    expect(rows.filter((e) => e.in_country && e.units !== 1)).toEqual([]);
  });
});
