/**
 * Event-loop delay while the server does heavy walking-graph work: the same computation run in one
 * go (how the server ran it before: `runSync`, blocking) and in slices under a WorkBudget (how it
 * runs now). Measured with perf_hooks.monitorEventLoopDelay, plus the lag of a 5 ms "other request"
 * timer that stands in for a concurrent /api/health. No database: a SYNTHETIC street grid.
 *
 *   node --import tsx test/bench/event-loop-bench.ts [gridSide=250] [origins=50000]
 *
 * Work per mode: build the access table (snap all origins and facilities), one multi-source search
 * per facility type (4 types), and a 60-minute isochrone (4.8 km at 80 m/min) from the centre.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AccessTable } from '../../server/analysis/life-circle/access-table.ts';
import { localFrame, toLat, toLon } from '../../server/graph/geo.ts';
import { isochrone, isochroneSteps } from '../../server/graph/isochrone.ts';
import { WalkGraph } from '../../server/graph/walk-graph.ts';
import { WorkBudget } from '../../server/graph/work-budget.ts';
import type { EstateRow, FacilityRow } from '../../server/repositories/life-circle-repository.ts';
import { percentiles } from './report.ts';

const side = Number(process.argv[2] ?? 250);
const originCount = Number(process.argv[3] ?? 50_000);
const F = localFrame(118.7, 32.0);
const TYPES = ['kindergarten', 'pharmacy', 'supermarket', 'health_station'];

function grid(n: number): WalkGraph {
  const id = (i: number, j: number) => i * n + j + 1;
  const vertexIds: number[] = [], vertexLon: number[] = [], vertexLat: number[] = [], src: number[] = [], tgt: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      vertexIds.push(id(i, j));
      vertexLon.push(toLon(F, 80 * i));
      vertexLat.push(toLat(F, 80 * j));
      if (i + 1 < n) (src.push(id(i, j)), tgt.push(id(i + 1, j)));
      if (j + 1 < n) (src.push(id(i, j)), tgt.push(id(i, j + 1)));
    }
  }
  const c = src.map(() => 80);
  return WalkGraph.fromArrays({ vertexIds, vertexLon, vertexLat, edgeIds: src.map((_, k) => k + 1), edgeSource: src, edgeTarget: tgt, edgeLength: c, edgeCost: c, edgeReverseCost: c });
}

/** Deterministic pseudo-random points over the grid (no Math.random: comparable runs). */
function points(count: number, seed: number): { lon: number; lat: number }[] {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: count }, () => ({ lon: toLon(F, r() * 80 * (side - 1)), lat: toLat(F, r() * 80 * (side - 1)) }));
}

const g = grid(side);
const estates: EstateRow[] = points(originCount, 7).map((p, i) => ({
  id: i + 1, name: null, residents: 100, isOld: false, lon: p.lon, lat: p.lat, districtId: null, districtName: null, subdistrictId: null, subdistrictName: null,
}));
const facilities: FacilityRow[] = points(400, 11).map((p, i) => ({ id: i + 1, type: TYPES[i % TYPES.length], name: null, lon: p.lon, lat: p.lat }));
const centre = { lon: toLon(F, 40 * side), lat: toLat(F, 40 * side) };
const iso = { limitsM: [1600, 3200, 4800] };

async function measure(name: string, work: () => Promise<void>) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const lags: number[] = [];
  let running = true;
  // the "other request": a 5 ms timer, its lateness is what a concurrent request would wait
  const probe = () => {
    const due = performance.now() + 5;
    setTimeout(() => {
      lags.push(performance.now() - due);
      if (running) probe();
    }, 5);
  };
  h.enable();
  probe();
  await new Promise((r) => setTimeout(r, 20)); // let the histogram's own timer start before the work
  const t0 = performance.now();
  await work();
  const wall = performance.now() - t0;
  running = false;
  await new Promise((r) => setTimeout(r, 20));
  h.disable();
  const lag = percentiles(lags);
  return {
    name, wallMs: wall,
    loopP50: h.percentile(50) / 1e6, loopP99: h.percentile(99) / 1e6, loopMax: h.max / 1e6,
    probes: lags.length, probeP50: lag.p50, probeP99: lag.p99, probeMax: Math.max(...lags),
  };
}

async function oneGo() {
  const t = new AccessTable(g, estates, facilities, 2000);
  for (const type of TYPES) t.forType(type);
  const o = g.snap(centre.lon, centre.lat)!;
  isochrone(g, o, centre.lon, centre.lat, iso);
}
async function slices() {
  const b = new WorkBudget({ deadlineMs: 600_000 });
  const t = await AccessTable.build(g, estates, facilities, 2000, b);
  await t.prepare(TYPES, b);
  const o = g.snap(centre.lon, centre.lat)!;
  await b.run(isochroneSteps(g, o, centre.lon, centre.lat, iso));
}
// warm-up (JIT) so that neither mode pays for compilation; then two rounds, alternating
await oneGo();
await slices();
const results = [];
for (let round = 1; round <= 2; round++) {
  results.push(await measure(`round ${round}: one go (before: blocks the loop)`, oneGo));
  results.push(await measure(`round ${round}: WorkBudget slices of 10 ms (now)`, slices));
}
const f = (x: number) => x.toFixed(1);
console.log(`SYNTHETIC grid ${side}×${side} (${g.vertexCount} vertices, ${g.edgeCount} edges), ${originCount} origins, ${facilities.length} facilities, ${TYPES.length} types + a 60-min isochrone; node ${process.version}`);
console.log(['mode', 'wall ms', 'loop delay p50/p99/max ms', '5 ms probe: n, lag p50/p99/max ms'].join(' | '));
for (const r of results) {
  console.log([r.name, f(r.wallMs), `${f(r.loopP50)} / ${f(r.loopP99)} / ${f(r.loopMax)}`, `${r.probes}, ${f(r.probeP50)} / ${f(r.probeP99)} / ${f(r.probeMax)}`].join(' | '));
}
const [b1, s1, b2, s2] = results;
console.log(`wall-time cost of slicing: ×${(s1.wallMs / b1.wallMs).toFixed(2)}, ×${(s2.wallMs / b2.wallMs).toFixed(2)}; worst wait of another request: ${f(Math.max(b1.probeMax, b2.probeMax))} ms → ${f(Math.max(s1.probeMax, s2.probeMax))} ms`);
