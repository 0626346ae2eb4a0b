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
import { distanceTo, isochrone } from '../../server/graph/isochrone.ts';
import { localFrame, toLat, toLon } from '../../server/graph/geo.ts';
import { loadWalkGraph } from '../../server/graph/load-walk-graph.ts';
import type { WalkGraph } from '../../server/graph/walk-graph.ts';
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
}

/** Synthetic grid city: N×N street grid (80 m blocks, ~10 % of links removed), random origins/facilities. */
async function synthetic(pool: pg.Pool, catalog: FacilityTypeRow[], n: number, originCount: number): Promise<City> {
  const lon0 = 100, lat0 = 20, step = 80;
  const f = localFrame(lon0, lat0);
  const c = await pool.connect();
  try {
    await c.query(`SELECT set_config('citycheck.import_run', 'bench', false)`); // no per-row audit/notify
    await c.query(`INSERT INTO app.dataset (id, name, is_sample) VALUES ('synthetic-grid', 'SYNTHETIC grid city (benchmark only)', true)`);
    await c.query(
      `INSERT INTO app.walk_vertex (geom, dataset_id, source_id, check_year)
       SELECT ST_SetSRID(ST_MakePoint($1::float8 + i * $3::float8, $2::float8 + j * $4::float8), 4326), 'synthetic-grid', i || ':' || j, 2025
       FROM generate_series(0, $5::int - 1) i, generate_series(0, $5::int - 1) j`,
      [lon0, lat0, step / f.kx, step / f.ky, n],
    );
    await c.query(`SELECT setseed(0.42)`);
    await c.query(
      `WITH v AS (SELECT id, split_part(source_id, ':', 1)::int AS i, split_part(source_id, ':', 2)::int AS j, geom FROM app.walk_vertex WHERE dataset_id = 'synthetic-grid'),
            pairs AS (SELECT a.id AS s, b.id AS t, a.geom AS ga, b.geom AS gb FROM v a JOIN v b ON (b.i = a.i + 1 AND b.j = a.j) OR (b.i = a.i AND b.j = a.j + 1))
       INSERT INTO app.walk_edge (source, target, length_m, cost, reverse_cost, highway, geom, dataset_id, source_id, check_year)
       SELECT s, t, $1::float8, $1::float8, $1::float8, 'footway', ST_MakeLine(ga, gb), 'synthetic-grid', s || '-' || t, 2025 FROM pairs WHERE random() > 0.1`,
      [step],
    );
  } finally {
    c.release();
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
  return { label: `SYNTHETIC grid ${n}×${n}`, datasetIds: ['synthetic-grid'], origins, originNote: `${originCount} random building points (synthetic)`, facilities };
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
  const graph: WalkGraph = await loadWalkGraph(db, { datasetIds: city.datasetIds });
  const loadMs = performance.now() - t0;
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
  const edgesSql = `SELECT id, source, target, cost, reverse_cost FROM app.walk_edge WHERE dataset_id = ANY(ARRAY[${city.datasetIds.map((d) => pg.escapeLiteral(d)).join(',')}])`;
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
    const { multiSourceDijkstra } = await import('../../server/graph/dijkstra.ts');
    const mine = multiSourceDijkstra(graph.reverse, graph.vertexCount, fv.map((v) => ({ vertex: graph.vertexIndex(v)!, distance: 0, label: 0 })), Infinity).dist[graph.vertexIndex(ov)!];
    // pgr_dijkstra returns no path when the origin vertex is itself a facility vertex: that is 0 m
    const theirs = fv.includes(ov) ? 0 : r.rows[0].d === null ? Infinity : Number(r.rows[0].d);
    compared++;
    if ((mine === Infinity && theirs === Infinity) || Math.abs(mine - theirs) < 1e-6) agree++;
  }
  const baseMean = times.length ? times.reduce((a, b) => a + b, 0) / times.length : NaN;
  const baseTotalS = (baseMean * city.origins.length * typesWithFacilities.length) / 1000;

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
    city: city.label, origins: city.originNote, graph: `${graph.vertexCount} v / ${graph.edgeCount} e`,
    facilities: city.facilities.length, types: `${types.length} (${typesWithFacilities.length} with facilities)`,
    loadMs, snapMs, searchMs, searches: table.searches, pairs, met, none,
    totalS: (loadMs + snapMs + searchMs) / 1000,
    pairsPerS: pairs / ((snapMs + searchMs) / 1000),
    originSearchesPerS: (city.origins.length * typesWithFacilities.length) / (searchMs / 1000),
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

log(`\nWalking access, all origins × all ${catalog.filter((c) => c.standardDistanceM != null).length} facility types, cut-off ${CUTOFF_M} m (Node ${process.version}, ${(await import('node:os')).cpus().length} cores)\n`);
for (const r of results) {
  log(`${r.city}`);
  log(`  origins: ${r.origins}; graph ${r.graph}; facilities ${r.facilities}; types ${r.types}`);
  log(`  CityCheck in-memory: load graph ${ms(r.loadMs)} ms, snap ${ms(r.snapMs)} ms, ${r.searches} multi-source searches ${ms(r.searchMs)} ms → total ${r.totalS.toFixed(2)} s`);
  log(`    ${r.pairs} origin×type results (${r.met} within standard, ${r.none} none within ${CUTOFF_M} m); ${Math.round(r.pairsPerS).toLocaleString('en')} results/s; ${Math.round(r.originSearchesPerS).toLocaleString('en')} origin searches/s equivalent`);
  log(`  naive baseline (pgr_dijkstra per origin × type, ${r.baseline.sample} sampled, EXTRAPOLATED): ${ms(r.baseline.meanMs)} ms each → ~${r.baseline.extrapolatedS.toFixed(0)} s for all; speed-up ×${Math.round(r.baseline.extrapolatedS / r.totalS)}; vertex-to-vertex agreement ${r.baseline.agree}`);
  log(`  click isochrone 5/10/15 min (polygons + counts + JSON), ${r.iso.n} clicks: p50 ${ms(r.iso.p50)} ms, p95 ${ms(r.iso.p95)} ms\n`);
}
await db.destroy();
