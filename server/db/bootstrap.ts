/**
 * From nothing to a migrated PostGIS database: Debian packages, the project-local cluster,
 * the database with its extensions, migrations. With DATABASE_URL set only migrations run.
 */
import { DATABASE_PACKAGES, ensurePackages } from './system-packages.ts';
import { ensureCluster } from './local-cluster.ts';
import { ensureDatabase, migrate } from './migrate.ts';

export interface BootstrapOptions {
  databaseUrl?: string;
  pgData: string;
  pgPort: number;
  dbName: string;
  /** Test clusters only: fsync off. */
  unsafeFast?: boolean;
  /** Drop and re-create the database first (tests). */
  recreate?: boolean;
  log?: (m: string) => void;
}

/** @returns the connection string of the ready database. */
export async function bootstrapDatabase(opts: BootstrapOptions): Promise<string> {
  const log = opts.log ?? console.log;
  let url = opts.databaseUrl;
  if (!url) {
    ensurePackages(DATABASE_PACKAGES, log);
    const adminUrl = ensureCluster({ dataDir: opts.pgData, port: opts.pgPort, unsafeFast: opts.unsafeFast, log });
    url = await ensureDatabase(adminUrl, opts.dbName, { recreate: opts.recreate });
  }
  await migrate(url, (m) => log(`  applying ${m}`));
  return url;
}
