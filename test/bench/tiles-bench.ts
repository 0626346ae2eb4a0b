/**
 * `npm run bench:tiles`: planner-like viewports (1280×800 px) over the loaded city at z10–z17, two
 * layer sets per viewport (the basemap composite and the product overlay), measured side by side:
 *
 *   DB floor   the same compiled tile SQL straight through pg (no HTTP), each tile once
 *   cold       CityCheck with the tile cache off, each tile once (autocannon, loopback)
 *   warm       CityCheck with the cache on, hot tiles repeated for a bounded duration
 *   soak       warm + cold mix at 64 connections for BENCH_SOAK_S seconds, RSS before/after
 *   ceiling    a bare Fastify sending a fixed tile-sized body: the most any Fastify server could do here
 *
 * at concurrency 1, 16 and 64. Loads the default city into its own database (citycheck_bench)
 * when empty; `--synthetic` uses a generated grid city instead (database citycheck_bench_synthetic),
 * `--dataset=liechtenstein` another OSM dataset of geodata/datasets.ts (database citycheck_bench_<id>).
 * Not a test: nothing here asserts timings.
 *
 * Env: BENCH_DB, BENCH_WARM_S (10), BENCH_SOAK_S (60), BENCH_VIEWPORTS (6).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { bootstrapDatabase } from '../../server/db/bootstrap.ts';
import { createCatalog } from '../../tiles/catalog.ts';
import { lonLatToTileXY } from '../../tiles/tile-math.ts';
import { planTile } from '../../tiles/tile-query.ts';
import { loadSyntheticCity } from './synthetic-city.ts';
import { percentiles, row, table, type Stats } from './report.ts';

/** The part of autocannon's API used here (no @types/autocannon installed). */
interface Cannon extends PromiseLike<{ duration: number; errors: number; timeouts: number }> {
  on(event: 'response', fn: (client: unknown, status: number, resBytes: number, ms: number) => void): void;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Cannon;

const synthetic = process.argv.includes('--synthetic');
/** `--dataset=liechtenstein` benchmarks another OSM dataset of geodata/datasets.ts. */
const datasetArg = process.argv.find((a) => a.startsWith('--dataset='))?.slice('--dataset='.length);
const config = loadConfig();
const dbName = process.env.BENCH_DB
  || (synthetic ? 'citycheck_bench_synthetic' : datasetArg ? `citycheck_bench_${datasetArg.replace(/[^a-z0-9]/g, '_')}` : 'citycheck_bench');
const WARM_S = Number(process.env.BENCH_WARM_S ?? 10);
const SOAK_S = Number(process.env.BENCH_SOAK_S ?? 60);
const VIEWPORTS = Number(process.env.BENCH_VIEWPORTS ?? 6);
const LAYER_SETS = ['landuse,water,roads,buildings,places', 'estates,green_spaces,waterlogging,facilities,heritage_zones'];
const CONCURRENCY = [1, 16, 64];

const databaseUrl = await bootstrapDatabase({ ...config, databaseUrl: config.databaseUrl?.replace(/\/[^/]*$/, `/${dbName}`), dbName, log: () => {} });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 64 });
const datasetLabel = await ensureData();

// ---- viewports → tile URLs ------------------------------------------------------------------
const ext = (await pool.query(`SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom) e FROM app.building) s`)).rows[0];
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const centres = Array.from({ length: VIEWPORTS }, () => [ext.x0 + (ext.x1 - ext.x0) * (0.2 + 0.6 * rand()), ext.y0 + (ext.y1 - ext.y0) * (0.2 + 0.6 * rand())]);
const tileSet = new Set<string>();
for (const [lon, lat] of centres) {
  for (let z = 10; z <= 17; z++) {
    const [cx, cy] = lonLatToTileXY(lon!, lat!, z);
    for (let x = Math.floor(cx - 2.5); x <= Math.floor(cx + 2.5); x++) {
      for (let y = Math.floor(cy - 1.6); y <= Math.floor(cy + 1.6); y++) for (const l of LAYER_SETS) tileSet.add(`${l}/${z}/${x}/${y}`);
    }
  }
}
const catalog = createCatalog();
const plans = [...tileSet].map((t) => {
  const [layers, z, x, y] = t.split('/');
  return { url: `/tiles/${t}.mvt`, z: Number(z), plan: planTile(catalog.resolve(layers!), { z: Number(z), x: Number(x), y: Number(y) }) };
});

// ---- DB floor ---------------------------------------------------------------------------------
const floorMsByUrl = new Map<string, number>();
const bytesByUrl = new Map<string, number>();
async function dbFloor(concurrency: number, items: typeof plans): Promise<Stats> {
  const lat: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const p = items[next++]!;
      if (!p.plan.query) continue;
      const s = performance.now();
      try {
        const r = await pool.query({ text: p.plan.query.text, values: p.plan.query.values as unknown[] });
        const ms = performance.now() - s;
        lat.push(ms);
        if (concurrency === 1) {
          floorMsByUrl.set(p.url, ms);
          bytesByUrl.set(p.url, (r.rows[0]?.mvt as Buffer | null)?.length ?? 0);
        }
      } catch {
        errors++;
      }
    }
  }));
  return { ...percentiles(lat), rps: lat.length / ((performance.now() - t0) / 1000), errors, bytes: 0 };
}

await dbFloor(4, plans); // warm PostgreSQL's buffers once, as a running server's would be
const floor1 = await dbFloor(1, plans);
const tiles = plans.filter((p) => (bytesByUrl.get(p.url) ?? 0) > 0);
const empty = plans.length - tiles.length;
const floorStats = new Map<number, Stats>([[1, await dbFloor(1, tiles)]]);
for (const c of CONCURRENCY.slice(1)) floorStats.set(c, await dbFloor(c, tiles));
void floor1;

// ---- HTTP runs ----------------------------------------------------------------------------------
async function startServer(cacheMb: number, ceilingBytes = 0): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/bench/bench-server.ts')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, TILE_CACHE_MB: String(cacheMb), BENCH_CEILING_BYTES: String(ceilingBytes) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.on('exit', () => child.kill('SIGTERM'));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return { child, port };
}
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

interface LoadOpts { port: number; connections: number; urls: string[]; amount?: number; duration?: number }
async function load(o: LoadOpts): Promise<Stats & { perUrl: Map<string, number> }> {
  const lat: number[] = [];
  const perUrl = new Map<string, number>();
  let i = 0;
  let bytes = 0;
  let bad = 0;
  const inst = autocannon({
    url: `http://127.0.0.1:${o.port}`, connections: o.connections,
    ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.duration }),
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, path: o.urls[i++ % o.urls.length] }) }],
  });
  inst.on('response', (_client, status, resBytes, ms) => {
    lat.push(ms);
    bytes += resBytes;
    if (status !== 200) bad++;
  });
  const res = await inst;
  const s = percentiles(lat);
  return { ...s, rps: lat.length / (res.duration || 1), errors: res.errors + res.timeouts + bad, bytes: bytes / Math.max(1, lat.length), perUrl };
}

const urls = tiles.map((t) => t.url);
const results: string[][] = [];
const floorRow = (c: number) => floorStats.get(c)!;

const cold = await startServer(0);
await load({ port: cold.port, connections: 64, urls, amount: urls.length }); // open and warm the server's 16 tile connections, as in service
const coldStats = new Map<number, Stats>();
for (const c of CONCURRENCY) coldStats.set(c, await load({ port: cold.port, connections: c, urls, amount: urls.length }));
// Paired per-tile comparison at concurrency 1: the floor query and the HTTP request for the same
// tile back to back, so load drift on a shared machine hits both alike.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const httpGet = (port: number, p: string) => new Promise<number>((resolve, reject) => {
  http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
    res.on('data', () => {});
    res.on('end', () => resolve(res.statusCode ?? 0));
  }).on('error', reject);
});
const coldPerUrl = new Map<string, number>();
const pairedFloor = new Map<string, number>();
for (const t of tiles) {
  let s0 = performance.now();
  await pool.query({ text: t.plan.query!.text, values: t.plan.query!.values as unknown[] });
  pairedFloor.set(t.url, performance.now() - s0);
  s0 = performance.now();
  await httpGet(cold.port, t.url);
  coldPerUrl.set(t.url, performance.now() - s0);
}
agent.destroy();
cold.child.kill('SIGTERM');

const warm = await startServer(256);
const hot = urls.filter((u) => /\/1[4-6]\//.test(u)).slice(0, 400);
for (const u of hot) await fetch(`http://127.0.0.1:${warm.port}${u}`).then((r) => r.arrayBuffer());
const warmStats = new Map<number, Stats>();
for (const c of CONCURRENCY) warmStats.set(c, await load({ port: warm.port, connections: c, urls: hot, duration: WARM_S }));
const rssBefore = rssMb(warm.child.pid!);
const mix = urls.flatMap((u, k) => (k % 4 === 0 ? [u] : [hot[k % hot.length]!, hot[(k * 7) % hot.length]!, hot[(k * 13) % hot.length]!]));
const soak = SOAK_S > 0 ? await load({ port: warm.port, connections: 64, urls: mix, duration: SOAK_S }) : null;
const rssAfter = rssMb(warm.child.pid!);
warm.child.kill('SIGTERM');

// The ceiling: a bare Fastify sending a fixed body of the hot tiles' median size, same load generator.
const hotBytes = hot.map((u) => bytesByUrl.get(u) ?? 0).sort((a, b) => a - b);
const ceilingBytes = Math.max(1, hotBytes[Math.floor(hotBytes.length / 2)] ?? 1);
const ceiling = await startServer(0, ceilingBytes);
const ceilingStats = new Map<number, Stats>();
for (const c of CONCURRENCY) ceilingStats.set(c, await load({ port: ceiling.port, connections: c, urls: hot, duration: WARM_S }));
ceiling.child.kill('SIGTERM');

// ---- report -------------------------------------------------------------------------------------
for (const c of CONCURRENCY) {
  results.push(row(`DB floor c=${c}`, floorRow(c)));
  results.push(row(`cold c=${c}`, coldStats.get(c)!, floorRow(c)));
  results.push(row(`warm c=${c}`, warmStats.get(c)!));
  results.push(row(`ceiling c=${c}`, ceilingStats.get(c)!));
}
if (soak) results.push(row(`soak ${SOAK_S}s c=64`, soak));
const heavy = urls.filter((u) => (pairedFloor.get(u) ?? 0) >= 20);
const heavyFloor = heavy.reduce((a, u) => a + pairedFloor.get(u)!, 0);
const paired = percentiles(urls.map((u) => pairedFloor.get(u)!));
const pairedCold = percentiles(urls.map((u) => coldPerUrl.get(u)!));
const added = percentiles(urls.map((u) => coldPerUrl.get(u)! - pairedFloor.get(u)!));
const heavyCold = heavy.reduce((a, u) => a + coldPerUrl.get(u)!, 0);
const pgVersion = (await pool.query('SELECT version() v')).rows[0].v.split(',')[0];
await pool.end();

const sizes = urls.map((u) => bytesByUrl.get(u)!).sort((a, b) => a - b);
console.log(`\nCityCheck tile benchmark — ${new Date().toISOString()}`);
console.log(`machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${pgVersion}`);
console.log(`dataset: ${datasetLabel}`);
console.log(`tiles: ${urls.length} non-empty distinct tiles (${empty} empty left out) from ${VIEWPORTS} viewports × z10–17 × ${LAYER_SETS.length} layer sets [${LAYER_SETS.join(' | ')}]`);
console.log(`tile bytes (uncompressed): median ${sizes[sizes.length >> 1]}, p95 ${sizes[Math.floor(sizes.length * 0.95)]}, max ${sizes.at(-1)}`);
for (let z = 10; z <= 17; z++) {
  const zs = urls.filter((u) => u.includes(`/${z}/`)).map((u) => bytesByUrl.get(u)!);
  const zf = urls.filter((u) => u.includes(`/${z}/`)).map((u) => floorMsByUrl.get(u)!);
  if (zs.length) console.log(`  z${z}: ${zs.length} tiles, max ${Math.max(...zs)} B, DB floor p50 ${percentiles(zf).p50.toFixed(2)} ms, max ${Math.max(...zf).toFixed(1)} ms`);
}
console.log(table(results));
console.log(`paired c=1 (same tile: floor then HTTP cold, back to back): floor p50 ${paired.p50.toFixed(2)} ms, cold p50 ${pairedCold.p50.toFixed(2)} ms, added by the server p50 ${added.p50.toFixed(2)} ms (p95 ${added.p95.toFixed(2)} ms)`);
console.log(heavy.length ? `heavy tiles (floor ≥ 20 ms): ${heavy.length}, cold/floor = ${(heavyCold / heavyFloor).toFixed(3)}` : 'heavy tiles (floor ≥ 20 ms): none');
console.log(`warm server RSS: ${rssBefore.toFixed(0)} MiB before soak, ${rssAfter.toFixed(0)} MiB after (cache bound 256 MiB)`);
console.log(`ceiling rows: a bare Fastify answering every tile URL with a fixed ${ceilingBytes}-byte body (the hot tiles' median), same load generator: what no Fastify tile server can beat on this machine`);

async function ensureData(): Promise<string> {
  const count = async () => Number((await pool.query('SELECT count(*) n FROM app.building')).rows[0].n);
  if ((await count()) === 0) {
    if (synthetic) {
      console.log('Loading the synthetic grid city …');
      await loadSyntheticCity(pool);
    } else if (datasetArg) {
      const { getDataset, datasetSource } = await import('../../geodata/datasets.ts');
      const { importOsm } = await import('../../geodata/osm/import-osm.ts');
      const d = getDataset(datasetArg);
      console.log(`Loading ${d.name} …`);
      await importOsm(pool, { ...datasetSource(d, config.geodataDir), dataset: d, checkYear: new Date().getFullYear(), adminLevels: d.adminLevels, log: () => {} });
    } else {
      const file = path.join(REPO_ROOT, 'geodata/default-dataset.ts');
      if (!fs.existsSync(file)) throw new Error('geodata/default-dataset.ts is missing: run with --synthetic, or load a city first.');
      const { loadDefaultDataset } = await import(file);
      console.log('Loading the default city (central Nanjing) …');
      await loadDefaultDataset(pool, { geodataDir: config.geodataDir, log: () => {} });
    }
  }
  const ds = (await pool.query(`SELECT string_agg(id || ' (' || name || ')', ', ') s FROM app.dataset`)).rows[0].s;
  const n = (await pool.query(`SELECT (SELECT count(*) FROM app.building) b, (SELECT count(*) FROM app.base_road) r, (SELECT count(*) FROM app.estate) e`)).rows[0];
  return `${ds} — ${n.b} buildings, ${n.r} road segments, ${n.e} estates${synthetic ? ' [SYNTHETIC]' : ''}`;
}
