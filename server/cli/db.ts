/**
 * `npm run db -- <up|stop|url|psql|backup|restore>`: manage the project-local PostGIS.
 *   up                       install/start/migrate (what `npm start` does first)
 *   stop                     stop the local cluster
 *   url                      print the connection string
 *   backup <file>            the whole database (schema, data, people, audit log) with pg_dump's
 *                            custom format (compressed; restorable table by table)
 *   restore <file>           into an empty database (the configured one, created if missing), then
 *                            apply migrations newer than the backup; `--replace` drops and re-creates
 *                            a database that already holds data first
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { bootstrapDatabase } from '../db/bootstrap.ts';
import { ensureCluster, stopCluster } from '../db/local-cluster.ts';
import { ensureDatabase, migrate } from '../db/migrate.ts';
import { DATABASE_PACKAGES, ensurePackages } from '../db/system-packages.ts';

const cmd = process.argv[2] ?? 'up';
const config = loadConfig();

/** pg_dump / pg_restore of the server's major version when installed beside it, else from PATH. */
function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const local = `/usr/lib/postgresql/15/bin/${name}`;
  return fs.existsSync(local) ? local : name;
}

function run(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`${path.basename(tool)} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${path.basename(tool)} failed (exit ${r.status})`);
}

/** The database to restore into, without migrating it (the backup brings its own schema). */
async function targetUrl(replace: boolean): Promise<string> {
  if (!config.databaseUrl) ensurePackages(DATABASE_PACKAGES, console.log);
  const base = config.databaseUrl
    ?? ensureCluster({ dataDir: config.pgData, port: config.pgPort, log: console.log });
  const u = new URL(base);
  const name = config.databaseUrl ? decodeURIComponent(u.pathname.slice(1)) : config.dbName;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Restore needs a plain database name, got "${name}"`);
  u.pathname = '/postgres';
  const url = await ensureDatabase(u.toString(), name, { recreate: replace });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'app'`);
    if (r.rows[0].n > 0) throw new Error(`The database ${name} is not empty; restore with --replace to drop and re-create it.`);
  } finally {
    await client.end();
  }
  return url;
}

async function main(): Promise<void> {
  if (cmd === 'stop') {
    if (config.databaseUrl) console.log('DATABASE_URL is set: nothing to stop.');
    else stopCluster(config.pgData);
  } else if (cmd === 'up' || cmd === 'url' || cmd === 'psql') {
    const t0 = performance.now();
    const url = await bootstrapDatabase({ ...config, log: cmd === 'url' ? () => {} : console.log });
    if (cmd === 'up') console.log(`Database ready in ${((performance.now() - t0) / 1000).toFixed(2)} s: ${url}`);
    if (cmd === 'url') console.log(url);
    if (cmd === 'psql') spawnSync('psql', [url, ...process.argv.slice(3)], { stdio: 'inherit' });
  } else if (cmd === 'backup') {
    const file = process.argv[3];
    if (!file) throw new Error('Usage: npm run db -- backup <file>');
    const t0 = performance.now();
    const url = await bootstrapDatabase({ ...config, log: () => {} });
    run(pgTool('pg_dump'), ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${url}`]);
    console.log(`Backup written to ${file} (${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
  } else if (cmd === 'restore') {
    const file = process.argv[3];
    if (!file || !fs.existsSync(file)) throw new Error('Usage: npm run db -- restore <file> [--replace] (the file must exist)');
    const t0 = performance.now();
    const url = await targetUrl(process.argv.includes('--replace'));
    run(pgTool('pg_restore'), ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${url}`, file]);
    await migrate(url, (m) => console.log(`  applying ${m}`));
    console.log(`Restored ${file} in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
  } else {
    console.error(`Unknown command "${cmd}". Use: up | stop | url | psql | backup <file> | restore <file> [--replace]`);
    process.exit(2);
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
