import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { loadWalkGraph } from '../../server/graph/load-walk-graph.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/osm/walk-topology.osm.xml');
const DATASET = 'osm-fixture-graph-pages';
afterAll(() => db.destroy());

describe('loadWalkGraph', () => {
  beforeAll(async () => {
    await importOsm(pool, { source: FIXTURE, dataset: { id: DATASET, name: 'fixture' }, checkYear: 2026 });
  });

  it('reads the network in pages with the same graph as in one page', async () => {
    const { rows: [n] } = await pool.query(`SELECT (SELECT count(*) FROM app.walk_vertex WHERE dataset_id = $1)::int AS v,
      (SELECT count(*) FROM app.walk_edge WHERE dataset_id = $1)::int AS e`, [DATASET]);
    expect(n.e).toBeGreaterThan(3);
    const whole = await loadWalkGraph(db, { datasetIds: [DATASET], pageRows: 1_000_000 });
    // pages of 2 rows: several pages per table, and the last one full when the count is even
    for (const pageRows of [2, 3]) {
      let selects = 0;
      const counted = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }), log: (e) => void (e.level === 'query' && /^\s*SELECT/.test(e.query.sql) && selects++) });
      const paged = await loadWalkGraph(counted, { datasetIds: [DATASET], pageRows });
      // no statement reads more than a page: ⌊n / page⌋ + 1 statements per table
      expect(selects).toBe(Math.floor(n.v / pageRows) + 1 + Math.floor(n.e / pageRows) + 1);
      expect([paged.vertexCount, paged.edgeCount]).toEqual([n.v, n.e]);
      expect(Array.from(paged.vertexId)).toEqual(Array.from(whole.vertexId));
      for (const k of ['edgeId', 'edgeSrc', 'edgeTgt', 'edgeCost', 'coords', 'coordStart', 'lon', 'lat'] as const) expect(Array.from(paged[k]), k).toEqual(Array.from(whole[k]));
      const far = [whole.lon[0]! + 0.0001, whole.lat[0]! + 0.0001] as const;
      expect(paged.snap(...far)).toEqual(whole.snap(...far));
    }
  });
});
