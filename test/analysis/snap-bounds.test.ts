import { describe, expect, it } from 'vitest';
import { closestOnSegment, localFrame, toX, toY } from '../../server/graph/geo.ts';
import { WalkGraph } from '../../server/graph/walk-graph.ts';
import { graphInput, latOf, lonOf } from '../fixtures/network/river-town.ts';

const graph = WalkGraph.fromArrays(graphInput());

/** Brute force: distance to every edge, the lowest index on ties (the index's own rule). */
function bruteNearest(g: WalkGraph, lon: number, lat: number): { edge: number; d: number } | null {
  const f = localFrame(lon, lat);
  let best = Infinity, edge = -1;
  for (let e = 0; e < g.edgeCount; e++) {
    for (let k = g.coordStart[e]; k < g.coordStart[e + 1] - 1; k++) {
      const c = g.coords;
      const { d2 } = closestOnSegment(0, 0, toX(f, c[2 * k]), toY(f, c[2 * k + 1]), toX(f, c[2 * k + 2]), toY(f, c[2 * k + 3]));
      if (d2 < best - 1e-9) {
        best = d2;
        edge = e;
      }
    }
  }
  return edge >= 0 && Math.sqrt(best) <= 500 ? { edge, d: Math.sqrt(best) } : null;
}

/** A small seeded generator (mulberry32), so a failure names a reproducible point. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SnapIndex bounds', () => {
  it.each([
    ['the north pole', 118.78, 90],
    ['near the north pole', 118.78, 89.9],
    ['the south pole', 118.78, -90],
    ['infinite longitude', Infinity, 31],
    ['infinite latitude', 118, -Infinity],
    ['NaN', NaN, 31],
    ['a huge longitude', 1e308, 31],
    ['the antimeridian', 180, 31],
    ['the other side of the antimeridian', -180, 31],
  ])('answers "no snap" for %s and terminates', (_name, lon, lat) => {
    expect(graph.snap(lon, lat)).toBeNull();
  });

  it('finds the same edge and distance as a scan of every edge, for points in and around the network', () => {
    const r = rng(20261125);
    for (let n = 0; n < 500; n++) {
      const x = -800 + r() * 1900, y = -800 + r() * 1900; // up to ~800 m outside the 300 m × 300 m town
      const lon = lonOf(x), lat = latOf(y);
      const want = bruteNearest(graph, lon, lat);
      const got = graph.snap(lon, lat);
      if (!want) expect(got, `(${x}, ${y})`).toBeNull();
      else {
        expect(got, `(${x}, ${y})`).not.toBeNull();
        expect(got!.distanceM, `(${x}, ${y})`).toBeCloseTo(want.d, 6);
      }
    }
  });

  it('snaps near the pole when the network is there (a degree of longitude is a few metres)', () => {
    // a 3-edge path along the 89.99° parallel: 0.01° of longitude ≈ 0.19 m there, so spread it wide
    const lon = [0, 30, 60, 90];
    const polar = WalkGraph.fromArrays({
      vertexIds: [1, 2, 3, 4], vertexLon: lon, vertexLat: [89.99, 89.99, 89.99, 89.99],
      edgeIds: [1, 2, 3], edgeSource: [1, 2, 3], edgeTarget: [2, 3, 4],
      edgeLength: [600, 600, 600], edgeCost: [600, 600, 600], edgeReverseCost: [600, 600, 600],
    }, { minComponentVertices: 1 });
    const s = polar.snap(45, 89.9905);
    expect(s).not.toBeNull();
    expect(s!.edge).toBe(1);
    expect(s!.distanceM).toBeLessThan(500);
    expect(polar.snap(45, 89.9)).toBeNull(); // 10 km south: beyond the 500 m radius
  });

  it('leaves a corrupt edge spanning the globe out of the index, and still snaps to the rest', () => {
    const input = graphInput();
    const n = input.vertexIds.length;
    const broken = WalkGraph.fromArrays({
      ...input,
      vertexIds: [...input.vertexIds, n + 1, n + 2], vertexLon: [...input.vertexLon, -179, 179], vertexLat: [...input.vertexLat, -80, 80],
      edgeIds: [...input.edgeIds, 999], edgeSource: [...input.edgeSource, n + 1], edgeTarget: [...input.edgeTarget, n + 2],
      edgeLength: [...input.edgeLength, 1e7], edgeCost: [...input.edgeCost, 1e7], edgeReverseCost: [...input.edgeReverseCost, 1e7],
    }, { minComponentVertices: 1 });
    expect(broken.snapIndex.skippedSegments).toBe(1);
    const s = broken.snap(lonOf(50), latOf(20));
    expect(s).not.toBeNull();
    expect(s!.distanceM).toBeCloseTo(20, 6);
  });
});
