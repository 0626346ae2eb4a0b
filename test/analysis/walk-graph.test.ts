import { describe, expect, it } from 'vitest';
import { NearestTargets } from '../../server/graph/access.ts';
import { multiSourceDijkstra } from '../../server/graph/dijkstra.ts';
import { distanceTo, isochrone, traceRings } from '../../server/graph/isochrone.ts';
import { WalkGraph, WalkGraphError } from '../../server/graph/walk-graph.ts';
import { WalkGraphService, changedTables } from '../../server/plugins/walk-graph.ts';
import { ESTATES, EXPECTED, FACILITIES, VERTICES, graphInput, latOf, lonOf } from '../fixtures/network/river-town.ts';

const graph = WalkGraph.fromArrays(graphInput());
const snapAt = ([x, y]: [number, number]) => graph.snap(lonOf(x), latOf(y))!;
const vertexName = (v: number) => Object.keys(VERTICES)[graph.vertexId[v] - 1];

function pointInMultiPolygon(lon: number, lat: number, coords: number[][][][]): boolean {
  const inRing = (ring: number[][]) => {
    let inside = false;
    for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
      const [xa, ya] = ring[a], [xb, yb] = ring[b];
      if (ya > lat !== yb > lat && lon < ((xb - xa) * (lat - ya)) / (yb - ya) + xa) inside = !inside;
    }
    return inside;
  };
  return coords.some(([outer, ...holes]) => inRing(outer) && !holes.some(inRing));
}

describe('WalkGraph', () => {
  it('builds forward and reverse CSR arcs, leaving out the barred direction of a one-way edge', () => {
    expect(graph.vertexCount).toBe(13);
    expect(graph.edgeCount).toBe(15);
    expect(graph.forward.head.length).toBe(29); // 15 edges × 2 directions − 1 barred
    expect(graph.reverse.head.length).toBe(29);
    expect(graph.componentSize).toEqual([13]);
  });

  it('rejects an edge that names a missing vertex', () => {
    const input = graphInput();
    input.edgeTarget[0] = 999;
    expect(() => WalkGraph.fromArrays(input)).toThrow(WalkGraphError);
  });

  it('snaps a point to the nearest edge with its fraction and access leg', () => {
    const s = snapAt([150, 20]);
    expect(graph.edgeId[s.edge]).toBe(2); // B→C
    expect(s.fraction).toBeCloseTo(0.5, 4);
    expect(s.distanceM).toBeCloseTo(20, 2);
  });

  it('does not snap to a small isolated fragment when a connected street is nearby', () => {
    const input = graphInput();
    // a 2-vertex courtyard path 5 m from the point, the street B–C 20 m away
    input.vertexIds.push(100, 101);
    input.vertexLon.push(lonOf(140), lonOf(160));
    input.vertexLat.push(latOf(25), latOf(25));
    input.edgeIds.push(100);
    input.edgeSource.push(100);
    input.edgeTarget.push(101);
    input.edgeLength.push(20);
    input.edgeCost.push(20);
    input.edgeReverseCost.push(20);
    const g = WalkGraph.fromArrays(input);
    expect(g.componentSize).toEqual([13, 2]);
    expect(g.edgeId[g.snap(lonOf(150), latOf(20))!.edge]).toBe(2);
    expect(g.edgeId[WalkGraph.fromArrays(input, { minComponentVertices: 1 }).snap(lonOf(150), latOf(20))!.edge]).toBe(100);
  });

  it('does not snap a point farther than the snap radius from every edge', () => {
    expect(graph.snap(lonOf(150), latOf(2000))).toBeNull();
  });
});

describe('NearestTargets (multi-source search)', () => {
  for (const type of ['kindergarten', 'pharmacy', 'health_station', 'supermarket']) {
    it(`gives every estate its hand-worked distance to the nearest ${type}`, () => {
      const targets = FACILITIES.filter((f) => f.type === type).map((f, label) => ({ snap: snapAt(f.at), label }));
      const near = NearestTargets.search(graph, targets, 2000);
      for (const e of ESTATES) {
        const got = near.from(snapAt(e.centre));
        const want = EXPECTED[e.name][type];
        if (want === null) expect(got, e.name).toBeNull();
        else expect(got?.distanceM, e.name).toBeCloseTo(want, 1);
      }
    });
  }

  it('names which target is nearest', () => {
    const targets = FACILITIES.filter((f) => f.type === 'kindergarten').map((f, label) => ({ snap: snapAt(f.at), label }));
    const near = NearestTargets.search(graph, targets, 2000);
    expect(near.from(snapAt(ESTATES[0].centre))?.label).toBe(0); // E1 → K-D
    expect(near.from(snapAt(ESTATES[3].centre))?.label).toBe(1); // E4 → K-DE
  });

  it('returns null beyond the cut-off instead of a distance', () => {
    const targets = [{ snap: snapAt(VERTICES.N3), label: 0 }];
    const near = NearestTargets.search(graph, targets, 300);
    expect(near.from(snapAt(ESTATES[0].centre))).toBeNull(); // 370 m > 300 m
  });

  it('walks along a shared edge only in its passable direction', () => {
    // pharmacy at 30 % of B→C and an estate at 50 %: going back along B→C is barred
    const near = NearestTargets.search(graph, [{ snap: snapAt([130, 0]), label: 0 }], 2000);
    expect(near.from(snapAt([150, 20]))?.distanceM).toBeCloseTo(20 + 50 + 300 + 30, 1);
    expect(near.from(snapAt([115, 12]))?.distanceM).toBeCloseTo(12 + 15, 1);
  });

  it('agrees with Floyd–Warshall on a random directed grid', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const n = 8, ids: number[] = [], lon: number[] = [], lat: number[] = [];
    for (let i = 0; i < n * n; i++) { ids.push(i + 1); lon.push(lonOf((i % n) * 50)); lat.push(latOf(Math.floor(i / n) * 50)); }
    const es: [number, number, number, number][] = [];
    for (let i = 0; i < n * n; i++) {
      if (i % n < n - 1) es.push([i, i + 1, rnd() < 0.2 ? -1 : 10 + rnd() * 90, rnd() < 0.2 ? -1 : 10 + rnd() * 90]);
      if (i + n < n * n) es.push([i, i + n, rnd() < 0.2 ? -1 : 10 + rnd() * 90, rnd() < 0.2 ? -1 : 10 + rnd() * 90]);
    }
    const g = WalkGraph.fromArrays({ vertexIds: ids, vertexLon: lon, vertexLat: lat, edgeIds: es.map((_, i) => i + 1),
      edgeSource: es.map((e) => e[0] + 1), edgeTarget: es.map((e) => e[1] + 1), edgeLength: es.map(() => 50),
      edgeCost: es.map((e) => e[2]), edgeReverseCost: es.map((e) => e[3]) });
    const V = n * n, D = Array.from({ length: V }, (_, i) => Array.from({ length: V }, (_, j) => (i === j ? 0 : Infinity)));
    for (const [a, b, c, r] of es) { if (c >= 0) D[a][b] = Math.min(D[a][b], c); if (r >= 0) D[b][a] = Math.min(D[b][a], r); }
    for (let k = 0; k < V; k++) for (let i = 0; i < V; i++) for (let j = 0; j < V; j++) if (D[i][k] + D[k][j] < D[i][j]) D[i][j] = D[i][k] + D[k][j];
    const sources = [3, 40, 61];
    const r = multiSourceDijkstra(g.reverse, V, sources.map((v) => ({ vertex: v, distance: 0, label: v })), Infinity);
    for (let v = 0; v < V; v++) expect(r.dist[v]).toBeCloseTo(Math.min(...sources.map((s) => D[v][s])), 9);
  });
});

describe('isochrone', () => {
  const origin = snapAt(VERTICES.C);
  const iso = isochrone(graph, origin, lonOf(200), latOf(0), { limitsM: [100, 200, 300] });
  const within = (limit: number) =>
    Object.keys(VERTICES).filter((n) => iso.search.dist[graph.vertexIndex(Object.keys(VERTICES).indexOf(n) + 1)!] <= limit + 1e-6).sort();

  it('reaches exactly the vertices within each band, respecting the one-way and the single bridge', () => {
    expect(within(100)).toEqual(['C', 'C1', 'D']);
    expect(within(200)).toEqual(['B1', 'C', 'C1', 'D', 'D1', 'N2']);
    expect(within(300)).toEqual(['A1', 'B', 'B1', 'C', 'C1', 'D', 'D1', 'N1', 'N2', 'N3']);
    expect(vertexName(iso.search.settled[0])).toBe('C');
  });

  it('draws polygons that contain reached places and leave out unreached ones', () => {
    const [b100, b200, b300] = iso.bands.map((b) => b.coordinates);
    expect(pointInMultiPolygon(lonOf(300), latOf(0), b100)).toBe(true); // D
    expect(pointInMultiPolygon(lonOf(100), latOf(0), b100)).toBe(false); // B: barred one way
    expect(pointInMultiPolygon(lonOf(100), latOf(0), b200)).toBe(false); // B is 300 m away
    expect(pointInMultiPolygon(lonOf(100), latOf(0), b300)).toBe(true);
    expect(pointInMultiPolygon(lonOf(0), latOf(300), b300)).toBe(false); // dead end is 500 m away
    expect(iso.bands[0].areaM2).toBeLessThan(iso.bands[1].areaM2);
  });

  it('measures facilities by network distance from the clicked point', () => {
    const d = (at: [number, number]) => distanceTo(graph, iso, snapAt(at));
    expect(d(VERTICES.D)).toBeCloseTo(100, 1);
    expect(d(VERTICES.B)).toBeCloseTo(300, 1);
    expect(d(VERTICES.N3)).toBeCloseTo(300, 1);
    expect(d(VERTICES.DE)).toBe(Infinity); // beyond the 300 m search
  });
});

describe('traceRings', () => {
  it('traces an exterior counter-clockwise with its hole clockwise', () => {
    // 3×3 filled with the centre empty
    const g = new Float32Array(9).fill(0);
    g[4] = Infinity;
    const polys = traceRings(g, 3, 3, 1);
    expect(polys).toHaveLength(1);
    expect(polys[0]).toHaveLength(2);
    expect(polys[0][0]).toEqual([[0, 0], [3, 0], [3, 3], [0, 3], [0, 0]]);
    expect(polys[0][1]).toHaveLength(5);
  });

  it('keeps two cells that touch at a corner as two simple rings', () => {
    const g = new Float32Array([0, Infinity, Infinity, 0]);
    const polys = traceRings(g, 2, 2, 1);
    expect(polys).toHaveLength(2);
    for (const p of polys) expect(p[0]).toHaveLength(5);
  });
});

describe('walk-graph change handling', () => {
  it('reads table names from row-trigger and import-run notifications', () => {
    expect(changedTables('{"table":"walk_edge","op":"INSERT","boxes":[]}')).toEqual(['walk_edge']);
    expect(changedTables('{"run":3,"tables":["app.walk_vertex","app.facility"],"bbox":null}')).toEqual(['walk_vertex', 'facility']);
    expect(changedTables('not json')).toEqual([]);
  });

  it('rebuilds only for walking-network tables and passes every change on', async () => {
    let builds = 0;
    const svc = new WalkGraphService(async () => (builds++, graph), () => {});
    const seen: string[][] = [];
    svc.onChange((t) => seen.push(t));
    await svc.get();
    await svc.get();
    svc.notify(['facility']);
    await svc.get();
    expect(builds).toBe(1);
    svc.notify(['walk_edge']);
    await svc.get();
    expect(builds).toBe(2);
    expect(svc.version).toBe(1);
    expect(seen).toEqual([['facility'], ['walk_edge']]);
    svc.close();
  });
});
