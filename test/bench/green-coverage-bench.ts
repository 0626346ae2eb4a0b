/**
 * `npm run bench:coverage`: whole-city park service-radius coverage (official buffer and walking
 * network) against a naive baseline on the same inputs — a per-residential-polygon @turf/turf loop
 * over all eligible parks (buffer every park, intersect, union, area). Runs on central Nanjing and,
 * unless BENCH_COVERAGE_LIECHTENSTEIN=0, on the Liechtenstein extract, in its own database
 * citycheck_bench_cov (on DATABASE_URL's server, else the local test cluster). Prints a table.
 * No synthetic city is generated here; every figure is from real OSM data.
 */
import path from 'node:path';
import * as turf from '@turf/turf';
import pg from 'pg';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { bootstrapDatabase } from '../../server/db/bootstrap.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { loadLiechtenstein, loadNanjing } from './access-datasets.ts';

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

/** Naive baseline: for each residential polygon, buffer every eligible park with turf, intersect, union. */
async function naive(ds: string) {
  const { rows: parks } = await pool.query(`SELECT ST_AsGeoJSON(geom)::json AS g, CASE WHEN area_m2 >= 5000 THEN 500 ELSE 300 END AS r
    FROM app.green_space WHERE dataset_id = $1 AND is_park AND is_public AND area_m2 >= 2000`, [ds]);
  const { rows: res } = await pool.query(`SELECT ST_AsGeoJSON(d.geom)::json AS g FROM ST_Dump((SELECT ST_Union(geom) FROM app.base_landuse WHERE dataset_id = $1 AND kind = 'residential')) d`, [ds]);
  const t0 = performance.now();
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
  return { pct: (100 * covered) / total, ms: performance.now() - t0 };
}

async function bench(ds: string, label: string) {
  const c = await counts(ds);
  const [off, offMs] = await timed(() => pool.query(`SELECT analysis.green_coverage_run(mode => 'official', dataset_id => $1) AS id`, [ds]));
  const [both, bothMs] = await timed(() => pool.query(`SELECT analysis.green_coverage_run(mode => 'both', dataset_id => $1) AS id`, [ds]));
  const sum = async (id: number) => (await pool.query(`SELECT summary FROM app.coverage_run WHERE id = $1`, [id])).rows[0].summary;
  const so = await sum(off.rows[0].id);
  const sb = await sum(both.rows[0].id);
  // what-if: an 80 × 80 m park at the centre of the residential land
  const [, wiMs] = await timed(() => pool.query(`
    SELECT analysis.green_coverage_whatif($1, (SELECT ST_Transform(ST_Expand(ST_Transform(ST_Centroid(ST_Collect(geom)), r.metric_srid), 40), 4326)
      FROM app.base_landuse l, app.coverage_run r WHERE l.dataset_id = $2 AND l.kind = 'residential' AND r.id = $1 GROUP BY r.metric_srid))`, [both.rows[0].id, ds]));
  const nv = await naive(ds);
  return [
    [label, `${c.buildings}`, `${c.residential}`, `${c.parks}`, `${c.edges}`, 'official', `${offMs.toFixed(0)}`, `${Number(so.official_pct).toFixed(2)}`, `${nv.ms.toFixed(0)}`, `${nv.pct.toFixed(2)}`, `${(nv.ms / offMs).toFixed(1)}×`],
    [label, '', '', '', '', 'official+walking', `${bothMs.toFixed(0)}`, `${Number(sb.official_pct).toFixed(2)} / ${Number(sb.walking_pct).toFixed(2)}`, '—', '—', '—'],
    [label, '', '', '', '', 'what-if (1 park, both)', `${wiMs.toFixed(0)}`, '', '', '', ''],
  ];
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
}
const head = ['city', 'buildings', 'resid. polys', 'parks ≥2000 m²', 'walk edges', 'mode', 'CityCheck ms', 'coverage %', 'naive turf ms', 'naive %', 'speed-up'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join(' | ');
console.log(['', fmt(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(fmt)].join('\n'));
await pool.end();
