/**
 * A database of its own for a fuzz run or the load bench: `<database>_<suffix>` on the same server as
 * a given database, re-created, migrated and loaded with the default city (central Nanjing). The
 * fuzzer writes analysis runs and facility overrides; they never land in the planner's own database.
 */
import pg from 'pg';
import { loadDefaultDataset } from '../../geodata/default-dataset.ts';
import { loadConfig } from '../../server/config.ts';
import { bootstrapDatabase } from '../../server/db/bootstrap.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';

/** Creates (or re-creates) `<base database>_<suffix>` beside `baseUrl`, with the default city; returns its URL. */
export async function cityDatabaseBeside(baseUrl: string, suffix: string, log: (m: string) => void = console.log): Promise<string> {
  const base = new URL(baseUrl);
  const name = `${base.pathname.slice(1)}_${suffix}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const url = await ensureDatabase(admin.toString(), name, { recreate: true });
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    log(`database ${name}: loading the default city …`);
    await loadDefaultDataset(pool, { geodataDir: loadConfig().geodataDir, log: () => {} });
  } finally {
    await pool.end();
  }
  return url;
}

/** The configured database (DATABASE_URL, or the local cluster of `npm run db -- url`), migrated. */
export function configuredDatabaseUrl(): Promise<string> {
  return bootstrapDatabase({ ...loadConfig(), log: () => {} });
}
