/** Test database access: the URL that test/run.ts prepared (never the app's database). */
import pg from 'pg';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`.');
  return url;
}

/** A small pool for one test file; close it in afterAll. */
export function testPool(): pg.Pool {
  return new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
}

/**
 * A database of its own beside the test database (`<test db><suffix>`), dropped and re-created, with
 * the migrations applied: for files that import, edit layers or need an exact set of cities.
 * @returns its URL
 */
export async function ownDatabase(suffix: string): Promise<string> {
  const admin = new URL(testDatabaseUrl());
  const name = `${admin.pathname.slice(1)}${suffix}`;
  admin.pathname = '/postgres';
  const url = await ensureDatabase(admin.toString(), name, { recreate: true });
  await migrate(url);
  return url;
}
