/** Test database access: the URL that test/run.ts prepared (never the app's database). */
import pg from 'pg';

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`.');
  return url;
}

/** A small pool for one test file; close it in afterAll. */
export function testPool(): pg.Pool {
  return new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
}
