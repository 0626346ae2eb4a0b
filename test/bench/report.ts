/** Latency percentiles and a plain-text table for the tile benchmark. */

/** Summary of one run. */
export interface Stats {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  n: number;
  rps: number;
  errors: number;
  /** Mean response bytes (HTTP runs). */
  bytes: number;
}

/** p50/p95/p99/mean of latencies in ms. */
export function percentiles(ms: number[]): Pick<Stats, 'p50' | 'p95' | 'p99' | 'mean' | 'n'> {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN);
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), n: s.length };
}

/** A table row; `floor` adds the p50 and mean ratios to the DB floor. */
export function row(name: string, s: Stats, floor?: Stats): string[] {
  return [
    name, String(s.n), s.rps.toFixed(0), s.p50.toFixed(2), s.p95.toFixed(2), s.p99.toFixed(2),
    s.bytes ? s.bytes.toFixed(0) : '', String(s.errors),
    floor ? `${(s.p50 / floor.p50).toFixed(2)} / ${(s.mean / floor.mean).toFixed(2)}` : '',
  ];
}

/** Renders rows under the benchmark header. */
export function table(rows: string[][]): string {
  const head = ['run', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'bytes/resp', 'errors', 'cold/floor p50 / mean'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')).join('\n');
}
