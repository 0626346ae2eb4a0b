import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureCluster, stopCluster } from '../../server/db/local-cluster.ts';

// A throw-away cluster of its own (not the test database's), to kill and recover.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citycheck-cluster-'));
fs.chmodSync(dir, 0o755);
const dataDir = path.join(dir, 'pg');
const port = 54391;
const log = () => {};

async function selectOne(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('SELECT 1 AS one')).rows[0].one;
  } finally {
    await c.end();
  }
}

afterAll(() => {
  stopCluster(dataDir);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('local cluster', () => {
  it('creates a cluster on 127.0.0.1 and accepts connections', async () => {
    const url = ensureCluster({ dataDir, port, unsafeFast: true, log });
    expect(url).toBe(`postgres://postgres@127.0.0.1:${port}/postgres`);
    expect(await selectOne(url)).toBe(1);
    const conf = fs.readFileSync(path.join(dataDir, 'postgresql.conf'), 'utf8');
    expect(conf).toContain("listen_addresses = '127.0.0.1'");
  });

  it('is idempotent: a running cluster is detected without starting anything', async () => {
    const pidBefore = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    const t0 = performance.now();
    ensureCluster({ dataDir, port, log });
    console.log(`second ensureCluster: ${(performance.now() - t0).toFixed(1)} ms`);
    const pidAfter = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    expect(pidAfter).toBe(pidBefore);
  });

  it('refuses a port that another cluster already serves, naming both', () => {
    expect(() => ensureCluster({ dataDir: path.join(dir, 'other'), port, log })).toThrow(/Port 54391 is already used by the PostgreSQL cluster in .*pg/);
  });

  it('recovers a cluster whose postmaster was killed (stale postmaster.pid)', async () => {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    // Wait for the postmaster to be gone; its children notice and exit.
    for (let i = 0; i < 100 && spawnSync('kill', ['-0', String(pid)]).status === 0; i++) {
      execFileSync('sleep', ['0.1']);
    }
    expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(true);
    const url = ensureCluster({ dataDir, port, log });
    expect(await selectOne(url)).toBe(1);
  });
});
