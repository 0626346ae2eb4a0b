/**
 * Databases for the two-city end-to-end test, beside the test database and loaded once per
 * `npm test` run (like helpers/city-db.ts): `<test db>_li` holds Liechtenstein alone and
 * `<test db>_twocity` holds central Nanjing (OSM + 示例数据) and Liechtenstein. Nanjing alone is
 * helpers/city-db.ts's `<test db>_city`. Tests may write analysis results, never change layers.
 */
import pg from 'pg';
import { getDataset } from '../../../geodata/datasets.ts';
import { loadDefaultDataset } from '../../../geodata/default-dataset.ts';
import { datasetSource } from '../../../geodata/datasets.ts';
import { importOsm } from '../../../geodata/osm/import-osm.ts';
import { loadConfig } from '../../../server/config.ts';
import { ensureDatabase, migrate } from '../../../server/db/migrate.ts';
import { testDatabaseUrl } from '../../helpers/db.ts';

async function databaseUrl(suffix: string): Promise<string> {
  const admin = new URL(testDatabaseUrl());
  const name = `${admin.pathname.slice(1)}${suffix}`;
  admin.pathname = '/postgres';
  const url = await ensureDatabase(admin.toString(), name);
  await migrate(url);
  return url;
}

async function loaded(pool: pg.Pool, dataset: string): Promise<boolean> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM app.building WHERE dataset_id = $1', [dataset]);
  return rows[0].n > 0;
}

async function loadLiechtenstein(pool: pg.Pool): Promise<void> {
  if (await loaded(pool, 'liechtenstein')) return;
  const d = getDataset('liechtenstein');
  const { source, bbox } = datasetSource(d, loadConfig().geodataDir);
  await importOsm(pool, { source, bbox, dataset: d, checkYear: new Date().getFullYear(), adminLevels: d.adminLevels });
}

/** `<test db>_li`: Liechtenstein alone. */
export async function liechtensteinUrl(): Promise<string> {
  const url = await databaseUrl('_li');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    await loadLiechtenstein(pool);
  } finally {
    await pool.end();
  }
  return url;
}

/** `<test db>_twocity`: central Nanjing (OSM + sample ledgers) and Liechtenstein in one database. */
export async function twoCityUrl(): Promise<string> {
  const url = await databaseUrl('_twocity');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    if (!(await loaded(pool, 'nanjing-core'))) await loadDefaultDataset(pool, { geodataDir: loadConfig().geodataDir, force: true });
    await loadLiechtenstein(pool);
  } finally {
    await pool.end();
  }
  return url;
}
