/**
 * The default city (central Nanjing OSM + 示例数据 ledgers) in a database of its own,
 * `<test db>_city`, created and loaded once per `npm test` run (test/run.ts drops it at the start),
 * so fixtures and imports of other test files can neither disturb it nor be disturbed by it.
 * Tests may read it and write analysis results, but must not change its layers.
 */
import pg from 'pg';
import { DEFAULT_DATASET_ID } from '../../geodata/datasets.ts';
import { loadDefaultDataset } from '../../geodata/default-dataset.ts';
import { loadConfig } from '../../server/config.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { testDatabaseUrl } from './db.ts';

/** Name suffix of the default-city database beside the test database. */
export const CITY_DB_SUFFIX = '_city';

/** @returns the URL of the loaded default-city database (loading it on first use). */
export async function defaultCityUrl(log: (m: string) => void = () => {}): Promise<string> {
  const admin = new URL(testDatabaseUrl());
  const name = `${admin.pathname.slice(1)}${CITY_DB_SUFFIX}`;
  admin.pathname = '/postgres';
  const url = await ensureDatabase(admin.toString(), name);
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM app.building WHERE dataset_id = $1', [DEFAULT_DATASET_ID]);
    if (rows[0].n === 0) await loadDefaultDataset(pool, { geodataDir: loadConfig().geodataDir, log });
  } finally {
    await pool.end();
  }
  return url;
}
