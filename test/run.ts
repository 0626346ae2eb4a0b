/**
 * `npm test`: brings up a throw-away test cluster (`.data/pg-test`, fsync off) or uses DATABASE_URL's
 * server, re-creates the test database, runs vitest, and closes with the plain line
 * `N passed, N failed, N skipped` that CI reads. Exit code is non-zero on any failure.
 *
 * The test cluster is stopped at the end only when this run started it and nobody else is connected
 * (another checkout's tests or a benchmark may be using a cluster that was already running).
 * Rate limits are off in tests (CITYCHECK_RATE_LIMIT_MAX=0) unless set; the tests of the limit
 * configure their own app.
 *
 * Environment: TEST_DB_NAME (default citycheck_test) lets parallel runs use separate databases;
 * extra arguments are passed to vitest (e.g. `npm test -- test/geodata`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT, loadConfig } from '../server/config.ts';
import { bootstrapDatabase } from '../server/db/bootstrap.ts';
import { isClusterReady, stopCluster } from '../server/db/local-cluster.ts';
import { ensureDatabase, migrate } from '../server/db/migrate.ts';
import { BROWSER_PACKAGES, ensurePackages } from '../server/db/system-packages.ts';

const config = loadConfig();
const dbName = process.env.TEST_DB_NAME || 'citycheck_test';
ensurePackages(BROWSER_PACKAGES);

const t0 = performance.now();
const testPgData = path.join(REPO_ROOT, '.data/pg-test');
const testPgPort = Number(process.env.CITYCHECK_TEST_PGPORT || 54330);
const startedCluster = !config.databaseUrl && !isClusterReady(testPgPort);
const url = config.databaseUrl ? await testDatabaseOn(config.databaseUrl) : await bootstrapDatabase({
  pgData: testPgData,
  pgPort: testPgPort,
  dbName,
  unsafeFast: true,
  recreate: true,
  log: () => {},
});

/** Drops `<test db>_*` databases left by an earlier run. */
async function dropDerivedDatabases(testUrl: string): Promise<void> {
  const admin = new URL(testUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [`${dbName}_`]);
    for (const r of rows) await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(r.datname)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** With DATABASE_URL the test database is created beside the app's, on the same server. */
async function testDatabaseOn(databaseUrl: string): Promise<string> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const testUrl = await ensureDatabase(admin.toString(), dbName, { recreate: true });
  await migrate(testUrl);
  return testUrl;
}
// Databases derived from the test database (e.g. the default city, test/helpers/city-db.ts) start fresh.
await dropDerivedDatabases(url);
console.log(`test database ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const resultsDir = path.join(REPO_ROOT, 'test-results');
fs.mkdirSync(resultsDir, { recursive: true });
const jsonFile = path.join(resultsDir, `vitest-${dbName}.json`);
fs.rmSync(jsonFile, { force: true });
const vitest = spawnSync(
  process.execPath,
  [path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, NO_COLOR: '1', TEST_DATABASE_URL: url, CITYCHECK_TEST_DB: dbName, CITYCHECK_RATE_LIMIT_MAX: process.env.CITYCHECK_RATE_LIMIT_MAX ?? '0' },
  },
);

/** Stops the test cluster if this run started it and no one else is connected to it now. */
async function stopClusterIfOurs(): Promise<void> {
  if (!startedCluster) return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  let others = 0;
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
    others = rows[0].n;
  } catch {
    return; // already down
  } finally {
    await client.end().catch(() => {});
  }
  if (others > 0) console.log(`test cluster left running: ${others} other connection(s) use it`);
  else stopCluster(testPgData);
}
await stopClusterIfOurs();

let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(jsonFile)) {
  const report = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  failed = 1; // vitest crashed before writing a report
}
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
