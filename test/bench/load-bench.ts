/**
 * `npm run bench:load`: does heavy analysis work multiply tile latency? The real app in its own
 * process on 127.0.0.1 (test/fuzz/serve-app.ts) with the default city, loaded for `--seconds` twice:
 *
 *   tiles alone    64 connections (autocannon) of mixed vector tiles: viewports z12–z17 around the
 *                  city, basemap composite, product overlay and single layers (after one warm-up pass)
 *   tiles + heavy  the same, while 16 more connections loop over analysis requests: 生活圈 runs
 *                  (GET /api/analysis/life-circle), click isochrones, 生活圈 what-ifs and 绿地覆盖
 *                  what-ifs (POST …/green-coverage/{runId}/what-if), with varying parameters
 *
 * Reports errors, tile p50/p99 of both runs side by side with their ratio, analysis throughput and
 * latency per kind, /api/health latency probed once a second, and the server's RSS (sampled every
 * second: max and a few points over time), and the CPU the server process and the whole machine used
 * in each run (the load generator shares the machine). Not a test: nothing here asserts timings.
 *
 *   --seconds <n>               per run (default 60)
 *   --tile-connections <n>      (default 64)
 *   --analysis-connections <n>  (default 16)
 *   --rate-limit                keep the per-client rate limit of the analysis routes on (default off:
 *                               the load comes from one client, which the limit would mostly answer 429)
 *   --database <url>            an existing database with its city, used as it is instead of a re-created
 *                               one with the default city: e.g. bench:scale's SYNTHETIC 10^6-building city
 *                               (`postgres://…/citycheck_scale_1000000`); the green-coverage what-ifs then
 *                               use the city's latest stored coverage run when there is one
 *
 * Database: `<database>_bench_load` beside DATABASE_URL's or the local cluster's, re-created with the
 * default city. Loopback traffic only.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../../server/config.ts';
import { cityDatabaseBeside, configuredDatabaseUrl } from '../fuzz/city-database.ts';
import { fuzzAdminToken } from '../fuzz/fuzz-account.ts';
import { rng } from '../fuzz/rng.ts';
import { ServerProcess } from '../fuzz/server-process.ts';
import { square } from '../fuzz/hostile-geojson.ts';
import { percentiles } from './report.ts';

/** The part of autocannon's API used here (no @types/autocannon installed). */
interface Cannon extends PromiseLike<{ duration: number; errors: number; timeouts: number; non2xx: number }> {
  on(event: 'response', fn: (client: unknown, status: number, resBytes: number, ms: number) => void): void;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Cannon;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'tile-connections': { type: 'string', default: '64' },
    'analysis-connections': { type: 'string', default: '16' },
    'rate-limit': { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});
const positive = (name: string, v: string | undefined, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be an integer in 1–${max}, got "${v}"`);
    process.exit(2);
  }
  return n;
};
const SECONDS = positive('seconds', values.seconds, 3_600);
const TILE_CONNECTIONS = positive('tile-connections', values['tile-connections'], 1_024);
const ANALYSIS_CONNECTIONS = positive('analysis-connections', values['analysis-connections'], 256);

const config = loadConfig();
const databaseUrl = values.database ?? await cityDatabaseBeside(await configuredDatabaseUrl(), 'bench_load');
const pgAdmin = new pg.Client({ connectionString: databaseUrl });
await pgAdmin.connect();
const server = new ServerProcess({ databaseUrl, statementTimeoutMs: config.statementTimeoutMs, rateLimit: values['rate-limit'] });
await server.start();
const base = `http://127.0.0.1:${server.port}`;
// Analyses run as the fuzzer's admin account (writes need a planner): an API token made in the database.
const auth = { authorization: `Bearer ${await fuzzAdminToken(databaseUrl)}` };
const getJson = async <T>(p: string, init?: RequestInit): Promise<T> => {
  const r = await fetch(base + p, { ...init, headers: { ...auth, ...init?.headers as Record<string, string> }, signal: AbortSignal.timeout(120_000) });
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${p}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};

// ---- what to request -------------------------------------------------------------------------------
const collection = await getJson<{ extent?: { spatial?: { bbox?: number[][] } } }>('/collections/estates');
const bbox = collection.extent?.spatial?.bbox?.[0] ?? [118.76, 32.03, 118.8, 32.06];
const [x0, y0, x1, y1] = bbox as [number, number, number, number];
const centre: [number, number] = [(x0 + x1) / 2, (y0 + y1) / 2];
const catalog = await getJson<{ id: string; basemap?: boolean }[]>('/tiles/catalog');
const basemap = catalog.filter((c) => c.basemap).map((c) => c.id);
const overlay = catalog.filter((c) => !c.basemap && !/shortfall/.test(c.id)).map((c) => c.id);
const layerSets = [basemap.join(','), overlay.slice(0, 5).join(','), ...catalog.filter((c) => !/shortfall/.test(c.id)).map((c) => c.id)].filter(Boolean);
const r = rng(7);
const tileOf = (lon: number, lat: number, z: number) => {
  const n = 2 ** z;
  const s = Math.sin((lat * Math.PI) / 180);
  return [Math.floor(((lon + 180) / 360) * n), Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n)] as const;
};
const tileSet = new Set<string>();
for (let v = 0; v < 8; v++) {
  const lon = x0 + (x1 - x0) * (0.15 + 0.7 * r.next());
  const lat = y0 + (y1 - y0) * (0.15 + 0.7 * r.next());
  for (let z = 12; z <= 17; z++) {
    const [cx, cy] = tileOf(lon, lat, z);
    for (let dx = -2; dx <= 2; dx++) for (let dy = -1; dy <= 1; dy++) tileSet.add(`/tiles/${r.pick(layerSets)}/${z}/${cx + dx}/${cy + dy}.mvt`);
  }
}
const tileUrls = [...tileSet].sort(() => r.next() - 0.5);

// A city of 10^6 buildings needs minutes for a walking coverage run: reuse a stored one there.
const storedRun = values.database ? (await pgAdmin.query('SELECT max(id)::int AS id FROM app.coverage_run')).rows[0]?.id as number | null : null;
const runs = storedRun ? { runId: storedRun } : await getJson<{ runId?: number; id?: number }>('/api/analysis/green-coverage', {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'both' }),
});
const runId = runs.runId ?? runs.id;
const facility = await getJson<{ types: { code: string; standardDistanceM?: number | null }[] }>('/api/facility-types');
const codes = facility.types.filter((t) => t.standardDistanceM).map((t) => t.code);
const datasets = (await getJson<{ datasets?: { id: string; isSample?: boolean }[] }>('/api/health')).datasets ?? [];
const dataset = datasets.find((d) => !d.isSample)?.id;

type Kind = 'life-circle' | 'isochrone' | 'life-circle what-if' | 'green-coverage what-if';
const KINDS: Kind[] = ['life-circle', 'isochrone', 'life-circle what-if', 'green-coverage what-if'];
/** One analysis request of `kind` with parameters that vary, so nothing is served from a cache. */
function analysisRequest(kind: Kind, k: number): { method: string; path: string; body?: string } {
  const lon = centre[0] + (r.next() - 0.5) * (x1 - x0) * 0.6;
  const lat = centre[1] + (r.next() - 0.5) * (y1 - y0) * 0.6;
  const ds = dataset ? `&dataset=${dataset}` : '';
  switch (kind) {
    case 'life-circle':
      return { method: 'GET', path: `/api/analysis/life-circle?types=${[codes[k % codes.length], codes[(k * 7 + 3) % codes.length]].join(',')}&speed=${60 + (k % 40)}${ds}` };
    case 'isochrone':
      return { method: 'GET', path: `/api/analysis/isochrone?lon=${lon.toFixed(5)}&lat=${lat.toFixed(5)}&minutes=5,10,15` };
    case 'life-circle what-if':
      return { method: 'POST', path: '/api/analysis/life-circle/what-if', body: JSON.stringify({ type: codes[k % codes.length], lon, lat, ...(dataset ? { dataset } : {}) }) };
    case 'green-coverage what-if':
      return { method: 'POST', path: `/api/analysis/green-coverage/${runId}/what-if`, body: JSON.stringify({ parks: { type: 'Polygon', coordinates: [square([lon, lat], 0.001 + (k % 5) * 0.0005)] } }) };
  }
}

// ---- load ------------------------------------------------------------------------------------------
interface TileStats { n: number; rps: number; p50: number; p99: number; errors: number; statuses: Record<string, number> }
async function tileLoad(seconds: number, connections = TILE_CONNECTIONS, amount?: number): Promise<TileStats> {
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  let i = 0;
  const inst = autocannon({
    url: base, connections, ...(amount !== undefined ? { amount } : { duration: seconds }),
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, path: tileUrls[i++ % tileUrls.length] }) }],
  });
  inst.on('response', (_c, status, _bytes, ms) => {
    lat.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const res = await inst;
  const bad = Object.entries(statuses).filter(([s]) => s !== '200' && s !== '204').reduce((a, [, n]) => a + n, 0);
  const p = percentiles(lat);
  return { n: lat.length, rps: lat.length / (res.duration || 1), p50: p.p50, p99: p.p99, errors: res.errors + res.timeouts + bad, statuses };
}

interface AnalysisStats { done: Record<Kind, number[]>; errors: Record<string, number>; seconds: number }
async function analysisLoad(stop: () => boolean): Promise<AnalysisStats> {
  const done = Object.fromEntries(KINDS.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
  const errors: Record<string, number> = {};
  const agent = new http.Agent({ keepAlive: true, maxSockets: ANALYSIS_CONNECTIONS });
  const t0 = performance.now();
  let k = 0;
  await Promise.all(Array.from({ length: ANALYSIS_CONNECTIONS }, async () => {
    while (!stop()) {
      const n = k++;
      const kind = KINDS[n % KINDS.length]!;
      const q = analysisRequest(kind, n);
      const s = performance.now();
      const status = await new Promise<string>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port: server.port, method: q.method, path: q.path, agent, timeout: 60_000,
          headers: { ...auth, ...(q.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(q.body) } : {}) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (e) => resolve(`connection: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
        req.end(q.body);
      });
      if (status.startsWith('2')) done[kind].push(performance.now() - s);
      else errors[`${kind} ${status}`] = (errors[`${kind} ${status}`] ?? 0) + 1;
    }
  }));
  agent.destroy();
  return { done, errors, seconds: (performance.now() - t0) / 1000 };
}

/** Busy and total jiffies of the whole machine (/proc/stat). */
function machineJiffies(): { busy: number; total: number } {
  const [, ...v] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = v.map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU seconds used so far by the PostgreSQL backends serving the bench database, by pid. */
async function backendCpu(): Promise<Map<number, number>> {
  const { rows } = await pgAdmin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // another machine's server (DATABASE_URL elsewhere) or a backend that just ended
    }
  }
  return out;
}

/** Samples RSS and /api/health latency once a second until stopped; CPU use over the whole span. */
function monitor() {
  const t0 = performance.now();
  const cpu0 = server.cpuSeconds();
  const m0 = machineJiffies();
  const pg0 = backendCpu();
  const rss: number[] = [];
  const health: number[] = [];
  let healthErrors = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      rss.push(server.rssMiB());
      const s = performance.now();
      try {
        const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        if (res.ok) health.push(performance.now() - s);
        else healthErrors++;
      } catch {
        healthErrors++;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (performance.now() - s))));
    }
  })();
  return {
    rss, health,
    stop: async () => {
      stopped = true;
      await loop;
      const m1 = machineJiffies();
      const wall = (performance.now() - t0) / 1000;
      const serverCores = (server.cpuSeconds() - cpu0) / wall;
      const [before, after] = [await pg0, await backendCpu()];
      const pgCores = [...after].reduce((a, [pid, s]) => a + s - (before.get(pid) ?? 0), 0) / wall;
      return { rss, health, healthErrors, serverCores, pgCores, machineBusy: (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total) };
    },
  };
}

console.log(`warming up: each of ${tileUrls.length} tile URLs once, one run of each analysis kind`);
await tileLoad(0, 16, tileUrls.length);
for (const [n, kind] of KINDS.entries()) {
  const q = analysisRequest(kind, n);
  await fetch(base + q.path, { method: q.method, headers: { ...auth, ...(q.body ? { 'content-type': 'application/json' } : {}) }, ...(q.body ? { body: q.body } : {}) }).then((x) => x.arrayBuffer());
}
const rssStart = server.rssMiB();

console.log(`tiles alone: ${TILE_CONNECTIONS} connections for ${SECONDS} s …`);
const m1 = monitor();
const alone = await tileLoad(SECONDS);
const mon1 = await m1.stop();

console.log(`tiles + heavy: ${TILE_CONNECTIONS} tile connections and ${ANALYSIS_CONNECTIONS} analysis connections for ${SECONDS} s …`);
const m2 = monitor();
let tilesDone = false;
const heavyRun = analysisLoad(() => tilesDone);
const mixed = await tileLoad(SECONDS);
tilesDone = true;
const heavy = await heavyRun;
const mon2 = await m2.stop();
const serverCrashes = server.crashes.length;
await server.stop();
await pgAdmin.end();

// ---- report ----------------------------------------------------------------------------------------
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const statusText = (s: Record<string, number>) => Object.entries(s).map(([k, v]) => `${k}×${v}`).join(' ');
const healthP = (h: number[]) => percentiles(h);
console.log(`\nCityCheck load benchmark — ${new Date().toISOString()}`);
console.log(`machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; ` +
  `statement timeout ${config.statementTimeoutMs} ms, rate limits ${values['rate-limit'] ? 'on' : 'off'}`);
if (values.database) console.log(`database: ${new URL(databaseUrl).pathname.slice(1)} (given with --database)`);
console.log(`tiles: ${tileUrls.length} distinct URLs (8 viewports × z12–17, ${layerSets.length} layer sets), cache warm`);
console.log('');
console.log('run             tile req   req/s  p50 ms  p99 ms  errors  statuses');
for (const [name, s] of [['tiles alone', alone], ['tiles + heavy', mixed]] as const) {
  console.log(`${name.padEnd(14)} ${String(s.n).padStart(9)} ${s.rps.toFixed(0).padStart(7)} ${f(s.p50).padStart(7)} ${f(s.p99).padStart(7)} ${String(s.errors).padStart(7)}  ${statusText(s.statuses)}`);
}
console.log(`ratio (tiles + heavy / tiles alone): p50 ${(mixed.p50 / alone.p50).toFixed(2)}×, p99 ${(mixed.p99 / alone.p99).toFixed(2)}×, req/s ${(mixed.rps / alone.rps).toFixed(2)}×`);
const analysisDone = KINDS.reduce((a, k) => a + heavy.done[k].length, 0);
const analysisErrors = Object.values(heavy.errors).reduce((a, b) => a + b, 0);
console.log(`analysis (${ANALYSIS_CONNECTIONS} connections, ${heavy.seconds.toFixed(0)} s): ${analysisDone} answered 2xx = ${(analysisDone / heavy.seconds).toFixed(2)}/s, ${analysisErrors} errors${analysisErrors ? ` (${statusText(heavy.errors)})` : ''}`);
for (const k of KINDS) {
  const p = percentiles(heavy.done[k]);
  console.log(`  ${k.padEnd(24)} ${String(p.n).padStart(5)} done  ${(p.n / heavy.seconds).toFixed(2).padStart(6)}/s  p50 ${f(p.p50).padStart(7)} ms  p99 ${f(p.p99).padStart(7)} ms`);
}
for (const [name, m] of [['tiles alone', mon1], ['tiles + heavy', mon2]] as const) {
  const h = healthP(m.health);
  console.log(`/api/health during ${name}: ${h.n} probes, p50 ${f(h.p50)} ms, max ${f(Math.max(...m.health, 0))} ms, ${m.healthErrors} failed`);
}
for (const [name, m] of [['tiles alone', mon1], ['tiles + heavy', mon2]] as const) {
  console.log(`CPU during ${name}: server process ${m.serverCores.toFixed(2)} cores, its PostgreSQL backends ${m.pgCores.toFixed(2)} cores, whole machine ${(m.machineBusy * 100).toFixed(0)} % busy (${os.cpus().length} cores, load generator and PostgreSQL included)`);
}
const rssAll = [...mon1.rss, ...mon2.rss].filter((x) => x > 0);
const every = Math.max(1, Math.floor(rssAll.length / 12));
console.log(`server RSS (MiB): ${rssStart.toFixed(0)} after warm-up, max ${Math.max(...mon1.rss).toFixed(0)} tiles alone, max ${Math.max(...mon2.rss).toFixed(0)} tiles + heavy, ` +
  `end ${(rssAll.at(-1) ?? 0).toFixed(0)}; every ${every} s: ${rssAll.filter((_, k) => k % every === 0).map((x) => x.toFixed(0)).join(' ')}`);
const totalErrors = alone.errors + mixed.errors + analysisErrors + mon1.healthErrors + mon2.healthErrors + serverCrashes;
console.log(totalErrors ? `errors: ${totalErrors}${serverCrashes ? ` (server crashed ${serverCrashes}×)` : ''}` : 'errors: 0');
process.exit(0);
