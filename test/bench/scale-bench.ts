/**
 * `npm run bench:scale` (not part of `npm test`): every engine on a SYNTHETIC city of ~10^5 and
 * ~10^6 buildings (test/bench/scale-city.ts: real OSM extracts tiled with fresh ids and offsets,
 * loaded through the product's OSM importer), each beside the strongest simple baseline measured in
 * the same run, with the ratio and the issue's target:
 *
 *   import           importOsm (osm2pgsql → staging → promote)   vs the osm2pgsql step alone
 *   tile cold p50    HTTP, cache off, paired per tile (z13–16)   vs the same tile SQL straight through pg
 *   heavy tiles      z10–12 HTTP cold: p95 and largest body      vs the same SQL through pg (p95)
 *   park coverage    analysis.green_coverage_run official / walking
 *                                                               vs one PostGIS statement: union of the
 *                                                                  size-rule buffers ∩ dissolved residential land
 *   life circles     LifeCircleService.report, all estates × all types (graph loaded first)
 *                                                               vs one multi-source pgr_drivingDistance per type
 *   click isochrone  LifeCircleService.isochrone 5/10/15 min, p50 vs one pgr_drivingDistance per click, p50
 *   check cycle      computeCycle                                vs the same engines called one by one
 *   server RSS       bench server after the walking graph and access table are built, against a
 *                    documented budget (docs/scale.md: 256 MiB + 1,792 MiB per 10^6 buildings, i.e. 2 GiB for a
 *                    10^6-building city)
 *
 * Where a target is missed the table says MISSED. Each size has its own database
 * (`<db>_<buildings>` on the local test cluster, or beside DATABASE_URL); `--reuse` keeps an imported
 * city (the import row then says so). Figures are wall-clock on whatever machine runs it, shared or not.
 *
 *   --sizes 100000,1000000   --db citycheck_scale   --out .data/scale   --reuse   --skip tiles,check
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { REPO_ROOT } from '../../server/config.ts';
import { LifeCircleService } from '../../server/analysis/life-circle/life-circle-service.ts';
import { activeIndicators, computeCycle } from '../../server/check/cycle-service.ts';
import { ENGINES, type CheckServices } from '../../server/check/engines.ts';
import { loadWalkGraph } from '../../server/graph/load-walk-graph.ts';
import { WalkGraphService } from '../../server/plugins/walk-graph.ts';
import { cityRepository } from '../../server/repositories/city-repository.ts';
import { lifeCircleRepository } from '../../server/repositories/life-circle-repository.ts';
import { createCatalog } from '../../tiles/catalog.ts';
import { lonLatToTileXY } from '../../tiles/tile-math.ts';
import { planTile } from '../../tiles/tile-query.ts';
import { DEFAULT_BYTE_BUDGET } from '../../tiles/tile-service.ts';
import { oneStatementCoverage } from './coverage-baseline.ts';
import { percentiles } from './report.ts';
import { generateScaleCity, importScaleCity, scaleDatabase } from './scale-city.ts';

pg.types.setTypeParser(20, (v) => Number(v));
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    db: { type: 'string', default: 'citycheck_scale' },
    out: { type: 'string', default: path.join(REPO_ROOT, '.data/scale') },
    reuse: { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
  },
});
const sizes = values.sizes!.split(',').map(Number);
if (!sizes.every((n) => Number.isInteger(n) && n >= 1000 && n <= 5_000_000)) {
  console.error(`--sizes must be integers 1000–5000000, comma-separated, got "${values.sizes}"`);
  process.exit(2);
}
const skip = new Set(values.skip!.split(',').filter(Boolean));
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

/** One line of the final table. */
interface Row { size: string; engine: string; ours: string; baseline: string; ratio: string; target: string; verdict: string }
const rows: Row[] = [];
/** Adds a row and prints it at once (a later crash loses nothing measured). */
function push(r: Row) {
  rows.push(r);
  log(`ROW ${Object.values(r).join(' | ')}`);
}
/** Runs one stage; a failure becomes a row saying so, and the next stages still run. */
async function stage(label: string, name: string, f: () => Promise<unknown>) {
  try {
    await f();
    log(`${label}: ${name} done`);
  } catch (err) {
    push({ size: label, engine: name, ours: `FAILED: ${(err as Error).message.slice(0, 120)}`, baseline: '', ratio: '', target: '', verdict: 'MISSED' });
  }
}
const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const verdict = (ok: boolean | null) => (ok === null ? '' : ok ? 'met' : 'MISSED');

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

// ---- the bench server (tiles, RSS) -------------------------------------------------------------
async function startServer(databaseUrl: string): Promise<{ pid: number; port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/bench/bench-server.ts')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, TILE_CACHE_MB: '0', STATEMENT_TIMEOUT_MS: '600000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => child.kill('SIGTERM');
  process.on('exit', stop);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return { pid: child.pid!, port, stop };
}
const procMiB = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function httpGet(port: number, p: string): Promise<{ status: number; bytes: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - t0 }));
    }).on('error', reject);
  });
}

/** Most facility vertices one baseline pgr_drivingDistance call starts from (see lifeCircles). */
const BASELINE_MAX_SOURCES = 300;
const LAYER_SETS = ['landuse,water,roads,buildings,places', 'estates,green_spaces,waterlogging,facilities,heritage_zones'];

/** Building points spread over the city (deterministic: ordered by a hash of the id). */
async function samplePoints(pool: pg.Pool, ds: string, n: number): Promise<[number, number][]> {
  const { rows: r } = await pool.query(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
    SELECT ST_PointOnSurface(geom) AS p FROM app.building WHERE dataset_id = $1 ORDER BY md5(id::text) LIMIT $2) s`, [ds, n]);
  return r.map((x) => [x.lon, x.lat]);
}

async function tiles(pool: pg.Pool, ds: string, port: number, label: string) {
  const catalog = createCatalog();
  const tileList = (centres: [number, number][], zooms: number[], dx: number, dy: number) => {
    const set = new Set<string>();
    for (const [lon, lat] of centres) for (const z of zooms) {
      const [cx, cy] = lonLatToTileXY(lon, lat, z);
      for (let x = Math.floor(cx) - dx; x <= Math.floor(cx) + dx; x++) for (let y = Math.floor(cy) - dy; y <= Math.floor(cy) + dy; y++) {
        for (const l of LAYER_SETS) set.add(`${l}/${z}/${x}/${y}`);
      }
    }
    return [...set].map((t) => {
      const [layers, z, x, y] = t.split('/');
      return { url: `/tiles/${t}.mvt`, z: Number(z), query: planTile(catalog.resolve(layers!), { z: Number(z), x: Number(x), y: Number(y) }).query };
    }).filter((t) => t.query);
  };
  const floor = async (t: { query: { text: string; values: readonly unknown[] } | null }) => {
    const t0 = performance.now();
    const r = await pool.query({ text: t.query!.text, values: t.query!.values as unknown[] });
    return { ms: performance.now() - t0, bytes: (r.rows[0]?.mvt as Buffer | null)?.length ?? 0 };
  };
  // viewport tiles z13–16: floor then HTTP for the same tile, back to back (c = 1), after one warm pass of the SQL
  const views = tileList(await samplePoints(pool, ds, 6), [13, 14, 15, 16], 1, 1);
  for (const t of views) await floor(t);
  const fl: number[] = [], cold: number[] = [];
  for (const t of views) {
    const f = await floor(t);
    if (!f.bytes) continue;
    fl.push(f.ms);
    cold.push((await httpGet(port, t.url)).ms);
  }
  const pf = percentiles(fl), pc = percentiles(cold);
  const added = pc.p50 - pf.p50;
  push({ size: label, engine: `tile cold p50, z13–16 (${pf.n} tiles, c=1)`, ours: fmtMs(pc.p50), baseline: `${fmtMs(pf.p50)} DB floor`, ratio: `+${added.toFixed(2)} ms`, target: '≤ floor + 1 ms', verdict: verdict(added <= 1) });
  // heavy low-zoom tiles z10–12 around 4 centres (3 × 3 tiles each)
  const heavy = tileList(await samplePoints(pool, ds, 4), [10, 11, 12], 1, 1);
  const hf: number[] = [], hc: number[] = [];
  let maxBytes = 0, maxBytesBelow = 0, n = 0;
  for (const t of heavy) {
    const f = await floor(t);
    if (!f.bytes) continue;
    n++;
    hf.push(f.ms);
    const h = await httpGet(port, t.url);
    if (h.status !== 200) throw new Error(`${t.url}: HTTP ${h.status}`);
    hc.push(h.ms);
    maxBytes = Math.max(maxBytes, h.bytes);
    if (t.z < DEFAULT_BYTE_BUDGET.belowZoom) maxBytesBelow = Math.max(maxBytesBelow, h.bytes);
  }
  const phf = percentiles(hf), phc = percentiles(hc);
  push({ size: label, engine: `heavy tiles z10–12 p95 (${n} tiles)`, ours: fmtMs(phc.p95), baseline: `${fmtMs(phf.p95)} DB floor`, ratio: ratio(phc.p95, phf.p95), target: '< 500 ms', verdict: verdict(phc.p95 < 500) });
  push({ size: label, engine: 'heavy tiles: largest body z10–11 / z12', ours: `${(maxBytesBelow / 1024).toFixed(0)} / ${(maxBytes / 1024).toFixed(0)} KiB`, baseline: '', ratio: '',
    target: `z<${DEFAULT_BYTE_BUDGET.belowZoom} ≤ ${DEFAULT_BYTE_BUDGET.maxBytes / 1024} KiB`, verdict: verdict(maxBytesBelow <= DEFAULT_BYTE_BUDGET.maxBytes) });
}

/** Server RSS once the walking graph and the access table of the city are built (first 200 of an isochrone). */
async function serverRss(pool: pg.Pool, ds: string, server: { pid: number; port: number }, label: string, buildings: number, edges: number) {
  const before = procMiB(server.pid, 'VmRSS');
  const [[lon, lat]] = await samplePoints(pool, ds, 1) as [[number, number]];
  const t0 = performance.now();
  let status = 0;
  while (status !== 200 && performance.now() - t0 < 15 * 60_000) {
    status = (await httpGet(server.port, `/api/analysis/isochrone?lon=${lon}&lat=${lat}&minutes=5,10,15&dataset=${ds}`)).status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 1000));
  }
  const firstMs = performance.now() - t0;
  const after = procMiB(server.pid, 'VmRSS');
  const peak = procMiB(server.pid, 'VmHWM');
  const budget = 256 + (1792 * buildings) / 1e6;
  push({ size: label, engine: `server RSS, walking graph loaded (${edges} edges)`, ours: `${after.toFixed(0)} MiB (peak ${peak.toFixed(0)})`, baseline: `${before.toFixed(0)} MiB before the graph`,
    ratio: `graph+table ${(after - before).toFixed(0)} MiB`, target: `≤ ${budget.toFixed(0)} MiB`, verdict: verdict(status === 200 && peak <= budget) });
  push({ size: label, engine: 'first isochrone (loads graph + access table)', ours: status === 200 ? fmtMs(firstMs) : `HTTP ${status}`, baseline: '', ratio: '', target: '', verdict: '' });
}

async function coverage(pool: pg.Pool, ds: string, label: string) {
  const [off, offMs] = await timed(() => pool.query(`SELECT analysis.green_coverage_run(mode => 'official', dataset_id => $1) AS id`, [ds]));
  const [walk, walkMs] = await timed(() => pool.query(`SELECT analysis.green_coverage_run(mode => 'walking', dataset_id => $1) AS id`, [ds]));
  const summary = async (id: number) => (await pool.query(`SELECT summary FROM app.coverage_run WHERE id = $1`, [id])).rows[0].summary;
  const so = await summary(off.rows[0].id), sw = await summary(walk.rows[0].id);
  const [basePct, baseMs] = await timed(() => oneStatementCoverage(pool, ds));
  push({ size: label, engine: `park coverage official (${Number(so.official_pct).toFixed(2)} %; baseline ${basePct.toFixed(2)} %)`, ours: fmtMs(offMs), baseline: `${fmtMs(baseMs)} one statement`, ratio: ratio(offMs, baseMs), target: '< 10 s', verdict: verdict(offMs < 10_000) });
  push({ size: label, engine: `park coverage walking (${Number(sw.walking_pct).toFixed(2)} %)`, ours: fmtMs(walkMs), baseline: `${fmtMs(baseMs)} one statement (official)`, ratio: ratio(walkMs, baseMs), target: '< 60 s', verdict: verdict(walkMs < 60_000) });
}

async function lifeCircles(pool: pg.Pool, db: Kysely<unknown>, ds: string, label: string, services: CheckServices) {
  const graphs = new WalkGraphService(() => loadWalkGraph(db), (m, err) => (err ? console.error(m, err) : undefined));
  const service = new LifeCircleService(lifeCircleRepository(db), graphs, cityRepository(db), { deadlineMs: 600_000 });
  services.lifeCircle = service;
  const [graph, loadMs] = await timed(() => graphs.get());
  const catalog = await lifeCircleRepository(db).catalog(ds);
  const types = catalog.filter((c) => c.standardDistanceM != null).map((c) => c.code);
  const scoped = await service.scoped({ dataset: ds, types });
  const [report, reportMs] = await timed(() => service.report(scoped));
  const table = await service.table(scoped.params.maxDistanceM);
  const estates = table.estateSnaps.length;
  // baseline: one multi-source pgr_drivingDistance (equicost) per type on the reversed edges, from the
  // facilities' vertices, to the same cut-off (vertex level: no partial edges, no estate read)
  const edgesSql = `SELECT id, target AS source, source AS target, cost, reverse_cost FROM app.walk_edge WHERE dataset_id = ${pg.escapeLiteral(ds)}`;
  const facilityVertices = (t: string) => [...new Set(table.facilities(t).filter((f) => f.snap).map((f) => graph.vertexId[graph.edgeSrc[f.snap!.edge]!]!))];
  const withFacilities = types.filter((t) => facilityVertices(t).length);
  // With all sources at once, pgr_drivingDistance(equicost) on the 10^6 city's 1.4M edges grew one
  // backend to 23 GB and the OOM killer ended it (sending the cluster into crash recovery). Above
  // BASELINE_MAX_SOURCES a type runs on its first sources only: the time measured is then a lower
  // bound of the baseline (≥), and the ratio flatters the baseline, not CityCheck.
  let baseMs = 0, scaled = false;
  for (const t of withFacilities) {
    const all = facilityVertices(t);
    const used = all.slice(0, BASELINE_MAX_SOURCES);
    const [, ms] = await timed(() => pool.query(`SELECT count(*) FROM pgr_drivingDistance($1, $2::bigint[], $3::float8, directed := true, equicost := true)`, [edgesSql, used, scoped.params.maxDistanceM]));
    baseMs += ms;
    scaled ||= used.length < all.length;
  }
  push({ size: label, engine: `life circles: ${estates} estates × ${types.length} types (${withFacilities.length} with facilities)`, ours: fmtMs(reportMs),
    baseline: `${scaled ? '≥ ' : ''}${fmtMs(baseMs)} pgr_drivingDistance × ${withFacilities.length}${scaled ? ` (≤ ${BASELINE_MAX_SOURCES} sources each)` : ''}`,
    ratio: `${scaled ? '≤ ' : ''}${ratio(reportMs, baseMs)}`, target: '< 20 s', verdict: verdict(reportMs < 20_000) });
  push({ size: label, engine: `  walking graph load (${graph.vertexCount} v / ${graph.edgeCount} e), before the above`, ours: fmtMs(loadMs), baseline: '', ratio: '', target: '', verdict: '' });
  void report;
  // click isochrones 5/10/15 min at random building points, graph and table warm
  const pts = await samplePoints(pool, ds, 60);
  const iso: number[] = [], base: number[] = [];
  const maxM = 15 * scoped.params.speedMPerMin;
  for (const [k, [lon, lat]] of pts.entries()) {
    const [, ms] = await timed(() => service.isochrone(lon, lat, [5, 10, 15], scoped));
    iso.push(ms);
    if (k < 10) {
      const snap = graph.snap(lon, lat);
      if (!snap) continue;
      const v = graph.vertexId[graph.edgeSrc[snap.edge]!]!;
      const [, bms] = await timed(() => pool.query(`SELECT count(*) FROM pgr_drivingDistance($1, $2::bigint, $3::float8, directed := true)`,
        [edgesSql.replace('target AS source, source AS target', 'source, target'), v, maxM]));
      base.push(bms);
    }
  }
  const pi = percentiles(iso), pb = percentiles(base);
  push({ size: label, engine: `click isochrone 5/10/15 min p50 (${pi.n} clicks)`, ours: fmtMs(pi.p50), baseline: `${fmtMs(pb.p50)} pgr_drivingDistance (${pb.n})`, ratio: ratio(pi.p50, pb.p50), target: '< 50 ms', verdict: verdict(pi.p50 < 50) });
  return graphs;
}

async function checkCycle(pool: pg.Pool, db: Kysely<unknown>, ds: string, label: string, services: CheckServices) {
  const year = 2025;
  await pool.query(`DELETE FROM app.check_problem WHERE dataset_id = $1`, [ds]);
  await pool.query(`DELETE FROM app.check_cycle WHERE dataset_id = $1`, [ds]);
  const { rows: [cy] } = await pool.query(`INSERT INTO app.check_cycle (dataset_id, year, title) VALUES ($1, $2, 'bench:scale') RETURNING id`, [ds, year]);
  // the same engines one by one, grouped as the cycle groups them (as bench:check does)
  const defs = (await activeIndicators(db, ds, '2024')).filter((d) => d.engine);
  const groups = new Map<string, (typeof defs)[number]>();
  for (const d of defs) groups.set(`${d.engine}:${JSON.stringify(d.params)}`, d);
  const { rows: st } = await pool.query(`SELECT 'city' AS scope, key, value FROM app.dataset_setting WHERE dataset_id = $1 UNION ALL SELECT 'installation', key, value FROM app.setting`, [ds]);
  const settings = { city: {} as Record<string, unknown>, installation: {} as Record<string, unknown> };
  for (const r of st) settings[r.scope as 'city' | 'installation'][r.key] = r.value;
  const [, aloneMs] = await timed(async () => {
    for (const d of groups.values()) await ENGINES[d.engine!].run({ db, dataset: ds, year, params: d.params, settings, services });
  });
  const [res, cycleMs] = await timed(() => computeCycle(db, Number(cy.id), services));
  const errs = res.steps.filter((s) => s.error);
  push({ size: label, engine: `check cycle (${res.values} values${errs.length ? `; ${errs.length} steps failed` : ''})`, ours: fmtMs(cycleMs), baseline: `${fmtMs(aloneMs)} engines one by one`, ratio: ratio(cycleMs, aloneMs), target: '< 2 min', verdict: verdict(cycleMs < 120_000 && !errs.length) });
  if (errs.length) log(`check cycle steps failed: ${errs.map((s) => `${s.engine} (${s.error})`).join('; ')}`);
}

for (const size of sizes) {
  const label = size >= 1e6 ? `${(size / 1e6).toFixed(size % 1e6 ? 1 : 0)}M` : `${(size / 1e3).toFixed(0)}k`;
  const url = await scaleDatabase(`${values.db}_${size}`);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  let ds = (await pool.query(`SELECT id FROM app.dataset WHERE id LIKE 'scale\\_%' ORDER BY id LIMIT 1`)).rows[0]?.id as string | undefined;
  if (!ds || !values.reuse) {
    log(`${label}: generating the SYNTHETIC city …`);
    const file = await generateScaleCity({ buildings: size, outDir: values.out!, log });
    log(`${label}: PBF ${(file.bytes / 2 ** 20).toFixed(0)} MiB (${file.nodes} nodes, ${file.ways} ways) in ${file.seconds.toFixed(1)} s; importing through importOsm …`);
    const imp = await importScaleCity(pool, file, () => {});
    ds = imp.datasetId;
    const importMs = imp.seconds * 1000;
    push({ size: label, engine: `import (PBF ${(file.bytes / 2 ** 20).toFixed(0)} MiB; peak RSS osm2pgsql ${imp.peak.osm2pgsqlMiB.toFixed(0)} MiB, node ${imp.peak.nodeMiB.toFixed(0)} MiB)`,
      ours: fmtMs(importMs), baseline: `${fmtMs(imp.osm2pgsqlSeconds * 1000)} osm2pgsql step`, ratio: ratio(importMs, imp.osm2pgsqlSeconds * 1000), target: '< 10 min', verdict: verdict(importMs < 600_000) });
    log(`${label}: imported in ${imp.seconds.toFixed(0)} s`);
  } else {
    push({ size: label, engine: 'import', ours: '(reused, see an earlier run)', baseline: '', ratio: '', target: '', verdict: '' });
  }
  await pool.query('ANALYZE');
  const { rows: [c] } = await pool.query(`SELECT (SELECT count(*) FROM app.building WHERE dataset_id = $1) AS b, (SELECT count(*) FROM app.estate WHERE dataset_id = $1) AS e,
    (SELECT count(*) FROM app.walk_edge WHERE dataset_id = $1) AS w, (SELECT count(*) FROM app.facility WHERE dataset_id = $1) AS f, pg_database_size(current_database()) AS bytes`, [ds]);
  push({ size: label, engine: `city ${ds}: ${c.b} buildings, ${c.e} estates, ${c.w} walk edges, ${c.f} facilities`, ours: `DB ${(c.bytes / 2 ** 20).toFixed(0)} MiB`, baseline: '', ratio: '', target: '', verdict: '' });
  log(`${label}: ${c.b} buildings; engines …`);
  if (!skip.has('tiles')) {
    const server = await startServer(url);
    await stage(label, 'tiles', () => tiles(pool, ds!, server.port, label));
    await stage(label, 'server RSS', () => serverRss(pool, ds!, server, label, c.b, c.w));
    server.stop();
  }
  if (!skip.has('coverage')) await stage(label, 'park coverage', () => coverage(pool, ds!, label));
  const services: CheckServices = {};
  let graphs: WalkGraphService | null = null;
  if (!skip.has('life')) await stage(label, 'life circles', async () => void (graphs = await lifeCircles(pool, db, ds!, label, services)));
  if (!skip.has('check') && graphs) await stage(label, 'check cycle', () => checkCycle(pool, db, ds!, label, services));
  (graphs as WalkGraphService | null)?.close();
  await db.destroy();
  printTable();
}
agent.destroy();

function printTable() {
  const head: Row = { size: 'size', engine: 'engine (SYNTHETIC city)', ours: 'CityCheck', baseline: 'baseline (same run)', ratio: 'ratio', target: 'target', verdict: '' };
  const all = [head, ...rows];
  const keys = Object.keys(head) as (keyof Row)[];
  const w = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  console.log(`\nCityCheck bench:scale — ${new Date().toISOString()}; ${os.cpus()[0]?.model} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  for (const r of all) console.log(keys.map((k, i) => r[k].padEnd(w[i]!)).join(' | '));
}
process.exit(0);
