/**
 * `npm run bench:coverage`: whole-city park service-radius coverage (official buffer and walking
 * network) against a naive baseline on the same inputs — a per-residential-polygon @turf/turf loop
 * over all eligible parks (buffer every park, intersect, union, area). Runs on central Nanjing and,
 * unless BENCH_COVERAGE_LIECHTENSTEIN=0, on the Liechtenstein extract and (unless
 * BENCH_COVERAGE_SYNTHETIC=0) on a SYNTHETIC city of ~107k buildings: the real Liechtenstein rows
 * (buildings, residential land, parks, estates, admin units, walk graph) copied 3 × 2 times with
 * offsets (dataset `synthetic_li_3x2`, is_sample — labelled "SYNTHETIC" in every figure).
 * test/bench/synthetic-city.ts (the tiles grid city) has no walk graph and no real geometry, so the
 * replica is built here. Database citycheck_bench_cov (on DATABASE_URL's server, else the local test
 * cluster). Prints a table.
 *
 * Both sides start from the stored inputs: CityCheck's figure is the whole stored run
 * (analysis.green_coverage_run: city, units, estates, shortfall layers — more than the baseline
 * computes); the baseline's includes reading its parks and residential land from the database.
 * On the synthetic city the baseline runs on every 12th polygon and is extrapolated (marked ~).
 * Beside it, the one-statement PostGIS baseline (union of the size-rule buffers ∩ dissolved
 * residential land), the strongest simple way to get the city figure alone.
 */
import path from 'node:path';
import * as turf from '@turf/turf';
import pg from 'pg';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { bootstrapDatabase } from '../../server/db/bootstrap.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { loadLiechtenstein, loadNanjing } from './access-datasets.ts';
import { oneStatementCoverage } from './coverage-baseline.ts';
import { copyLayer, copyWalkNetwork, createOffsets } from './replica-city.ts';

const config = loadConfig();
const DB = 'citycheck_bench_cov';
const url = config.databaseUrl
  ? await (async () => { const a = new URL(config.databaseUrl!); a.pathname = '/postgres'; const u = await ensureDatabase(a.toString(), DB); await migrate(u); return u; })()
  : await bootstrapDatabase({ pgData: path.join(REPO_ROOT, '.data/pg-test'), pgPort: Number(process.env.CITYCHECK_TEST_PGPORT || 54330), dbName: DB, unsafeFast: true, log: () => {} });
const pool = new pg.Pool({ connectionString: url, max: 2 });
const log = (m: string) => console.log(m);

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

async function counts(ds: string) {
  const { rows } = await pool.query(`SELECT
    (SELECT count(*) FROM app.building WHERE dataset_id = $1)::int AS buildings,
    (SELECT count(*) FROM app.base_landuse WHERE dataset_id = $1 AND kind = 'residential')::int AS residential,
    (SELECT count(*) FROM app.green_space WHERE dataset_id = $1 AND is_park AND area_m2 >= 2000)::int AS parks,
    (SELECT count(*) FROM app.walk_edge WHERE dataset_id = $1)::int AS edges`, [ds]);
  return rows[0];
}

/**
 * Naive baseline: for each residential polygon, for each eligible park: turf buffer, intersect, union;
 * then area. `every` > 1 runs every n-th polygon and extrapolates the time (not the percentage).
 */
async function naive(ds: string, every = 1) {
  const t0 = performance.now();
  const { rows: parks } = await pool.query(`SELECT ST_AsGeoJSON(geom)::json AS g, CASE WHEN area_m2 >= 5000 THEN 500 ELSE 300 END AS r
    FROM app.green_space WHERE dataset_id = $1 AND is_park AND is_public AND area_m2 >= 2000`, [ds]);
  const { rows: all } = await pool.query(`SELECT ST_AsGeoJSON(d.geom)::json AS g FROM ST_Dump((SELECT ST_Union(geom) FROM app.base_landuse WHERE dataset_id = $1 AND kind = 'residential')) d`, [ds]);
  const res = all.filter((_, i) => i % every === 0);
  const tLoop = performance.now();
  let total = 0;
  let covered = 0;
  for (const r of res) {
    const poly = turf.feature(r.g);
    total += turf.area(poly);
    let acc: GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon> | null = null;
    for (const p of parks) {
      const buf = turf.buffer(turf.feature(p.g), p.r, { units: 'meters', steps: 8 });
      if (!buf) continue;
      const part = turf.intersect(turf.featureCollection([poly as never, buf as never]));
      if (!part) continue;
      acc = acc ? (turf.union(turf.featureCollection([acc as never, part as never])) as never) : (part as never);
    }
    if (acc) covered += turf.area(acc);
  }
  const loop = performance.now() - tLoop;
  return { pct: (100 * covered) / total, ms: tLoop - t0 + loop * (all.length / Math.max(1, res.length)), sampled: every > 1 };
}

/**
 * The strongest simple baseline: one PostGIS statement, the union of the size-rule buffers intersected
 * with the dissolved residential land (city figure only; no units, estates or layers).
 */
async function oneStatement(ds: string) {
  const [pct, ms] = await timed(() => oneStatementCoverage(pool, ds));
  return { pct, ms };
}

async function bench(ds: string, label: string, naiveEvery = 1) {
  const c = await counts(ds);
  await pool.query('ANALYZE');
  const [off, offMs] = await timed(() => pool.query(`SELECT analysis.green_coverage_run(mode => 'official', dataset_id => $1) AS id`, [ds]));
  const [both, bothMs] = await timed(() => pool.query(`SELECT analysis.green_coverage_run(mode => 'both', dataset_id => $1) AS id`, [ds]));
  const sum = async (id: number) => (await pool.query(`SELECT summary FROM app.coverage_run WHERE id = $1`, [id])).rows[0].summary;
  const so = await sum(off.rows[0].id);
  const sb = await sum(both.rows[0].id);
  // what-if: an 80 × 80 m park inside the largest piece of land not covered on foot (so it adds
  // coverage in both modes); the park is chosen before the clock starts.
  const runId = both.rows[0].id;
  const { rows: pk } = await pool.query(`
    SELECT ST_AsGeoJSON(ST_Transform(ST_Expand(ST_Transform(ST_PointOnSurface(d.geom), r.metric_srid), 40), 4326)) AS g
    FROM app.coverage_run r JOIN app.coverage_shortfall s ON s.run_id = r.id AND s.layer = 'uncovered_walking', ST_Dump(s.geom) d
    WHERE r.id = $1 ORDER BY ST_Area(d.geom) DESC LIMIT 1`, [runId]);
  const wi: number[] = [];
  let gain = '';
  for (let i = 0; i < 3; i++) {
    const [w, ms] = await timed(() => pool.query(`SELECT analysis.green_coverage_whatif($1, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) AS w`, [runId, pk[0].g]));
    wi.push(ms);
    const city = w.rows[0].w.city;
    gain = `+${(city.official_pct_after - city.official_pct_before).toFixed(2)} / +${(city.walking_pct_after - city.walking_pct_before).toFixed(2)} pt`;
  }
  wi.sort((a, b) => a - b);
  const one = await oneStatement(ds);
  const nv = await naive(ds, naiveEvery);
  const nvMs = `${nv.sampled ? '~' : ''}${nv.ms.toFixed(0)}`;
  return [
    [label, `${c.buildings}`, `${c.residential}`, `${c.parks}`, `${c.edges}`, 'official', `${offMs.toFixed(0)}`, `${Number(so.official_pct).toFixed(2)}`, nvMs, nv.sampled ? `(${nv.pct.toFixed(2)} sample)` : `${nv.pct.toFixed(2)}`, `${nv.sampled ? '~' : ''}${(nv.ms / offMs).toFixed(1)}×`, `${one.ms.toFixed(0)}`, `${one.pct.toFixed(2)}`, `${(one.ms / offMs).toFixed(2)}×`],
    [label, '', '', '', '', 'official+walking', `${bothMs.toFixed(0)}`, `${Number(sb.official_pct).toFixed(2)} / ${Number(sb.walking_pct).toFixed(2)}`, '—', '—', `${nv.sampled ? '~' : ''}${(nv.ms / bothMs).toFixed(1)}× (vs official-only naive)`, '—', '—', `${(one.ms / bothMs).toFixed(2)}× (vs official-only)`],
    [label, '', '', '', '', 'what-if (1 park, both; median of 3)', `${wi[1].toFixed(0)}`, gain, '', '', '', '', '', ''],
  ];
}

/** SYNTHETIC city: the source dataset's rows copied nx × ny times with lon/lat offsets (is_sample). */
async function loadReplica(src: string, ds: string, nx: number, ny: number) {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SET LOCAL session_replication_role = replica`); // bulk copy: no per-row audit / notify triggers
    await c.query(`INSERT INTO app.dataset (id, name, source, licence, attribution, is_sample)
      VALUES ($1, $2, 'test/bench/green-coverage-bench.ts', 'ODbL-1.0', '© OpenStreetMap contributors (SYNTHETIC replica)', true) ON CONFLICT DO NOTHING`,
      [ds, `SYNTHETIC: ${src} × ${nx * ny} (benchmark only)`]);
    await createOffsets(c, src, nx, ny, 'walk_edge');
    const copy = (table: string, cols: string) => copyLayer(c, src, ds, table, cols);
    await copy('building', 'name, use, osm_building, levels, height_m, build_year');
    await copy('base_landuse', 'kind, name');
    await copy('green_space', 'name, kind, is_park, is_public');
    await copy('estate', 'name, address, build_year, households, residents, building_count, floor_area_m2');
    await copy('admin_unit', 'level, code, name, name_en, population');
    await copyWalkNetwork(c, src, ds);
    await c.query(`INSERT INTO app.green_space_access (green_space_id, kind, geom, dataset_id, source_id, check_year, is_sample)
      SELECT ng.id, a.kind, ST_Translate(a.geom, off.ox, off.oy), $2, off.p || a.source_id, a.check_year, true
      FROM app.green_space_access a CROSS JOIN off JOIN app.green_space og ON og.id = a.green_space_id
      JOIN app.green_space ng ON ng.dataset_id = $2 AND ng.source_id = off.p || og.source_id AND ng.check_year = og.check_year
      WHERE a.dataset_id = $1`, [src, ds]);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    c.release();
  }
}

const rows: string[][] = [];
const [, nj] = await timed(() => loadNanjing(pool, () => {}));
log(`Nanjing core loaded in ${(nj / 1000).toFixed(1)} s`);
rows.push(...(await bench('nanjing-core', 'Nanjing core (OSM 2021)')));
if (process.env.BENCH_COVERAGE_LIECHTENSTEIN !== '0') {
  const has = (await pool.query(`SELECT 1 FROM app.dataset WHERE id = 'liechtenstein'`)).rowCount;
  if (!has) {
    const [, li] = await timed(() => loadLiechtenstein(pool, () => {}));
    log(`Liechtenstein loaded in ${(li / 1000).toFixed(1)} s`);
  }
  rows.push(...(await bench('liechtenstein', 'Liechtenstein (OSM 2026)')));
  if (process.env.BENCH_COVERAGE_SYNTHETIC !== '0') {
    const SYN = 'synthetic_li_3x2';
    if (!(await pool.query(`SELECT 1 FROM app.dataset WHERE id = $1`, [SYN])).rowCount) {
      const [, sy] = await timed(() => loadReplica('liechtenstein', SYN, 3, 2));
      log(`SYNTHETIC replica (Liechtenstein × 6) built in ${(sy / 1000).toFixed(1)} s`);
    }
    rows.push(...(await bench(SYN, 'SYNTHETIC: Liechtenstein × 6 (3 × 2 grid)', 12)));
  }
}
const head = ['city', 'buildings', 'resid. polys', 'parks ≥2000 m²', 'walk edges', 'mode', 'CityCheck ms', 'coverage %', 'naive turf ms', 'naive %', 'speed-up', 'one statement ms', 'one statement %', 'speed-up vs one statement'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join(' | ');
console.log(['', fmt(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(fmt)].join('\n'));
await pool.end();
