/**
 * `npm run bench:hotspots`: spatial weights plus Gi* and local Moran's I with 999 conditional
 * permutations on about 10k, 100k and 1M hexagons, side by side with naive baselines in the same run:
 *
 * - weights: the library's contiguity by cell index vs the PostGIS self-join a straightforward
 *   implementation would run (`ST_Touches` over a GiST-indexed table of the cells, building the table and index included);
 * - statistics: the library (shared draws, sorted sums per neighbour count) vs a naive per-cell loop
 *   (for every unit and permutation, draw its k neighbours afresh, sum, compare).
 *
 * The grid is real: PostGIS `ST_HexagonGrid` over the extent of Nanjing municipality in UTM 50N
 * (118.35–119.25 E, 31.23–32.62 N), edge chosen for the cell count; the values are SYNTHETIC (a smooth
 * field with three hot and two cold patches plus noise, seeded). Database citycheck_bench_hotspots on
 * DATABASE_URL's server, else the local test cluster. Baselines too slow to finish run on a prefix of the
 * cells and are extrapolated linearly (marked ~). Figures only; no assertion. Environment:
 * BENCH_HOTSPOTS_SIZES (default 10000,100000,1000000), BENCH_HOTSPOTS_PERMUTATIONS (999).
 */
import path from 'node:path';
import pg from 'pg';
import { type Neighbours, getisOrdGiStar, getisOrdGiStarSteps, hexGridContiguity, localMoran, mulberry32, rowStandardise } from '../../server/analysis/hotspots/index.ts';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { ensureCluster } from '../../server/db/local-cluster.ts';
import { ensureDatabase } from '../../server/db/migrate.ts';
import { WorkBudget } from '../../server/graph/work-budget.ts';

const SIZES = (process.env.BENCH_HOTSPOTS_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const P = Number(process.env.BENCH_HOTSPOTS_PERMUTATIONS ?? 999);
const NAIVE_BUDGET_CELLS = 20_000; // the naive loop runs on at most this many cells, then extrapolates
const SQL_BUDGET_CELLS = 200_000; // the ST_Touches join runs on at most this many cells

const config = loadConfig();
const DB = 'citycheck_bench_hotspots';
const adminUrl = config.databaseUrl
  ? (() => { const a = new URL(config.databaseUrl!); a.pathname = '/postgres'; return a.toString(); })()
  : ensureCluster({ dataDir: path.join(REPO_ROOT, '.data/pg-test'), port: Number(process.env.CITYCHECK_TEST_PGPORT || 54330), unsafeFast: true, log: () => {} });
const pool = new pg.Pool({ connectionString: await ensureDatabase(adminUrl, DB), max: 2 });
await pool.query('CREATE EXTENSION IF NOT EXISTS postgis');

const EXTENT = `ST_Transform(ST_MakeEnvelope(118.35, 31.23, 119.25, 32.62, 4326), 32650)`;
const ms = (t0: number) => performance.now() - t0;
const fmt = (v: number, approx = false) => `${approx ? '~' : ''}${v >= 10_000 ? (v / 1000).toFixed(1) + ' s' : v.toFixed(0) + ' ms'}`;

/** Edge length (m) of hexagons giving about `cells` over the extent. */
async function edgeFor(cells: number): Promise<number> {
  const { rows } = await pool.query<{ area: number }>(`SELECT ST_Area(${EXTENT}) AS area`);
  return Math.sqrt(rows[0].area / (cells * 1.5 * Math.sqrt(3)));
}

async function hexGrid(edge: number): Promise<{ i: Int32Array; j: Int32Array; cx: Float64Array; cy: Float64Array }> {
  const { rows } = await pool.query<{ i: number[]; j: number[] }>(
    `SELECT array_agg(i ORDER BY j, i) AS i, array_agg(j ORDER BY j, i) AS j FROM ST_HexagonGrid($1, ${EXTENT})`, [edge]);
  const i = Int32Array.from(rows[0].i), j = Int32Array.from(rows[0].j);
  const h = (Math.sqrt(3) / 2) * edge;
  const cx = new Float64Array(i.length), cy = new Float64Array(i.length);
  for (let k = 0; k < i.length; k++) { cx[k] = 1.5 * i[k] * edge; cy[k] = h * (2 * j[k] + (i[k] & 1)); }
  return { i, j, cx, cy };
}

/** SYNTHETIC values: smooth patches plus noise, seeded. */
function values(cx: Float64Array, cy: Float64Array): Float64Array {
  const rnd = mulberry32(42);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let k = 0; k < cx.length; k++) { minX = Math.min(minX, cx[k]); maxX = Math.max(maxX, cx[k]); minY = Math.min(minY, cy[k]); maxY = Math.max(maxY, cy[k]); }
  const patches = [[0.3, 0.3, 1], [0.7, 0.6, 1], [0.5, 0.85, 0.8], [0.2, 0.7, -1], [0.8, 0.2, -0.8]];
  const x = new Float64Array(cx.length);
  for (let k = 0; k < x.length; k++) {
    const u = (cx[k] - minX) / (maxX - minX), v = (cy[k] - minY) / (maxY - minY);
    let s = 0;
    for (const [pu, pv, a] of patches) s += a * Math.exp(-((u - pu) ** 2 + (v - pv) ** 2) / 0.004);
    x[k] = s + rnd() * 0.8;
  }
  return x;
}

/** The naive baseline: per unit, per permutation, k fresh draws of the other n − 1 values. */
function naivePerCell(x: Float64Array, W: Neighbours, upto: number): number {
  const n = x.length, rnd = mulberry32(1);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let checksum = 0;
  const chosen: number[] = [];
  for (let i = 0; i < upto; i++) {
    const a = W.offsets[i], k = W.offsets[i + 1] - a;
    if (!k) continue;
    let obs = 0;
    for (let t = 0; t < k; t++) obs += W.weights[a + t] * x[W.ids[a + t]];
    const e = k * ((mean * n - x[i]) / (n - 1)), d = Math.abs(obs - e);
    let count = 0;
    for (let p = 0; p < P; p++) {
      chosen.length = 0;
      let s = 0;
      for (let t = 0; t < k; t++) {
        let j: number;
        do { j = Math.floor(rnd() * n); } while (j === i || chosen.includes(j));
        chosen.push(j);
        s += W.weights[a + t] * x[j];
      }
      if (Math.abs(s - e) >= d) count++;
    }
    // the same count gives Gi* and local Moran (both linear in the neighbour sum): one loop serves both
    checksum += count;
  }
  return checksum;
}

// warm-up (JIT) of both sides on a small grid, so the first size is not charged for compilation
{
  const cells = { i: new Int32Array(2500), j: new Int32Array(2500) };
  for (let k = 0; k < 2500; k++) { cells.i[k] = k % 50; cells.j[k] = Math.floor(k / 50); }
  const Wu = hexGridContiguity(cells), xu = Float64Array.from({ length: 2500 }, mulberry32(3));
  getisOrdGiStar(xu, Wu, { permutations: P }); localMoran(xu, rowStandardise(Wu), { permutations: P });
  naivePerCell(xu, Wu, 500);
}

const lines: string[][] = [['cells', 'hex edge', 'grid from PostGIS', 'weights: index', 'weights: ST_Touches SQL', 'Gi* + local Moran (lib)', 'same via WorkBudget', 'naive per-cell loop', 'naive / lib']];
for (const target of SIZES) {
  const edge = await edgeFor(target);
  let t0 = performance.now();
  const grid = await hexGrid(edge);
  const tGrid = ms(t0);
  const n = grid.i.length;
  t0 = performance.now();
  const W = hexGridContiguity(grid);
  const tW = ms(t0);
  // the SQL baseline on the grid (or a prefix of its rows), extrapolated when partial
  const sqlCells = Math.min(n, SQL_BUDGET_CELLS);
  const client = await pool.connect();
  let tSql: number;
  try {
    t0 = performance.now();
    await client.query(`CREATE TEMP TABLE bench_grid AS SELECT * FROM ST_HexagonGrid($1, ${EXTENT}) ORDER BY j, i LIMIT $2`, [edge, sqlCells]);
    await client.query('CREATE INDEX ON bench_grid USING gist (geom)');
    await client.query('ANALYZE bench_grid');
    await client.query('SELECT count(*) FROM bench_grid a JOIN bench_grid b ON ST_Touches(a.geom, b.geom)');
    tSql = (ms(t0) * n) / sqlCells;
    await client.query('DROP TABLE bench_grid');
  } finally {
    client.release();
  }
  const x = values(grid.cx, grid.cy);
  t0 = performance.now();
  const g = getisOrdGiStar(x, W, { permutations: P, seed: 1 });
  const l = localMoran(x, rowStandardise(W), { permutations: P, seed: 1 });
  const tLib = ms(t0);
  t0 = performance.now();
  await new WorkBudget({ sliceMs: 10 }).run(getisOrdGiStarSteps(x, W, { permutations: P, seed: 1 }));
  const tBudgetGi = ms(t0);
  const naiveCells = Math.min(n, NAIVE_BUDGET_CELLS);
  t0 = performance.now();
  naivePerCell(x, W, naiveCells);
  const tNaive = (ms(t0) * n) / naiveCells;
  const hot = g.bin.filter((b) => b === 3).length, hh = l.quadrant.filter((q) => q === 'HH').length;
  console.log(`${n} cells: ${hot} hot at 99 %, ${hh} HH; islands ${g.islands.length}`);
  lines.push([
    String(n), `${edge.toFixed(1)} m`, fmt(tGrid), fmt(tW), fmt(tSql, sqlCells < n), fmt(tLib), `${fmt(tBudgetGi)} (Gi* only)`,
    fmt(tNaive, naiveCells < n), `${(tNaive / tLib).toFixed(0)}×`,
  ]);
}
await pool.end();
const widths = lines[0].map((_, c) => Math.max(...lines.map((r) => r[c].length)));
console.log(`\nhotspots, ${P} permutations (grid: PostGIS ST_HexagonGrid over Nanjing municipality's extent; values SYNTHETIC; ~ = extrapolated from a prefix)`);
for (const r of lines) console.log(r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  '));
