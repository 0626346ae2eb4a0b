/**
 * `npm start`: PostGIS (installed and started when needed) → migrations → the default city when the
 * database is empty → the client build when it is missing or stale → the server on HOST:PORT.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT, loadConfig } from '../config.ts';
import { bootstrapDatabase } from '../db/bootstrap.ts';
import { startServer } from '../server.ts';

const config = loadConfig();
const t0 = performance.now();
const databaseUrl = await bootstrapDatabase(config);
console.log(`Database ready (${((performance.now() - t0) / 1000).toFixed(2)} s).`);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
try {
  const { isDatabaseEmpty, loadDefaultDataset } = await import('../../geodata/default-dataset.ts');
  if (await isDatabaseEmpty(pool)) {
    console.log('The database is empty: importing the default city (central Nanjing) …');
    await loadDefaultDataset(pool, { geodataDir: config.geodataDir, log: console.log });
  }
} finally {
  await pool.end();
}

buildClientIfStale();
await startServer({ ...config, databaseUrl });
console.log(`CityCheck is running at http://${config.host}:${config.port}/`);

/** Builds client/dist when it is missing or older than any client source file. */
function buildClientIfStale(): void {
  const dist = path.join(REPO_ROOT, 'client/dist/index.html');
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      if (e.name === 'dist' || e.name === 'node_modules') return m;
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const clientDir = path.join(REPO_ROOT, 'client');
  if (!fs.existsSync(clientDir)) return;
  if (fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= newest(clientDir)) return;
  console.log('Building the client …');
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    // A production bundle even when the caller's NODE_ENV says test or development.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error('The client build failed (see above).');
}
