/**
 * `npm run bench:renewal`: renewal ranking + heritage constraints for every estate of a SYNTHETIC
 * city of ~107k buildings (test/bench/synthetic-city.ts at 100 × 100 blocks, plus one estate per
 * residential block with build years, residents and renovation status, three historic districts with
 * core / control zones and 200 protected buildings — dataset `synthetic_grid`, is_sample, labelled
 * SYNTHETIC in every figure), side by side with a naive per-candidate SQL loop in the same run
 * (one statement per estate and criterion: park distance, waterlogging, buildings, heritage), run
 * on every 100th estate and extrapolated (marked ~). Also the weight-change re-rank: the pure
 * re-score over the stored normalised matrix, and the whole HTTP request with new weights (which
 * reuses the criteria read moments before: nothing changed in between), and once the estates ranked
 * together with the street blocks (街区) derived from the city's streets.
 * Database citycheck_bench_renewal on the local test cluster (or DATABASE_URL's server). Prints a
 * table; not a test (no timed assertions anywhere).
 */
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { bootstrapDatabase } from '../../server/db/bootstrap.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { RENEWAL_CRITERIA } from '../../server/renewal/criteria.ts';
import { orderByScore, rankCandidates, rescore } from '../../server/renewal/ranking.ts';
import { loadSyntheticCity } from './synthetic-city.ts';

const config = loadConfig();
const CITY = 'synthetic_grid';
const BLOCKS = Number(process.env.BENCH_RENEWAL_BLOCKS || 100);
const DB = BLOCKS === 100 ? 'citycheck_bench_renewal' : `citycheck_bench_renewal_${BLOCKS}`;
const url = config.databaseUrl
  ? await (async () => { const a = new URL(config.databaseUrl!); a.pathname = '/postgres'; const u = await ensureDatabase(a.toString(), DB); await migrate(u); return u; })()
  : await bootstrapDatabase({ pgData: path.join(REPO_ROOT, '.data/pg-test'), pgPort: Number(process.env.CITYCHECK_TEST_PGPORT || 54330), dbName: DB, unsafeFast: true, log: () => {} });
const pool = new pg.Pool({ connectionString: url, max: 2 });
const EVERY = 100;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

async function load() {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.estate WHERE dataset_id = $1`, [CITY]);
  if (rows[0].n > 0) return;
  console.log(`loading the SYNTHETIC city (${BLOCKS} × ${BLOCKS} blocks) …`);
  // The loader marks its rows with citycheck.import_run = 'synthetic', which the waterlogging status
  // history trigger (migration 120) casts to a run id; this throw-away bench database skips that history.
  await pool.query('ALTER TABLE app.waterlogging_point DISABLE TRIGGER waterlogging_point_status_log');
  try {
    await loadSyntheticCity(pool, BLOCKS);
  } finally {
    await pool.query('ALTER TABLE app.waterlogging_point ENABLE TRIGGER waterlogging_point_status_log');
  }
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SELECT set_config('citycheck.import_run', 'synthetic', true)`);
    await c.query(`INSERT INTO app.import_run (dataset_id, kind, source, check_year, status, finished_at) VALUES ($1, 'synthetic', 'test/bench/renewal-bench.ts', 2024, 'succeeded', now())`, [CITY]);
    // One estate per residential block (the landuse polygon), built 1960–2019, 300–3300 residents.
    await c.query(`INSERT INTO app.estate (name, build_year, residents, households, renovation_status, geom, dataset_id, source_id, check_year, is_sample)
      SELECT '合成小区' || l.source_id, 1960 + (h % 60), 300 + (h % 3000), 100 + (h % 1000),
             (ARRAY['not_listed', 'surveyed', 'reserve', 'planned', 'under_works', 'completed'])[1 + h % 6], l.geom, $1, l.source_id, 2024, true
      FROM app.base_landuse l, LATERAL (SELECT abs(hashtext(l.source_id)) AS h) x
      WHERE l.dataset_id = $1 AND l.kind = 'residential'`, [CITY]);
    // Three historic districts (core 0.02°, control ring 0.01° around it) and 200 protected buildings.
    await c.query(`INSERT INTO app.heritage_district (name, geom, dataset_id, source_id, check_year, is_sample)
      SELECT '合成街区' || i, ST_Multi(ST_MakeEnvelope(x - 0.02, y - 0.02, x + 0.02, y + 0.02, 4326)), $1, 'hd' || i, 2024, true
      FROM (VALUES (1, 118.80, 32.08), (2, 118.92, 32.20), (3, 118.96, 32.10)) d(i, x, y)`, [CITY]);
    await c.query(`INSERT INTO app.heritage_zone (district_id, zone_type, geom, dataset_id, source_id, check_year, is_sample)
      SELECT d.id, z.t, CASE z.t WHEN 'core' THEN ST_Multi(ST_Buffer(ST_Centroid(d.geom), 0.01, 'quad_segs=2'))
                                 ELSE ST_Multi(ST_Difference(d.geom, ST_Buffer(ST_Centroid(d.geom), 0.01, 'quad_segs=2'))) END,
             $1, d.source_id || z.t, 2024, true
      FROM app.heritage_district d, (VALUES ('core'), ('control')) z(t) WHERE d.dataset_id = $1`, [CITY]);
    await c.query(`INSERT INTO app.heritage_site (name, kind, geom, dataset_id, source_id, check_year, is_sample)
      SELECT '合成历史建筑' || i, 'historic_building', ST_Centroid(b.geom), $1, 'hs' || i, 2024, true
      FROM generate_series(1, 200) i, LATERAL (SELECT geom FROM app.building WHERE dataset_id = $1 ORDER BY id OFFSET (i * 523) % 100000 LIMIT 1) b`, [CITY]);
    await c.query('COMMIT');
    await c.query('ANALYZE');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

/** Naive baseline: one statement per estate and criterion (the way a per-candidate script would do it). */
async function naive(): Promise<{ n: number; ms: number; total: number }> {
  const { rows: estates } = await pool.query(`SELECT id FROM app.estate WHERE dataset_id = $1 ORDER BY id`, [CITY]);
  const picked = estates.filter((_, i) => i % EVERY === 0);
  const t0 = performance.now();
  for (const { id } of picked) {
    await pool.query(`SELECT e.build_year, e.residents, e.renovation_status FROM app.estate e WHERE e.id = $1`, [id]);
    await pool.query(`SELECT min(ST_Distance(e.geom::geography, g.geom::geography)) FROM app.estate e, app.green_space g WHERE e.id = $1 AND g.dataset_id = $2 AND g.is_park AND g.area_m2 >= 2000`, [id, CITY]);
    await pool.query(`SELECT count(*) FROM app.estate e, app.waterlogging_point p WHERE e.id = $1 AND p.dataset_id = $2 AND p.status <> 'closed' AND ST_DWithin(p.geom::geography, e.geom::geography, 300)`, [id, CITY]);
    await pool.query(`SELECT count(*), max(coalesce(b.height_m, b.levels * 3)) FROM app.estate e, app.building b WHERE e.id = $1 AND b.dataset_id = $2 AND ST_Intersects(ST_PointOnSurface(b.geom), e.geom)`, [id, CITY]);
    await pool.query(`SELECT z.zone_type FROM app.estate e, app.heritage_zone z WHERE e.id = $1 AND z.dataset_id = $2 AND ST_Intersects(e.geom, z.geom)`, [id, CITY]);
    await pool.query(`SELECT h.id FROM app.estate e, app.heritage_site h WHERE e.id = $1 AND h.dataset_id = $2 AND ST_Intersects(e.geom, h.geom)`, [id, CITY]);
  }
  const ms = performance.now() - t0;
  return { n: picked.length, ms, total: (ms * estates.length) / picked.length };
}

await load();
const { rows: [n] } = await pool.query(`SELECT (SELECT count(*) FROM app.building WHERE dataset_id = $1)::int AS buildings,
  (SELECT count(*) FROM app.estate WHERE dataset_id = $1)::int AS estates`, [CITY]);
const app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 120_000, rateLimit: false, auth: { mode: 'off' } });
// Each measured run reads the criteria afresh: the waterlogging radius differs by a metre per run, so
// no run reuses the previous one's criteria (same work, a different cache key).
const bodyWith = (radius: number) => ({ dataset: CITY, params: { onlyOld: false, excludeCompleted: false, waterloggingRadiusM: radius }, limit: 20 });
await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: bodyWith(299) }); // warm-up (plans, page cache)
const runs: { ms: number; queryMs: number; rankMs: number; candidates: number }[] = [];
for (const radius of [300, 301, 302]) {
  const [res, ms] = await timed(() => app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: bodyWith(radius) }));
  const b = res.json();
  if (res.statusCode !== 200) throw new Error(`candidates: ${res.statusCode} ${res.body}`);
  if (b.timing.cached) throw new Error('a measured run reused cached criteria');
  runs.push({ ms, queryMs: b.timing.queryMs, rankMs: b.timing.rankMs, candidates: b.counts.candidates });
}
const [reweighted, reMs] = await timed(() => app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { ...bodyWith(302), weights: { ageYears: 10, residents: 30 } } }));
if (reweighted.statusCode !== 200) throw new Error(reweighted.body);
// Street blocks (街区) ranked with the estates: the blocks derived from the streets and the built-up area, once.
const [withBlocks, blocksMs] = await timed(() => app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { ...bodyWith(303), kinds: ['estate', 'block'] } }));
if (withBlocks.statusCode !== 200) throw new Error(`candidates with blocks: ${withBlocks.statusCode} ${withBlocks.body}`);
const wb = withBlocks.json();

// The pure re-rank after a weight slider moves: rescore the stored normalised matrix and order it.
const { rows: crit } = await pool.query(`SELECT * FROM analysis.renewal_estate_criteria($1, ARRAY[$1], 2000, 2024, 2000, 300, 500)`, [CITY]);
const ids = crit.map((r) => Number(r.estate_id));
const values = crit.map((r) => RENEWAL_CRITERIA.map((c) => c.value({
  estateId: r.estate_id, name: r.name, nameDerived: r.name_derived, buildYear: r.build_year, isOld: r.is_old, ageYears: r.age_years,
  renovationStatus: r.renovation_status, renovationClass: r.renovation_class, renovationPlanYear: r.renovation_plan_year, residents: r.residents,
  households: r.households, floorAreaM2: r.floor_area_m2, areaM2: r.area_m2, isSample: r.is_sample, parkDistanceM: r.park_distance_m,
  lifeCircleUnmet: r.life_circle_unmet, lifeCircleRunId: r.life_circle_run_id, waterloggingPoints: r.waterlogging_points,
  waterloggingSeverity: r.waterlogging_severity, buildingCount: r.building_count, maxHeightM: r.max_height_m, meanBuildingYear: r.mean_building_year,
  lowValueAreaM2: r.low_value_area_m2, lon: r.lon, lat: r.lat,
  diseaseScore: r.disease_score, hotspotBin: r.hotspot_bin, diagnosisRunId: r.diagnosis_run_id,
}, { checkYear: 2024 })));
const criteria = RENEWAL_CRITERIA.map((c) => ({ code: c.code, direction: c.direction }));
const weights = Object.fromEntries(RENEWAL_CRITERIA.map((c) => [c.code, c.defaultWeight]));
const [ranked, fullRankMs] = await timed(async () => rankCandidates({ ids, criteria, values, weights, method: 'weighted_sum' }));
const w2 = ranked.weights.map((w, j) => (j === 0 ? w * 1.2 : w));
const [, rescoreMs] = await timed(async () => orderByScore(ids, rescore(ranked.normalised, w2.map((w) => w / w2.reduce((a, b) => a + b, 0)), 'weighted_sum')));
const base = await naive();
await app.close();
await pool.end();

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`\nSYNTHETIC city: ${n.buildings} buildings, ${n.estates} estates (candidates ${runs[0].candidates}, every estate)`);
console.log([
  ['what', 'time', 'note'],
  ['CityCheck ranking + constraints (HTTP, median of 3)', s(med(runs.map((r) => r.ms))), `SQL ${s(med(runs.map((r) => r.queryMs)))}, ranking + sensitivity ${med(runs.map((r) => r.rankMs)).toFixed(0)} ms`],
  ['weight change: whole request again', s(reMs), reweighted.json().timing.cached ? 'criteria reused from the previous request (no edit since)' : 'criteria re-read from the database'],
  ['estates + 街区 ranked together (HTTP, once)', s(blocksMs), `${wb.counts.blocks} blocks derived (clip: ${wb.blocks.builtUpSource}), ${wb.counts.candidates} candidates`],
  ['weight change: re-rank in memory', `${rescoreMs.toFixed(1)} ms`, `rescore + order of ${ids.length} (full rank with normalisation ${fullRankMs.toFixed(0)} ms)`],
  [`naive per-candidate SQL loop (every ${EVERY}th estate, ${base.n} run)`, `~${s(base.total)}`, `${s(base.ms)} measured, 6 statements per estate, extrapolated to all`],
  ['ratio naive / CityCheck', `${(base.total / med(runs.map((r) => r.ms))).toFixed(1)} ×`, ''],
].map((r) => r.map((c, i) => c.padEnd([52, 12, 0][i])).join(' ')).join('\n'));
