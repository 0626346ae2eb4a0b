import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/osm/residential-size.osm.xml');
afterAll(() => pool.end());

describe('osm promote statistics', () => {
  it('analyses estates and buildings inside the import transaction, before buildings are linked to their estate', async () => {
    // A first import saw app.estate as empty and linked every building by scanning every estate:
    // minutes for 10^5 buildings. The planner's row estimate must include the rows this run wrote.
    // (app.estate stays under ANALYZE's 30,000-row sample in the test database, so its count is exact.)
    let seen = { reltuples: -1, rows: 0 };
    await importOsm(pool, {
      source: FIXTURE, dataset: { id: 'osm-fixture-promote-stats', name: 'fixture' }, checkYear: 2026,
      beforeCommit: async (client) => {
        const { rows } = await client.query(`SELECT c.reltuples::float8 AS reltuples, (SELECT count(*) FROM app.estate)::int AS rows
          FROM pg_class c WHERE c.oid = 'app.estate'::regclass`);
        seen = { reltuples: Number(rows[0].reltuples), rows: rows[0].rows };
      },
    });
    expect(seen.rows).toBeGreaterThan(0);
    expect(seen.reltuples).toBe(seen.rows);
  });
});
