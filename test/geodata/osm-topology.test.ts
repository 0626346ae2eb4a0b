import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/osm/walk-topology.osm.xml');
const ref = { dataset: { id: 'osm-fixture-topology', name: 'fixture' }, checkYear: 2026 };
afterAll(() => pool.end());

describe('walk network topology (osm fixture)', () => {
  beforeAll(async () => {
    await importOsm(pool, { source: FIXTURE, ...ref });
  });

  const edges = async () => (await pool.query(`
    SELECT e.osm_way_id::int AS way, vs.osm_node_id::int AS s, vt.osm_node_id::int AS t, e.cost > 0 AS fwd, e.reverse_cost > 0 AS back
    FROM app.walk_edge e JOIN app.walk_vertex vs ON vs.id = e.source JOIN app.walk_vertex vt ON vt.id = e.target
    WHERE e.dataset_id = $1 ORDER BY 1, 2`, [ref.dataset.id])).rows;

  it('splits two crossing ways at their shared interior node', async () => {
    const e = (await edges()).filter((r) => r.way === 2001 || r.way === 2002);
    expect(e.map((r) => [r.way, r.s, r.t])).toEqual([[2001, 1001, 1002], [2001, 1002, 1003], [2002, 1002, 1005], [2002, 1004, 1002]]);
  });

  it('splits a way where another way ends on it (T-junction, touching mid-way)', async () => {
    const e = (await edges()).filter((r) => [2003, 2004, 2005, 2006].includes(r.way));
    expect(e.map((r) => [r.way, r.s, r.t])).toEqual([[2003, 1006, 1007], [2003, 1007, 1008], [2004, 1007, 1009], [2005, 1014, 1012], [2006, 1011, 1012], [2006, 1012, 1013]]);
  });

  it('excludes motorways and foot=no ways', async () => {
    const ways = new Set((await edges()).map((r) => r.way));
    expect(ways.has(2007)).toBe(false);
    expect(ways.has(2008)).toBe(false);
  });

  it('costs edges in metres both ways, except a oneway:foot way backwards', async () => {
    const { rows } = await pool.query(`SELECT osm_way_id::int AS way, length_m, cost, reverse_cost FROM app.walk_edge WHERE dataset_id = $1 AND osm_way_id = 2001 ORDER BY source_id`, [ref.dataset.id]);
    // 0.001° of longitude at 47° N ≈ 111,320 m × cos 47° / 1000 ≈ 75.9 m.
    for (const r of rows) {
      expect(r.length_m).toBeCloseTo(75.9, 0);
      expect(r.cost).toBe(r.length_m);
      expect(r.reverse_cost).toBe(r.length_m);
    }
    const oneway = (await edges()).filter((r) => r.way === 2006);
    expect(oneway.every((r) => r.fwd && !r.back)).toBe(true);
  });
});
