/**
 * `npm run bench:client`: time from navigation to "map ready" (MapLibre idle + deck.gl tiles loaded)
 * with the default layers on, in Debian's headless Chromium with SwiftShader — a pessimistic
 * software-GL floor for comparing versions, not an absolute claim.
 *
 * Cities: central Nanjing (default dataset) and Liechtenstein (OSM extract), each in its own database
 * of the test cluster (`.data/pg-test`), loaded once and kept. Each run uses a fresh browser profile
 * (cold HTTP cache). Environment: BENCH_RUNS (default 3), BENCH_CITIES (default nanjing,liechtenstein).
 */
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runImportCli } from '../../geodata/cli.ts';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { bootstrapDatabase } from '../../server/db/bootstrap.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { buildClientIfStale, launchBrowser, loadDefaultCity, SHARED_GEODATA, startCityServer } from './helpers/city-server.ts';

interface City {
  id: string;
  db: string;
  /** View: lon, lat, zoom. */
  view: [number, number, number];
  load: (url: string) => Promise<void>;
}

const CITIES: City[] = [
  { id: 'nanjing', db: 'citycheck_bench_nanjing', view: [118.7795, 32.0435, 15], load: (url) => loadDefaultCity(url) },
  {
    id: 'liechtenstein',
    db: 'citycheck_bench_liechtenstein',
    view: [9.5215, 47.1415, 15],
    load: async (url) => {
      if (await hasBuildings(url)) return;
      const code = await runImportCli(['dataset', 'liechtenstein'], { databaseUrl: url, geodataDir: SHARED_GEODATA }, () => {});
      if (code !== 0) throw new Error('Liechtenstein import failed');
    },
  },
];

async function hasBuildings(url: string): Promise<boolean> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM app.building')).rows[0].n > 0;
  } finally {
    await pool.end();
  }
}

async function databaseFor(name: string): Promise<string> {
  const config = loadConfig();
  if (config.databaseUrl) {
    const admin = new URL(config.databaseUrl);
    admin.pathname = '/postgres';
    const url = await ensureDatabase(admin.toString(), name, { recreate: false });
    await migrate(url);
    return url;
  }
  return bootstrapDatabase({ pgData: path.join(REPO_ROOT, '.data/pg-test'), pgPort: Number(process.env.CITYCHECK_TEST_PGPORT || 54330), dbName: name, unsafeFast: true, log: () => {} });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function benchCity(city: City, runs: number): Promise<void> {
  const url = await databaseFor(city.db);
  const t0 = performance.now();
  await city.load(url);
  const loadS = (performance.now() - t0) / 1000;
  const counts = await countRows(url);
  const server = await startCityServer(url);
  const ready: number[] = [];
  const shell: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const browser = await launchBrowser();
      try {
        const page = await browser.context.newPage();
        const [lon, lat, z] = city.view;
        await page.goto(`${server.url}/#c=${lon},${lat}&z=${z}`);
        // Polled every animation frame; performance.now() counts from navigation start.
        const handle = await page.waitForFunction(() => (window.__citycheck?.mapIdle && window.__citycheck.deckLoaded ? performance.now() : 0), null, { polling: 'raf', timeout: 120_000 });
        ready.push(Number(await handle.jsonValue()));
        shell.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
        await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', `bench-${city.id}.png`) });
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
  console.log(
    `${city.id.padEnd(14)} buildings ${String(counts.buildings).padStart(6)}, facilities ${String(counts.facilities).padStart(5)}` +
      ` | navigation → map ready: median ${median(ready).toFixed(0)} ms (runs: ${ready.map((x) => x.toFixed(0)).join(', ')})` +
      ` | first contentful paint: median ${median(shell).toFixed(0)} ms` +
      (loadS > 1 ? ` | data load ${loadS.toFixed(1)} s (first time only)` : ''),
  );
}

async function countRows(url: string): Promise<{ buildings: number; facilities: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const r = await pool.query<{ b: number; f: number }>('SELECT (SELECT count(*) FROM app.building)::int AS b, (SELECT count(*) FROM app.facility)::int AS f');
    return { buildings: r.rows[0].b, facilities: r.rows[0].f };
  } finally {
    await pool.end();
  }
}

const runs = Number(process.env.BENCH_RUNS || 3);
const wanted = (process.env.BENCH_CITIES || 'nanjing,liechtenstein').split(',');
buildClientIfStale();
console.log(`bench:client — headless Chromium + SwiftShader (software GL), 1366×768, default layers, ${runs} cold runs per city`);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`machine: ${os.cpus().length} cores, load average ${load()} (figures from a busy machine are not comparable)`);
for (const city of CITIES.filter((c) => wanted.includes(c.id))) await benchCity(city, runs);
console.log(`load average at the end: ${load()}`);
