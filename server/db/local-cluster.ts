/**
 * A project-local PostgreSQL cluster (e.g. `.data/pg`), listening on 127.0.0.1 on a port of its own.
 *
 * `ensureCluster` is idempotent: an already running cluster is detected in a few milliseconds;
 * a cluster left behind by a killed session (stale or zombie postmaster) is recovered.
 * Postgres refuses to run as root, so as root every server binary runs as the `postgres` user.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface ClusterOptions {
  /** Absolute data directory of the cluster. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  /**
   * Trade durability for speed (fsync off). Only for throw-away test clusters, never for a
   * planner's real data.
   */
  unsafeFast?: boolean;
  log?: (msg: string) => void;
}

export class ClusterError extends Error {
  readonly code = 'CLUSTER_ERROR';
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL server binary, as the postgres user when we are root. */
function runPg(bin: string, args: string[], opts: { allowFail?: boolean } = {}) {
  const cmd = isRoot() ? 'runuser' : path.join(PG_BIN, bin);
  const fullArgs = isRoot() ? ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args] : args;
  const r = spawnSync(cmd, fullArgs, { encoding: 'utf8' });
  if (r.status !== 0 && !opts.allowFail) {
    throw new ClusterError(`${bin} ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  }
  return r;
}

function isReady(port: number): boolean {
  return spawnSync(path.join(PG_BIN, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0;
}

/** State of a process from /proc: undefined when it does not exist. */
function processState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function initCluster({ dataDir, port, unsafeFast, log = console.log }: ClusterOptions): void {
  log(`Creating a PostgreSQL cluster in ${dataDir} (port ${port}) …`);
  // The parent must be traversable by the postgres user; the data folder itself is private.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (isRoot()) {
    spawnSync('chown', ['-R', 'postgres:postgres', dataDir]);
    const probe = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dataDir]);
    if (probe.status !== 0) {
      throw new ClusterError(
        `The postgres user cannot write ${dataDir}: every parent folder must be traversable by it. ` +
          'Move the checkout (e.g. under /work or /srv) or set DATABASE_URL to an existing PostGIS.',
      );
    }
  }
  fs.chmodSync(dataDir, 0o700);
  runPg('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const conf = [
    '# CityCheck project-local cluster',
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    "unix_socket_directories = ''",
    'max_connections = 100',
    'shared_buffers = 256MB',
    'work_mem = 32MB',
    'maintenance_work_mem = 256MB',
    "log_min_messages = warning",
    ...(unsafeFast ? ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] : []),
  ].join('\n');
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n${conf}\n`);
}

/** Waits for a postmaster that is shutting down or recovering; returns true if it became ready. */
function waitForPostmaster(dataDir: string, port: number, log: (m: string) => void): boolean {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  for (let i = 0; i < 300; i++) {
    if (isReady(port)) return true;
    if (!fs.existsSync(pidFile)) return false;
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    const state = Number.isFinite(pid) ? processState(pid) : undefined;
    if (state === undefined) return false; // stale pid file: pg_ctl start will replace it
    if (state === 'Z') {
      if (i === 0) log('A previous postmaster is a zombie; waiting for it to go …');
    }
    sleep(100);
  }
  return isReady(port);
}

/**
 * Makes sure the cluster exists and is accepting connections on 127.0.0.1:port.
 * @returns a connection string for the `postgres` maintenance database.
 */
export function ensureCluster(opts: ClusterOptions): string {
  const { dataDir, port, log = console.log } = opts;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  if (isReady(port)) {
    assertOwnCluster(url, dataDir, port);
    return url;
  }
  if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) {
    throw new ClusterError(`PostgreSQL 15 server binaries not found in ${PG_BIN}.`);
  }
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) initCluster(opts);
  if (waitForPostmaster(dataDir, port, log)) return url;

  const logFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.log`);
  if (isRoot()) {
    fs.closeSync(fs.openSync(logFile, 'a'));
    spawnSync('chown', ['postgres:postgres', logFile]);
  }
  log(`Starting PostgreSQL (${dataDir}, port ${port}) …`);
  const r = runPg('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '120', 'start'], { allowFail: true });
  if (r.status !== 0 && !isReady(port)) {
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new ClusterError(`PostgreSQL did not start: ${(r.stderr || r.stdout).trim()}\n${tail}`);
  }
  return url;
}

/**
 * A server already answering on the port must be this cluster, not another checkout's or a system
 * PostgreSQL: otherwise the app or the tests would silently use someone else's data.
 */
function assertOwnCluster(url: string, dataDir: string, port: number): void {
  const r = spawnSync(path.join(PG_BIN, 'psql'), [url, '-XAtc', 'SHOW data_directory'], { encoding: 'utf8' });
  const running = r.status === 0 ? r.stdout.trim() : '';
  const real = (p: string) => (fs.existsSync(p) ? fs.realpathSync(p) : p);
  if (running && real(running) === real(dataDir)) return;
  throw new ClusterError(
    `Port ${port} is already used by ${running ? `the PostgreSQL cluster in ${running}` : 'another server'}, ` +
      `not by ${dataDir}. Stop it, or choose another port (CITYCHECK_PGPORT / CITYCHECK_TEST_PGPORT).`,
  );
}

/** True when a server accepts connections on 127.0.0.1:port (whoever started it). */
export function isClusterReady(port: number): boolean {
  return isReady(port);
}

/** Stops the cluster (fast mode). Used by `npm run db -- stop`. */
export function stopCluster(dataDir: string): void {
  if (!fs.existsSync(path.join(dataDir, 'postmaster.pid'))) return;
  runPg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop'], { allowFail: true });
}
