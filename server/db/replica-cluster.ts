/**
 * A local PostgreSQL streaming replica of a local cluster (server/db/local-cluster.ts), for the
 * replica test and for trying `DATABASE_READ_URL` on one machine: the primary gets `wal_level =
 * replica` and a `replication` line in pg_hba.conf, then `pg_basebackup -R -X stream` copies it into
 * a second data folder that starts as a hot standby on a port of its own.
 *
 * As root every binary runs as the `postgres` user, like local-cluster.ts. Never point it at a
 * cluster that holds anyone's real data: `resetCluster` deletes the data folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ClusterError, PG_BIN, ensureCluster, stopCluster } from './local-cluster.ts';

const isRoot = () => process.getuid?.() === 0;

function runAsPostgres(bin: string, args: string[]): string {
  const exe = path.join(PG_BIN, bin);
  const r = isRoot()
    ? spawnSync('runuser', ['-u', 'postgres', '--', exe, ...args], { encoding: 'utf8' })
    : spawnSync(exe, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new ClusterError(`${bin} ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return r.stdout;
}

const psql = (port: number, sql: string) =>
  runAsPostgres('psql', [`postgres://postgres@127.0.0.1:${port}/postgres`, '-XAtc', sql]).trim();

/** Stops a cluster of ours and deletes its data folder (throw-away test clusters only). */
export function resetCluster(dataDir: string): void {
  stopCluster(dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Starts (creating it when missing) a cluster that can feed streaming replicas: wal_level replica,
 * wal senders, and `host replication all 127.0.0.1/32 trust`.
 * @returns the maintenance URL (`postgres` database).
 */
export function ensureReplicationPrimary(opts: { dataDir: string; port: number; log?: (m: string) => void }): string {
  const url = ensureCluster({ ...opts, log: opts.log ?? (() => {}) });
  const hba = path.join(opts.dataDir, 'pg_hba.conf');
  const needsHba = !/^\s*host\s+replication\s+all\s+127\.0\.0\.1\/32\s+trust/m.test(fs.readFileSync(hba, 'utf8'));
  if (needsHba) fs.appendFileSync(hba, '\nhost replication all 127.0.0.1/32 trust\n');
  const walLevel = psql(opts.port, 'SHOW wal_level');
  if (walLevel === 'minimal' || Number(psql(opts.port, 'SHOW max_wal_senders')) < 2) {
    psql(opts.port, "ALTER SYSTEM SET wal_level = 'replica'");
    psql(opts.port, 'ALTER SYSTEM SET max_wal_senders = 10');
    stopCluster(opts.dataDir);
    ensureCluster({ ...opts, log: opts.log ?? (() => {}) }); // wal_level needs a restart
  } else if (needsHba) {
    psql(opts.port, 'SELECT pg_reload_conf()');
  }
  return url;
}

/**
 * Copies the primary on `primaryPort` into `dataDir` with pg_basebackup (-R: standby.signal and
 * primary_conninfo written) and starts it as a hot standby on `port`. An existing `dataDir` is replaced.
 * @returns the maintenance URL of the standby.
 */
export function createStreamingReplica(opts: { primaryPort: number; dataDir: string; port: number; log?: (m: string) => void }): string {
  resetCluster(opts.dataDir);
  fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true, mode: 0o755 });
  fs.mkdirSync(opts.dataDir, { mode: 0o700 });
  if (isRoot()) spawnSync('chown', ['postgres:postgres', opts.dataDir]);
  runAsPostgres('pg_basebackup', ['-h', '127.0.0.1', '-p', String(opts.primaryPort), '-U', 'postgres', '-D', opts.dataDir, '-R', '-X', 'stream', '-c', 'fast']);
  // The copied postgresql.conf names the primary's port: the last setting wins.
  fs.appendFileSync(path.join(opts.dataDir, 'postgresql.conf'), `\n# streaming replica\nport = ${opts.port}\nhot_standby = on\n`);
  return ensureCluster({ dataDir: opts.dataDir, port: opts.port, log: opts.log ?? (() => {}) });
}
