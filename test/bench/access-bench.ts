/**
 * `npm run bench:access` — walking access to every facility type for every origin, side by side on
 * central Nanjing, Liechtenstein and a synthetic grid city (labelled synthetic), against a naive
 * baseline on the same inputs: one pgr_dijkstra (origin vertex → all facilities of the type) per
 * origin × type, timed on a random sample and extrapolated (labelled as such). Also click-isochrone
 * p50/p95 from the in-memory graph (polygons + facility counts + JSON, as the API does).
 *
 * Runs in its own database `citycheck_bench_access` on the test cluster (.data/pg-test, port 54330)
 * or beside DATABASE_URL. No timed assertions; prints a table.
 */
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { bootstrapDatabase } from '../../server/db/bootstrap.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { EPS_M } from '../../server/graph/access.ts';
import { multiSourceDijkstra } from '../../server/graph/dijkstra.ts';
import { distanceTo, isochrone } from '../../server/graph/isochrone.ts';
import { localFrame, toLat, toLon } from '../../server/graph/geo.ts';
import { loadWalkGraph } from '../../server/graph/load-walk-graph.ts';
import { WalkGraph } from '../../server/graph/walk-graph.ts';
import { AccessTable } from '../../server/analysis/life-circle/access-table.ts';
import { lifeCircleRepository, type EstateRow, type FacilityRow, type FacilityTypeRow } from '../../server/repositories/life-circle-repository.ts';
import { loadLiechtenstein, loadNanjing } from './access-datasets.ts';

pg.types.setTypeParser(20, (v) => Number(v));
const DB = 'citycheck_bench_access';
const CUTOFF_M = 2000;
const SPEED = 80;
const log = (m: string) => console.log(m);

let seed = 20261122;
const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);

async function database(): Promise<string> {
  const config = loadConfig();
  if (config.databaseUrl) {
    const admin = new URL(config.databaseUrl);
    admin.pathname = '/postgres';
    const url = await ensureDatabase(admin.toString(), DB, { recreate: true });
    await migrate(url);
    return url;
  }
  return bootstrapDatabase({ pgData: path.join(REPO_ROOT, '.data/pg-test'), pgPort: Number(process.env.CITYCHECK_TEST_PGPORT || 54330), dbName: DB, unsafeFast: true, recreate: true, log: () => {} });
}

interface City {
  label: string;
  datasetIds: string[];
  origins: EstateRow[];
  originNote: string;
  facilities: FacilityRow[];
  /** Prebuilt graph (synthetic) instead of reading app.walk_edge, and the SQL for pgRouting. */
  graph?: WalkGraph;
  buildMs?: number;
  buildNote?: string;
  edgesSql?: string;
}

/**
 * SYNTHETIC grid city: N×N street grid (80 m blocks, ~10 % of links removed), random origins and
 * facilities. The graph is built in memory from arrays (inserting ~100k rows into app.walk_edge with
 * its indexes and triggers is not what is being measured); the same edges go to an unlogged table
 * for the pgr_dijkstra baseline.
 */
async function synthetic(pool: pg.Pool, catalog: FacilityTypeRow[], n: number, originCount: number): Promise<City> {
  const lon0 = 100, lat0 = 20, step = 80;
  const f = localFrame(lon0, lat0);
  const V = n * n;
  const vertexIds = new Float64Array(V), vertexLon = new Float64Array(V), vertexLat = new Float64Array(V);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const k = i * n + j;
    vertexIds[k] = k + 1;
    vertexLon[k] = toLon(f, i * step);
    vertexLat[k] = toLat(f, j * step);
  }
  const src: number[] = [], tgt: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (i + 1 < n && rnd() > 0.1) { src.push(i * n + j + 1); tgt.push((i + 1) * n + j + 1); }
    if (j + 1 < n && rnd() > 0.1) { src.push(i * n + j + 1); tgt.push(i * n + j + 2); }
  }
  const E = src.length;
  const ids = Array.from({ length: E }, (_, k) => k + 1);
  const cost = new Array(E).fill(step);
  const t0 = performance.now();
  const graph = WalkGraph.fromArrays({ vertexIds, vertexLon, vertexLat, edgeIds: ids, edgeSource: src, edgeTarget: tgt, edgeLength: cost, edgeCost: cost, edgeReverseCost: cost });
  const buildMs = performance.now() - t0;
  await pool.query(`DROP TABLE IF EXISTS public.bench_synthetic_edge; CREATE UNLOGGED TABLE public.bench_synthetic_edge (id bigint, source bigint, target bigint, cost float8, reverse_cost float8)`);
  for (let k = 0; k < E; k += 50_000) {
    await pool.query(`INSERT INTO public.bench_synthetic_edge SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::float8[], $4::float8[])`,
      [ids.slice(k, k + 50_000), src.slice(k, k + 50_000), tgt.slice(k, k + 50_000), cost.slice(k, k + 50_000)]);
  }
  const size = (n - 1) * step;
  const origins: EstateRow[] = Array.from({ length: originCount }, (_, i) => ({
    id: i + 1, name: null, residents: null, isOld: false, districtId: null, districtName: null, subdistrictId: null, subdistrictName: null,
    lon: toLon(f, rnd() * size), lat: toLat(f, rnd() * size),
  }));
  const facilities: FacilityRow[] = [];
  for (const t of catalog.filter((x) => x.standardDistanceM != null)) {
    const count = Math.round(50 + rnd() * 1500);
    for (let k = 0; k < count; k++) facilities.push({ id: facilities.length + 1, type: t.code, name: null, lon: toLon(f, rnd() * size), lat: toLat(f, rnd() * size) });
  }
  return {
    label: `SYNTHETIC grid city ${n}×${n} (${(size / 1000).toFixed(1)} km square)`, datasetIds: [], origins,
    originNote: `${originCount.toLocaleString('en')} random building points (SYNTHETIC)`, facilities,
    graph, buildMs, buildNote: `graph built from arrays in ${Math.round(buildMs)} ms (no DB read)`,
    edgesSql: 'SELECT id, source, target, cost, reverse_cost FROM public.bench_synthetic_edge',
  };
}

async function realCity(db: Kysely<unknown>, label: string, datasetIds: string[]): Promise<City> {
  const repo = lifeCircleRepository(db);
  const all = await repo.estates();
  const ids = new Set((await pool.query(`SELECT id FROM app.estate WHERE dataset_id = ANY($1)`, [datasetIds])).rows.map((r) => r.id));
  let origins = all.filter((e) => ids.has(e.id));
  let note = `${origins.length} estates (app.estate: sample ledger + OSM landuse=residential)`;
  if (!origins.length) {
    const r = await pool.query(`SELECT id, ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT id, ST_PointOnSurface(geom) p FROM app.building WHERE dataset_id = ANY($1) AND use = 'residential') b`, [datasetIds]);
    origins = r.rows.map((x) => ({ id: x.id, name: null, residents: null, isOld: false, lon: x.lon, lat: x.lat, districtId: null, districtName: null, subdistrictId: null, subdistrictName: null }));
    note = `${origins.length} residential buildings (app.estate empty for this dataset)`;
  }
  const fac = (await pool.query(`SELECT id, type_code AS type, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM app.facility WHERE dataset_id = ANY($1)`, [datasetIds])).rows;
  return { label, datasetIds, origins, originNote: note, facilities: fac };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

async function bench(city: City, catalog: FacilityTypeRow[]) {
  const t0 = performance.now();
  const graph: WalkGraph = city.graph ?? (await loadWalkGraph(db, { datasetIds: city.datasetIds }));
  const loadMs = city.buildMs ?? performance.now() - t0;
  const t1 = performance.now();
  const table = new AccessTable(graph, city.origins, city.facilities, CUTOFF_M);
  const snapMs = performance.now() - t1;
  const types = catalog.filter((t) => t.standardDistanceM != null).map((t) => t.code);
  const t2 = performance.now();
  let met = 0, none = 0;
  for (const t of types) {
    const col = table.forType(t);
    const std = catalog.find((c) => c.code === t)!.standardDistanceM!;
    for (let i = 0; i < col.distanceM.length; i++) {
      if (Number.isNaN(col.distanceM[i])) none++;
      else if (col.distanceM[i] <= std + EPS_M) met++;
    }
  }
  const searchMs = performance.now() - t2;
  const typesWithFacilities = types.filter((t) => table.facilities(t).some((f) => f.snap));
  const pairs = city.origins.length * types.length;

  // naive baseline: one pgr_dijkstra per origin × type (origin vertex → all that type's facility vertices)
  const edgesSql = city.edgesSql ?? `SELECT id, source, target, cost, reverse_cost FROM app.walk_edge WHERE dataset_id = ANY(ARRAY[${city.datasetIds.map((d) => pg.escapeLiteral(d)).join(',')}])`;
  const sampleN = Number(process.env.BENCH_BASELINE_SAMPLE || 20);
  const times: number[] = [];
  let agree = 0, compared = 0;
  for (let k = 0; k < sampleN && typesWithFacilities.length; k++) {
    const i = Math.floor(rnd() * city.origins.length);
    const t = typesWithFacilities[Math.floor(rnd() * typesWithFacilities.length)];
    const s = table.estateSnaps[i];
    if (!s) continue;
    const ov = graph.vertexId[graph.edgeSrc[s.edge]];
    const fv = [...new Set(table.facilities(t).filter((f) => f.snap).map((f) => graph.vertexId[graph.edgeSrc[f.snap!.edge]]))];
    const q0 = performance.now();
    const r = await pool.query(`SELECT min(agg_cost) AS d FROM pgr_dijkstra($1, $2::bigint, $3::bigint[], directed := true) WHERE edge = -1`, [edgesSql, ov, fv]);
    times.push(performance.now() - q0);
    // sanity: same vertex-to-vertex answer from the in-memory graph
    const mine = multiSourceDijkstra(graph.reverse, graph.vertexCount, fv.map((v) => ({ vertex: graph.vertexIndex(v)!, distance: 0, label: 0 })), Infinity).dist[graph.vertexIndex(ov)!];
    // pgr_dijkstra returns no path when the origin vertex is itself a facility vertex: that is 0 m
    const theirs = fv.includes(ov) ? 0 : r.rows[0].d === null ? Infinity : Number(r.rows[0].d);
    compared++;
    if ((mine === Infinity && theirs === Infinity) || Math.abs(mine - theirs) < 1e-6) agree++;
  }
  const baseMean = times.length ? times.reduce((a, b) => a + b, 0) / times.length : NaN;
  const baseTotalS = (baseMean * city.origins.length * typesWithFacilities.length) / 1000;

  // pgRouting batch reference: one multi-source pgr_drivingDistance (equicost) per type on the reversed
  // edges (walks towards the facilities), vertex level only — no partial edges, no per-origin read.
  const reversedSql = edgesSql.replace('SELECT id, source, target,', 'SELECT id, target AS source, source AS target,');
  const b0 = performance.now();
  for (const t of typesWithFacilities) {
    const fv = [...new Set(table.facilities(t).filter((f) => f.snap).map((f) => graph.vertexId[graph.edgeSrc[f.snap!.edge]]))];
    await pool.query(`SELECT count(*) FROM pgr_drivingDistance($1, $2::bigint[], $3::float8, directed := true, equicost := true)`, [reversedSql, fv, CUTOFF_M]);
  }
  const batchS = (performance.now() - b0) / 1000;

  // click isochrones (5/10/15 min at 80 m/min), polygons + counts of every facility type + JSON
  const isoTimes: number[] = [];
  const clicks = Number(process.env.BENCH_ISO_CLICKS || 200);
  for (let k = 0; k < clicks; k++) {
    const o = city.origins[Math.floor(rnd() * city.origins.length)];
    const q0 = performance.now();
    const snap = graph.snap(o.lon, o.lat);
    if (!snap) continue;
    const iso = isochrone(graph, snap, o.lon, o.lat, { limitsM: [5 * SPEED, 10 * SPEED, 15 * SPEED] });
    const counts = iso.bands.map(() => new Map<string, number>());
    for (const t of table.facilityTypes()) for (const f of table.facilities(t)) {
      if (!f.snap) continue;
      const d = distanceTo(graph, iso, f.snap);
      iso.bands.forEach((b, j) => d <= b.limitM + EPS_M && counts[j].set(t, (counts[j].get(t) ?? 0) + 1));
    }
    JSON.stringify({ bands: iso.bands, counts: counts.map((m) => Object.fromEntries(m)) });
    isoTimes.push(performance.now() - q0);
  }
  return {
    city: city.label, buildNote: city.buildNote, origins: city.originNote, graph: `${graph.vertexCount} v / ${graph.edgeCount} e`,
    facilities: city.facilities.length, types: `${types.length} (${typesWithFacilities.length} with facilities)`,
    loadMs, snapMs, searchMs, searches: table.searches, pairs, met, none,
    totalS: (loadMs + snapMs + searchMs) / 1000,
    pairsPerS: pairs / ((snapMs + searchMs) / 1000),
    originSearchesPerS: (city.origins.length * typesWithFacilities.length) / (searchMs / 1000),
    batchS, typesWithFacilities: typesWithFacilities.length,
    baseline: { sample: times.length, meanMs: baseMean, extrapolatedS: baseTotalS, agree: `${agree}/${compared}` },
    iso: { n: isoTimes.length, p50: pct(isoTimes, 0.5), p95: pct(isoTimes, 0.95) },
  };
}

const url = await database();
const pool = new pg.Pool({ connectionString: url, max: 4 });
const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
const catalog = await lifeCircleRepository(db).catalog();

log(`bench database ${DB}; loading datasets …`);
let t = performance.now();
log(`  Nanjing via ${await loadNanjing(pool)} (${Math.round(performance.now() - t)} ms)`);
t = performance.now();
await loadLiechtenstein(pool);
log(`  Liechtenstein via importOsm (${Math.round(performance.now() - t)} ms)`);
const synthN = Number(process.env.BENCH_SYNTH_GRID || 250);
const synthOrigins = Number(process.env.BENCH_SYNTH_ORIGINS || 100_000);
t = performance.now();
const synth = await synthetic(pool, catalog, synthN, synthOrigins);
log(`  SYNTHETIC grid city generated (${Math.round(performance.now() - t)} ms)`);

const nanjing = await realCity(db, 'Nanjing core (OSM 2021 + sample estates)', ['nanjing-core', ...(await pool.query(`SELECT id FROM app.dataset WHERE is_sample AND id NOT IN ('synthetic-grid')`)).rows.map((r) => r.id)]);
const liech = await realCity(db, 'Liechtenstein (OSM 2026-03)', ['liechtenstein']);
const liechBuildings: City = { ...liech, label: 'Liechtenstein, residential buildings', origins: [], originNote: '' };
{
  const r = await pool.query(`SELECT id, ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT id, ST_PointOnSurface(geom) p FROM app.building WHERE dataset_id = 'liechtenstein' AND use = 'residential') b`);
  liechBuildings.origins = r.rows.map((x) => ({ id: x.id, name: null, residents: null, isOld: false, lon: x.lon, lat: x.lat, districtId: null, districtName: null, subdistrictId: null, subdistrictName: null }));
  liechBuildings.originNote = `${r.rows.length} OSM residential buildings (building-level origins)`;
}

const results = [];
for (const city of [nanjing, liech, liechBuildings, synth]) {
  if (!city.origins.length) {
    log(`  ${city.label}: no origins, skipped`);
    continue;
  }
  log(`  running ${city.label} …`);
  results.push(await bench(city, catalog));
}

// the same click isochrones through the HTTP API (app.inject: routing, validation, JSON), Liechtenstein
const { buildApp } = await import('../../server/app.ts');
const app = await buildApp({ databaseUrl: url, logLevel: 'silent' });
await app.ready();
const httpTimes: number[] = [];
for (let k = 0; k < 201; k++) {
  const o = liech.origins[Math.floor(rnd() * liech.origins.length)];
  const q0 = performance.now();
  const res = await app.inject(`/api/analysis/isochrone?lon=${o.lon}&lat=${o.lat}&minutes=5,10,15`);
  if (k > 0 && res.statusCode === 200) httpTimes.push(performance.now() - q0); // k = 0 builds the graph and caches
}
await app.close();

log(`\nWalking access, all origins × all ${catalog.filter((c) => c.standardDistanceM != null).length} facility types, cut-off ${CUTOFF_M} m (Node ${process.version}, ${(await import('node:os')).cpus().length} cores)\n`);
for (const r of results) {
  log(`${r.city}`);
  log(`  origins: ${r.origins}; graph ${r.graph}; facilities ${r.facilities}; types ${r.types}`);
  log(`  CityCheck in-memory: ${r.buildNote ?? `load graph from app.walk_edge ${ms(r.loadMs)} ms`}, snap ${ms(r.snapMs)} ms, ${r.searches} multi-source searches ${ms(r.searchMs)} ms → total ${r.totalS.toFixed(2)} s`);
  log(`    ${r.pairs} origin×type results (${r.met} within standard, ${r.none} none within ${CUTOFF_M} m); ${Math.round(r.pairsPerS).toLocaleString('en')} results/s; ${Math.round(r.originSearchesPerS).toLocaleString('en')} origin searches/s equivalent`);
  log(`  naive baseline (pgr_dijkstra per origin × type, ${r.baseline.sample} sampled, EXTRAPOLATED): ${ms(r.baseline.meanMs)} ms each → ~${r.baseline.extrapolatedS.toFixed(0)} s for all; speed-up ×${Math.round(r.baseline.extrapolatedS / r.totalS)}; vertex-to-vertex agreement ${r.baseline.agree}`);
  log(`  pgRouting batch reference (one multi-source pgr_drivingDistance equicost per type, vertex level, measured): ${r.batchS.toFixed(2)} s for ${r.typesWithFacilities} types`);
  log(`  click isochrone 5/10/15 min (polygons + counts + JSON), ${r.iso.n} clicks: p50 ${ms(r.iso.p50)} ms, p95 ${ms(r.iso.p95)} ms\n`);
}
log(`Click isochrone through the API (GET /api/analysis/isochrone via app.inject; graph of all datasets in the bench DB), Liechtenstein, ${httpTimes.length} clicks: p50 ${ms(pct(httpTimes, 0.5))} ms, p95 ${ms(pct(httpTimes, 0.95))} ms`);
log('Timings are wall-clock on a shared 2-core machine; figures vary between runs.');
await db.destroy();
