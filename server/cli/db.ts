/**
 * `npm run db -- <up|stop|url|psql>`: manage the project-local PostGIS.
 *   up    install/start/migrate (what `npm start` does first)
 *   stop  stop the local cluster
 *   url   print the connection string
 */
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../config.ts';
import { bootstrapDatabase } from '../db/bootstrap.ts';
import { stopCluster } from '../db/local-cluster.ts';

const cmd = process.argv[2] ?? 'up';
const config = loadConfig();

if (cmd === 'stop') {
  if (config.databaseUrl) console.log('DATABASE_URL is set: nothing to stop.');
  else stopCluster(config.pgData);
} else if (cmd === 'up' || cmd === 'url' || cmd === 'psql') {
  const t0 = performance.now();
  const url = await bootstrapDatabase({ ...config, log: cmd === 'url' ? () => {} : console.log });
  if (cmd === 'up') console.log(`Database ready in ${((performance.now() - t0) / 1000).toFixed(2)} s: ${url}`);
  if (cmd === 'url') console.log(url);
  if (cmd === 'psql') spawnSync('psql', [url, ...process.argv.slice(3)], { stdio: 'inherit' });
} else {
  console.error(`Unknown command "${cmd}". Use: up | stop | url | psql`);
  process.exit(2);
}
