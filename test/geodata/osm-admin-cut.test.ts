import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOsm, type OsmImportResult } from '../../geodata/osm/import-osm.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/osm/admin-cut.osm.xml');
const dataset = { id: 'osm-fixture-admin', name: 'fixture: admin boundaries cut by the extract' };
let run: OsmImportResult;
afterAll(() => pool.end());

beforeAll(async () => {
  run = await importOsm(pool, { source: FIXTURE, dataset, checkYear: 2026, adminLevels: { '8': 'district' } });
});

const warning = (rel: string) => run.issues.filter((i) => i.field === rel && i.severity === 'warning').map((i) => i.message);

describe('admin boundaries of an extract (osm fixture)', () => {
  it('keeps complete rings as units, with their exact outline', async () => {
    const { rows } = await pool.query(`
      SELECT source_id, name, level,
        ST_Equals(geom, CASE source_id WHEN 'r32001' THEN ST_MakeEnvelope(12.00, 50.00, 12.01, 50.01, 4326)
                                        ELSE ST_MakeEnvelope(12.00, 49.99, 12.01, 50.00, 4326) END) AS exact
      FROM app.admin_unit WHERE dataset_id = $1 ORDER BY source_id`, [dataset.id]);
    expect(rows).toEqual([
      { source_id: 'r32001', name: 'Nordgemeinde', level: 'district', exact: true },
      { source_id: 'r32002', name: 'Südgemeinde', level: 'district', exact: true },
    ]);
  });

  it('leaves out a boundary whose member way is missing, with a warning that names it', () => {
    expect(warning('r32003')).toEqual([expect.stringMatching(/^boundary Randgemeinde \(relation r32003, admin_level 8\) left out: incomplete in this extract, cut by its edge: 1 of 2 member ways/)]);
  });

  it('leaves out a boundary whose way lost a node, although osm2pgsql closed a ring from the rest', () => {
    expect(warning('r32004')).toEqual([expect.stringMatching(/Stumpfgemeinde .*cut by its edge: 0 of 1 member ways/)]);
  });

  it('leaves out a complete relation that is no ring, saying so, and ignores unmapped admin levels', () => {
    expect(warning('r32005')).toEqual([expect.stringMatching(/Grenzlinie .*do not close into a ring/)]);
    expect(warning('r32006')).toEqual([]);
  });

  it('records the warnings in the run report (app.import_error)', async () => {
    const { rows } = await pool.query(`SELECT field FROM app.import_error WHERE run_id = $1 AND severity = 'warning' AND message LIKE 'boundary %' ORDER BY field`, [run.runId]);
    expect(rows.map((r) => r.field)).toEqual(['r32003', 'r32004', 'r32005']);
  });

  it('assigns each estate to the unit it lies in, or to none', async () => {
    const { rows } = await pool.query(`
      SELECT e.name, array_agg(a.name ORDER BY a.name) FILTER (WHERE a.id IS NOT NULL) AS units
      FROM app.estate e LEFT JOIN app.admin_unit a ON a.dataset_id = e.dataset_id AND ST_Intersects(a.geom, ST_PointOnSurface(e.geom))
      WHERE e.dataset_id = $1 GROUP BY e.name ORDER BY e.name`, [dataset.id]);
    expect(rows).toEqual([{ name: 'Nordhof', units: ['Nordgemeinde'] }, { name: 'Randhof', units: null }]);
  });
});
