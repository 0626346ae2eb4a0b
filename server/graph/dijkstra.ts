/**
 * Multi-source Dijkstra with a distance cut-off over one CSR direction of the walking graph,
 * using a binary min-heap with lazy deletion. One call answers "distance to the nearest seed" for
 * every vertex (and which seed it was), which is what nearest-facility access needs.
 */
import { runSync, type Steps } from './work-budget.ts';
import type { Csr } from './walk-graph.ts';

/** A search start: a vertex index, the distance already walked to reach it, and a caller label. */
export interface Seed {
  vertex: number;
  distance: number;
  label: number;
}

export interface SearchResult {
  /** Distance in metres to each vertex; Infinity where not reached within the cut-off. */
  dist: Float64Array;
  /** Label of the seed each vertex was reached from; -1 where not reached. */
  label: Int32Array;
  /** Vertices settled, in order of distance (handy for isochrones). */
  settled: Int32Array;
  settledCount: number;
}

/** Binary min-heap of (key, value) pairs in typed arrays; grows on demand. */
export class MinHeap {
  private keys = new Float64Array(1024);
  private vals = new Int32Array(1024);
  size = 0;

  clear() {
    this.size = 0;
  }

  push(key: number, val: number) {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      this.keys = k;
      const v = new Int32Array(this.size * 2);
      v.set(this.vals);
      this.vals = v;
    }
    let i = this.size++;
    const keys = this.keys, vals = this.vals;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= key) break;
      keys[i] = keys[p];
      vals[i] = vals[p];
      i = p;
    }
    keys[i] = key;
    vals[i] = val;
  }

  /** Smallest key (call only when size > 0). */
  peekKey(): number {
    return this.keys[0];
  }

  /** Removes the smallest entry and returns its value. */
  pop(): number {
    const keys = this.keys, vals = this.vals;
    const top = vals[0];
    const n = --this.size;
    if (n > 0) {
      const key = keys[n], val = vals[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && keys[c + 1] < keys[c]) c++;
        if (keys[c] >= key) break;
        keys[i] = keys[c];
        vals[i] = vals[c];
        i = c;
      }
      keys[i] = key;
      vals[i] = val;
    }
    return top;
  }
}

/** Heap pops between two yields of the step-wise search (about a millisecond of work, less once compiled). */
const POPS_PER_STEP = 1024;

/**
 * Runs Dijkstra from all seeds at once over `csr`, settling vertices up to `cutoffM` metres.
 * Pass the same `result` again to reuse its buffers (it is reset here).
 *
 * @example
 *   // nearest kindergarten for every vertex, searching the reversed graph from the kindergartens
 *   const r = multiSourceDijkstra(graph.reverse, graph.vertexCount, seeds, 2000);
 */
export function multiSourceDijkstra(
  csr: Csr,
  vertexCount: number,
  seeds: readonly Seed[],
  cutoffM: number,
  result?: SearchResult,
  heap: MinHeap = new MinHeap(),
): SearchResult {
  return runSync(multiSourceDijkstraSteps(csr, vertexCount, seeds, cutoffM, result, heap));
}

/**
 * The same search, step-wise: yields every few thousand settled vertices so that a caller can run
 * it under a WorkBudget (deadline, event-loop slices). Do not share `result`/`heap` between searches
 * that run interleaved.
 */
export function* multiSourceDijkstraSteps(
  csr: Csr,
  vertexCount: number,
  seeds: readonly Seed[],
  cutoffM: number,
  result?: SearchResult,
  heap: MinHeap = new MinHeap(),
): Steps<SearchResult> {
  const r = result ?? {
    dist: new Float64Array(vertexCount),
    label: new Int32Array(vertexCount),
    settled: new Int32Array(vertexCount),
    settledCount: 0,
  };
  r.dist.fill(Infinity);
  r.label.fill(-1);
  r.settledCount = 0;
  heap.clear();
  const { dist, label } = r;
  for (const s of seeds) {
    if (s.distance <= cutoffM && s.distance < dist[s.vertex]) {
      dist[s.vertex] = s.distance;
      label[s.vertex] = s.label;
      heap.push(s.distance, s.vertex);
    }
  }
  const { offset, head, weight } = csr;
  const done = new Uint8Array(vertexCount);
  let pops = 0;
  while (heap.size > 0) {
    if (++pops === POPS_PER_STEP) {
      pops = 0;
      yield;
    }
    const d = heap.peekKey();
    const v = heap.pop();
    if (done[v] || d > dist[v]) continue;
    done[v] = 1;
    r.settled[r.settledCount++] = v;
    for (let k = offset[v]; k < offset[v + 1]; k++) {
      const w = head[k];
      const nd = d + weight[k];
      if (nd < dist[w] && nd <= cutoffM) {
        dist[w] = nd;
        label[w] = label[v];
        heap.push(nd, w);
      }
    }
  }
  return r;
}
