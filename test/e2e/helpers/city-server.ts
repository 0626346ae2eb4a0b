/**
 * End-to-end helpers: build the client when stale, load a city into a database, start the real app
 * on a free loopback port, and launch Debian's headless Chromium through playwright-core.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { chromium, type BrowserContext } from 'playwright-core';
import { DEFAULT_DATASET_ID } from '../../../geodata/datasets.ts';
import { loadDefaultDataset } from '../../../geodata/default-dataset.ts';
import { buildApp } from '../../../server/app.ts';
import { REPO_ROOT } from '../../../server/config.ts';

export const SHARED_GEODATA = path.resolve(REPO_ROOT, '../shared/geodata');

/** Newest mtime under a folder, skipping build output. */
function newest(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    if (e.name === 'dist' || e.name === 'node_modules') return m;
    const p = path.join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
}

/** Runs `vite build` when client/dist is missing or older than any client source (or vite.config.ts). */
export function buildClientIfStale(): void {
  const dist = path.join(REPO_ROOT, 'client/dist/index.html');
  const sources = Math.max(newest(path.join(REPO_ROOT, 'client')), fs.statSync(path.join(REPO_ROOT, 'vite.config.ts')).mtimeMs);
  if (fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= sources) return;
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error('vite build failed');
}

/** Loads the default city (central Nanjing: OSM + 示例数据 ledgers) unless its buildings are already there. */
export async function loadDefaultCity(databaseUrl: string, log: (m: string) => void = () => {}): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  try {
    // Other test files may have left fixtures behind: look for the default city's own rows.
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM app.building WHERE dataset_id = $1', [DEFAULT_DATASET_ID]);
    if (rows[0].n > 0) return;
    await loadDefaultDataset(pool, { geodataDir: SHARED_GEODATA, log });
  } finally {
    await pool.end();
  }
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close: () => Promise<void>;
}

/** The real app on 127.0.0.1 and a free port, serving client/dist. */
export async function startCityServer(databaseUrl: string): Promise<RunningServer> {
  const app = await buildApp({ databaseUrl, logLevel: 'warn', statementTimeoutMs: 20_000, auth: { mode: 'off' } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('server did not bind a TCP port');
  return { app, url: `http://127.0.0.1:${addr.port}`, close: () => app.close() };
}

/** Flags from ../shared/env-notes.md: WebGL2 through SwiftShader, no sandbox, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** A fresh headless Chromium profile at the given viewport. */
export async function launchBrowser(viewport = { width: 1366, height: 768 }): Promise<Browser> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citycheck-chromium-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport, locale: 'zh-CN' });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
