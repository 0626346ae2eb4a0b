/**
 * `npm run bench:check`: computing a whole check cycle (server/check/cycle-service.ts) on
 * Liechtenstein (OSM) and on a SYNTHETIC city of ~107k buildings (the Liechtenstein rows and walking
 * network copied 3 × 2 times with offsets, dataset `synthetic_li_3x2_net`, is_sample — labelled SYNTHETIC), each step
 * timed, side by side with the same engines called one by one (server/check/engines.ts; the
 * life-circle engine through a LifeCircleService over the walking graph, as in the server). The
 * difference is the cycle machinery itself: catalogue, settings, input runs, evaluation, writing the
 * values, year-on-year change and the problem ledger. Median of 3 per side; the engines alone go
 * first so that both sides see warm caches. Engine times vary from run to run on a shared machine, so
 * the machinery is also shown as the cycle minus its own engine steps (same run), and its own steps
 * (prepare, manual values, write, problem ledger) one by one. Database citycheck_bench_check (on
 * DATABASE_URL's server, else the local test cluster). Prints a table; asserts nothing.
 */
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { LifeCircleService } from '../../server/analysis/life-circle/life-circle-service.ts';
import { activeIndicators, computeCycle } from '../../server/check/cycle-service.ts';
import { ENGINES, type CheckServices } from '../../server/check/engines.ts';
import { loadWalkGraph } from '../../server/graph/load-walk-graph.ts';
import { WalkGraphService } from '../../server/plugins/walk-graph.ts';
import { cityRepository } from '../../server/repositories/city-repository.ts';
import { lifeCircleRepository } from '../../server/repositories/life-circle-repository.ts';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { bootstrapDatabase } from '../../server/db/bootstrap.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { loadLiechtenstein } from './access-datasets.ts';
import { copyLayer, copyWalkNetwork, createOffsets } from './replica-city.ts';

const config = loadConfig();
const DB = 'citycheck_bench_check';
const url = config.databaseUrl
  ? await (async () => { const a = new URL(config.databaseUrl!); a.pathname = '/postgres'; const u = await ensureDatabase(a.toString(), DB); await migrate(u); return u; })()
  : await bootstrapDatabase({ pgData: path.join(REPO_ROOT, '.data/pg-test'), pgPort: Number(process.env.CITYCHECK_TEST_PGPORT || 54330), dbName: DB, unsafeFast: true, log: () => {} });
const pool = new pg.Pool({ connectionString: url, max: 2 });
const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
const log = (m: string) => console.log(m);
// The life-circle engine's service as the server builds it (server/plugins/walk-graph.ts, server/routes/check.ts).
const graphs = new WalkGraphService(() => loadWalkGraph(db), (m, err) => (err ? console.error(m, err) : undefined));
const services: CheckServices = { lifeCircle: new LifeCircleService(lifeCircleRepository(db), graphs, cityRepository(db), { deadlineMs: 600_000 }) };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** SYNTHETIC city: the source's layers that the check reads, copied nx × ny times with offsets (is_sample). */
async function loadReplica(src: string, ds: string, nx: number, ny: number) {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SET LOCAL session_replication_role = replica`); // bulk copy: no per-row audit / notify triggers
    await c.query(`INSERT INTO app.dataset (id, name, source, licence, attribution, is_sample)
      VALUES ($1, $2, 'test/bench/check-bench.ts', 'ODbL-1.0', '© OpenStreetMap contributors (SYNTHETIC replica)', true) ON CONFLICT DO NOTHING`,
      [ds, `SYNTHETIC: ${src} × ${nx * ny} (benchmark only)`]);
    await c.query(`INSERT INTO app.import_run (dataset_id, kind, source, check_year, status, finished_at)
      VALUES ($1, 'synthetic', 'test/bench/check-bench.ts', 2025, 'succeeded', now())`, [ds]);
    await createOffsets(c, src, nx, ny, 'building');
    const copy = (table: string, cols: string) => copyLayer(c, src, ds, table, cols, { importRun: true });
    await copy('building', 'name, use, osm_building, levels, height_m, build_year');
    await copy('base_landuse', 'kind, name');
    await copy('green_space', 'name, kind, is_park, is_public');
    await copy('estate', 'name, address, build_year, households, residents, building_count, floor_area_m2, property_management');
    await copy('admin_unit', 'level, code, name, name_en, population');
    await copy('waterlogging_point', 'name, location_type, status');
    await copy('heritage_site', 'name, kind');
    await copy('facility', 'type_code, name, address, capacity');
    await copyWalkNetwork(c, src, ds);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    c.release();
  }
}

async function counts(ds: string) {
  const { rows } = await pool.query(`SELECT
    (SELECT count(*) FROM app.building WHERE dataset_id = $1)::int AS buildings,
    (SELECT count(*) FROM app.estate WHERE dataset_id = $1)::int AS estates,
    (SELECT count(*) FROM app.admin_unit WHERE dataset_id = $1)::int AS units`, [ds]);
  return rows[0] as { buildings: number; estates: number; units: number };
}

async function settings(ds: string) {
  const { rows } = await pool.query(`SELECT 'city' AS scope, key, value FROM app.dataset_setting WHERE dataset_id = $1 UNION ALL SELECT 'installation', key, value FROM app.setting`, [ds]);
  const out = { city: {} as Record<string, unknown>, installation: {} as Record<string, unknown> };
  for (const r of rows) out[r.scope as 'city' | 'installation'][r.key] = r.value;
  return out;
}

/** Steps of the cycle machinery itself (server/check/cycle-service.ts), not engines. */
const OWN_STEPS = ['prepare', 'manual', 'write', 'problems'];
const stepLabel = (engine: string, codes: string[]) => (engine === 'life_circle' ? `life_circle: ${codes.join(', ')}` : engine);

/** Every engine of the catalogue once, in the cycle's order and grouping: per-engine ms and their sum. */
async function enginesOneByOne(ds: string, year: number) {
  const defs = (await activeIndicators(db, ds, '2024')).filter((d) => d.engine);
  // grouped as the cycle groups them (one run per engine and parameters), labelled as its steps
  const groups = new Map<string, (typeof defs)[number][]>();
  for (const d of defs) groups.set(`${d.engine}:${JSON.stringify(d.params)}`, [...(groups.get(`${d.engine}:${JSON.stringify(d.params)}`) ?? []), d]);
  const s = await settings(ds);
  const ms: Record<string, number> = {};
  for (const g of groups.values()) {
    const t0 = performance.now();
    await ENGINES[g[0].engine!].run({ db, dataset: ds, year, params: g[0].params, settings: s, services });
    ms[stepLabel(g[0].engine!, g.map((d) => d.code))] = performance.now() - t0;
  }
  return ms;
}

async function bench(ds: string, label: string, rows: string[][]) {
  const c = await counts(ds);
  await pool.query('ANALYZE');
  const year = 2025;
  await pool.query(`DELETE FROM app.check_problem WHERE dataset_id = $1`, [ds]);
  await pool.query(`DELETE FROM app.check_cycle WHERE dataset_id = $1`, [ds]);
  const { rows: [cy] } = await pool.query(`INSERT INTO app.check_cycle (dataset_id, year, title) VALUES ($1, $2, 'bench') RETURNING id`, [ds, year]);
  const alone: Record<string, number>[] = [];
  const cycle: Awaited<ReturnType<typeof computeCycle>>[] = [];
  for (let i = 0; i < 3; i++) {
    alone.push(await enginesOneByOne(ds, year));
    const t0 = performance.now();
    const r = await computeCycle(db, Number(cy.id), services);
    cycle.push({ ...r, durationMs: performance.now() - t0 });
  }
  const engines = Object.keys(alone[0]);
  const aloneMed = Object.fromEntries(engines.map((e) => [e, median(alone.map((a) => a[e]))]));
  const sumAlone = median(alone.map((a) => Object.values(a).reduce((x, y) => x + y, 0)));
  const best = [...cycle].sort((a, b) => a.durationMs - b.durationMs)[1];
  const stepMs = (label: string) => median(cycle.map((r) => r.steps.find((s) => stepLabel(s.engine, s.indicators) === label)?.ms ?? 0));
  // The same run without its engine steps: the machinery's own time, free of the engines' run-to-run spread.
  const own = best.durationMs - best.steps.filter((s) => !OWN_STEPS.includes(s.engine)).reduce((a, s) => a + s.ms, 0);
  rows.push([label, `${c.buildings}`, `${c.estates}`, `${c.units}`, 'whole cycle', `${best.durationMs.toFixed(0)}`, `${sumAlone.toFixed(0)}`,
    `${(best.durationMs - sumAlone).toFixed(0)} ms (${((100 * (best.durationMs - sumAlone)) / best.durationMs).toFixed(0)} %)`,
    `${own.toFixed(0)} ms (${((100 * own) / best.durationMs).toFixed(1)} %)`, `${best.values}`]);
  for (const e of engines) rows.push(['', '', '', '', `  ${e}`, `${stepMs(e).toFixed(0)}`, `${aloneMed[e].toFixed(0)}`, '', '', '']);
  const ownSteps: Record<string, string> = { prepare: 'prepare (catalogue, settings, input runs)', manual: 'manual values', write: 'write values + year-on-year', problems: 'problem ledger' };
  for (const [s, text] of Object.entries(ownSteps)) rows.push(['', '', '', '', `  ${text}`, `${stepMs(s).toFixed(0)}`, '—', '', '', '']);
  const errs = best.steps.filter((s) => s.error);
  if (errs.length) log(`${label}: engines skipped: ${errs.map((s) => `${s.engine} (${s.error})`).join('; ')}`);
}

const rows: string[][] = [];
if (!(await pool.query(`SELECT 1 FROM app.dataset WHERE id = 'liechtenstein'`)).rowCount) {
  const t0 = performance.now();
  await loadLiechtenstein(pool, () => {});
  log(`Liechtenstein loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
await bench('liechtenstein', 'Liechtenstein (OSM)', rows);
if (process.env.BENCH_CHECK_SYNTHETIC !== '0') {
  const SYN = 'synthetic_li_3x2_net';
  if (!(await pool.query(`SELECT 1 FROM app.dataset WHERE id = $1`, [SYN])).rowCount) {
    const t0 = performance.now();
    await loadReplica('liechtenstein', SYN, 3, 2);
    log(`SYNTHETIC replica (Liechtenstein × 6) built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  await bench(SYN, 'SYNTHETIC: Liechtenstein × 6', rows);
}
const head = ['city', 'buildings', 'estates', 'admin units', 'step', 'in the cycle ms', 'engine alone ms', 'cycle − engines alone', 'cycle − its engine steps', 'values'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join(' | ');
console.log(['', fmt(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(fmt)].join('\n'));
console.log(`
cycle − engines alone: below 0 where the cycle reads one life-circle report for all its life-circle indicators
(the engines alone read one each). cycle − its engine steps: the machinery's own time within the same run.`);
graphs.close();
await db.destroy();
