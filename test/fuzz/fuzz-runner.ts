/**
 * A seeded, bounded fuzz run over every route of the app's OpenAPI document (/docs/json):
 *
 * 1. checksums of the layer tables (table-checksums.ts);
 * 2. an admin account and API token for the fuzzer, made in the database (fuzz-account.ts); six
 *    requests in seven carry the token, the seventh goes anonymous;
 *    the real app in a child process on 127.0.0.1 (server-process.ts); what the city holds is read
 *    from it (layers, collections, feature ids, facility codes, datasets) and one green-coverage run
 *    is made so the routes under /{runId} reach their analyses;
 * 3. `requests` generated requests (request-generator.ts) at `concurrency`, each with a deadline of
 *    statement timeout + 1 s; a request past it is a suspect, and when the server no longer answers
 *    a probe it is killed (kill -9) and started again;
 * 4. suspects are replayed one at a time: a replay that again misses its deadline is a hang (or a
 *    crash when the server dies), one that answers was stalled behind another request (collateral);
 * 5. 5xx are grouped by route and error, and the smallest example of each group is shrunk by
 *    dropping query parameters and body fields while the same error persists;
 * 6. every GET route again with plausible parameters: a 5xx now means an accepted hostile write
 *    (a setting, an override, a scenario) broke later reads; the accepted hostile writes are listed;
 * 7. the checksums again, after the server is stopped.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { type FuzzContext, type FuzzRequest, generateRequest } from './request-generator.ts';
import { send, type SendResult } from './http-send.ts';
import { operationsOf, type Operation } from './openapi.ts';
import { fuzzAdminToken } from './fuzz-account.ts';
import { ServerProcess } from './server-process.ts';
import { COLUMNS_WRITTEN_BY_REQUESTS, changedTables, layerChecksums, type TableChecksum } from './table-checksums.ts';
import { shortText } from './hostile-values.ts';

export interface FuzzOptions {
  databaseUrl: string;
  seed: number;
  requests: number;
  /** Only these request indices of the seeded run (reproducing one request); default all. */
  only?: number[];
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** The server's statement timeout; a request answered later than this + 1 s is a hang (default 8000). */
  statementTimeoutMs?: number;
  /** Keep the per-client rate limit of the expensive routes on (default off, so hostile input reaches the analyses). */
  rateLimit?: boolean;
  log?: (line: string) => void;
}

export interface Repro {
  method: string;
  url: string;
  /** Sent with the fuzzer's admin API token (`Authorization: Bearer …`). */
  admin: boolean;
  body?: string;
  contentType?: string;
}

export interface FailureGroup {
  kind: '5xx' | 'hang' | 'crash';
  route: string;
  /** The error with numbers and quoted text generalised, so one cause is one group. */
  cause: string;
  count: number;
  statuses: Record<string, number>;
  /** The error of the example as the server saw it (message, code, top of stack). */
  detail: string;
  example: Repro;
  /** Which fields were hostile in the example. */
  mutations: string[];
  /** Request indices (reproduce one with the same seed and `--only <index>`). */
  indices: number[];
}

export interface FuzzReport {
  seed: number;
  requests: number;
  concurrency: number;
  statementTimeoutMs: number;
  hangMs: number;
  rateLimit: boolean;
  wallMs: number;
  statusCounts: Record<string, number>;
  routes: { route: string; count: number; statuses: Record<string, number> }[];
  failures: FailureGroup[];
  /** Requests that missed their deadline only because another request blocked the server. */
  collateral: number;
  /** How many times the fuzzer's admin token was made (1 + each time hostile requests revoked it). */
  tokenMints: number;
  /** Plausible GET requests sent after the run, by status. */
  afterRun: { requests: number; statuses: Record<string, number> };
  /** Non-GET requests with hostile values that were answered 2xx: by route, with the smallest examples. */
  acceptedWrites: { route: string; count: number; examples: (Repro & { hostile: string[]; status: number })[] }[];
  serverStarts: number;
  checksums: { before: TableChecksum[]; after: TableChecksum[]; changed: string[]; excluded: string[] };
  ok: boolean;
}

interface Outcome {
  req: FuzzRequest;
  result: SendResult;
  fuzzId: string;
  /** A replay past its deadline left the server unable to answer anything. */
  blocked?: boolean;
  /** Sent after the run, as a plausible request, to see whether the run's writes broke reads. */
  after?: boolean;
}

const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** Generalises an error message: numbers and quoted values become placeholders. */
export function causeOf(message: string): string {
  return message
    .replace(/"[^"]{0,200}"|'[^']{0,200}'/g, '"…"')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N')
    .slice(0, 200);
}

async function getJsonAs<T>(port: number, path: string, method = 'GET', body?: unknown, token?: string): Promise<T | undefined> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(120_000),
  });
  return r.ok ? (await r.json()) as T : undefined;
}

/** Reads what the city holds from the running app, and makes one green-coverage run. */
export async function discoverContext(port: number, token?: string): Promise<{ ops: Operation[]; ctx: FuzzContext }> {
  const getJson = <T>(path: string, method = 'GET', body?: unknown) => getJsonAs<T>(port, path, method, body, token);
  const doc = await getJson<Parameters<typeof operationsOf>[0]>('/docs/json');
  if (!doc) throw new Error('GET /docs/json failed');
  const ops = operationsOf(doc);
  const catalog = (await getJson<{ id: string; fields?: Record<string, string> }[]>('/tiles/catalog')) ?? [];
  const collections = ((await getJson<{ collections: { id: string; properties?: Record<string, string>; extent?: { spatial?: { bbox?: number[][] } } }[] }>('/collections'))?.collections) ?? [];
  const fields: Record<string, Record<string, string>> = {};
  for (const c of catalog) fields[c.id] = c.fields ?? {};
  for (const c of collections) fields[c.id] = { ...fields[c.id], ...(c.properties && typeof c.properties === 'object' ? c.properties : {}) };
  const featureIds: Record<string, string[]> = {};
  for (const c of collections) {
    const items = await getJson<{ features: { id: string | number }[] }>(`/collections/${encodeURIComponent(c.id)}/items?limit=3`);
    featureIds[c.id] = (items?.features ?? []).map((f) => String(f.id));
  }
  const facility = await getJson<{ types: { code: string }[] }>('/api/facility-types');
  const health = await getJson<{ datasets?: { id: string }[] }>('/api/health');
  const cities = (await getJson<{ cities?: { id: string; center?: number[] }[]; defaultCity?: string }>('/api/datasets')) ?? {};
  const cityIds = (cities.cities ?? []).map((c) => c.id);
  const settings = cityIds[0] ? await getJson<{ settings?: Record<string, unknown> }>(`/api/datasets/${encodeURIComponent(cityIds[0])}/settings`) : undefined;
  const bbox = collections.find((c) => c.id === 'estates')?.extent?.spatial?.bbox?.[0] ?? collections[0]?.extent?.spatial?.bbox?.[0];
  const cityCentre = (cities.cities ?? []).find((c) => c.id === cities.defaultCity)?.center;
  const centre: [number, number] = cityCentre?.length === 2 ? [cityCentre[0]!, cityCentre[1]!]
    : bbox && bbox.length >= 4 ? [(bbox[0]! + bbox[2]!) / 2, (bbox[1]! + bbox[3]!) / 2] : [118.78, 32.045];
  const runIds: number[] = [];
  for (const body of [{}, { mode: 'official' }]) {
    const run = await getJson<{ runId?: number; id?: number }>('/api/analysis/green-coverage', 'POST', body);
    const id = run?.runId ?? run?.id;
    if (id) runIds.push(id);
  }
  return {
    ops,
    ctx: {
      centre,
      tileLayers: catalog.map((c) => c.id),
      collections: collections.map((c) => c.id),
      featureIds,
      fields,
      facilityCodes: (facility?.types ?? []).map((t) => t.code),
      datasets: (health?.datasets ?? []).map((d) => d.id),
      cities: cityIds,
      settingKeys: Object.keys(settings?.settings ?? {}),
      runIds,
    },
  };
}

/** Runs the fuzzer; never throws for what the server does, only when the run cannot start. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => {});
  const concurrency = opts.concurrency ?? 4;
  const statementTimeoutMs = opts.statementTimeoutMs ?? 8_000;
  const hangMs = statementTimeoutMs + 1_000;
  const t0 = performance.now();
  const before = await layerChecksums(opts.databaseUrl);
  const server = new ServerProcess({ databaseUrl: opts.databaseUrl, statementTimeoutMs, rateLimit: opts.rateLimit ?? false });
  let token = await fuzzAdminToken(opts.databaseUrl);
  let tokenMints = 1;
  await server.start();
  try {
    const { ops, ctx } = await discoverContext(server.port, token);
    log(`${ops.length} routes in /docs/json; ${ctx.tileLayers.length} tile layers, ${ctx.collections.length} collections, ` +
      `${ctx.facilityCodes.length} facility types, datasets [${ctx.datasets.join(', ')}], green-coverage runs [${ctx.runIds.join(', ')}]`);

    // Restarts happen once however many workers notice the server is blocked.
    let restarting: Promise<void> | undefined;
    const ensureServer = async () => {
      if (restarting) return restarting;
      if (await server.responsive()) return;
      restarting = (async () => {
        log(`  server unresponsive or gone: kill -9 and restart (start #${server.starts + 1})`);
        await server.kill();
        await server.start();
      })().finally(() => (restarting = undefined));
      return restarting;
    };

    const indices = opts.only ?? Array.from({ length: opts.requests }, (_, i) => i);
    // Hostile requests may revoke the fuzzer's token or demote its account: mint it again when they did.
    let reminting: Promise<void> | undefined;
    const ensureAuth = async () => {
      if (reminting) return reminting;
      const me = await getJsonAs<{ user?: { role?: string } | null }>(server.port, '/api/auth/me', 'GET', undefined, token).catch(() => undefined);
      if (me?.user?.role === 'admin') return;
      reminting = (async () => {
        token = await fuzzAdminToken(opts.databaseUrl);
        tokenMints++;
      })().finally(() => (reminting = undefined));
      return reminting;
    };
    const sendAs = async (req: FuzzRequest, fuzzId: string, agent?: http.Agent) => {
      if (reminting) await reminting;
      const r = await send(server.port, isAdmin(req) ? { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } } : req, fuzzId, hangMs, agent);
      if (isAdmin(req) && r.kind === 'answer' && (r.status === 401 || r.status === 403)) await ensureAuth();
      return r;
    };

    const outcomes: Outcome[] = new Array(indices.length);
    const suspects: number[] = [];
    let next = 0;
    let fives = 0;
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < indices.length) {
        const k = next++;
        const req = generateRequest(ops, ctx, opts.seed, indices[k]!);
        if (restarting) await restarting;
        const fuzzId = `${opts.seed}-${req.index}`;
        let result = await sendAs(req, fuzzId, agent);
        // A kept-alive socket the server had just closed (e.g. after a 431) is the client's race, not a fault: once more, fresh.
        if (result.kind === 'connection' && (await server.responsive())) result = await sendAs(req, `${fuzzId}-again`);
        // Large bodies of plain answers are not needed again (only failures are replayed): keep their start.
        const keep = result.kind !== 'answer' || result.status >= 500 || (req.body?.length ?? 0) <= 100_000;
        outcomes[k] = { req: keep ? req : { ...req, body: shortText(req.body!, 2_000) }, result, fuzzId };
        if (result.kind === 'answer' && result.status >= 500) fives++;
        if (result.kind !== 'answer') {
          suspects.push(k);
          await ensureServer();
        }
        if ((k + 1) % 1000 === 0) log(`  ${k + 1}/${indices.length} requests, ${((performance.now() - t0) / 1000).toFixed(0)} s: ${fives} × 5xx, ${suspects.length} past the deadline`);
      }
    }));
    agent.destroy();

    // Replays, one at a time: who really hangs, and who was stalled behind it.
    let collateral = 0;
    const confirmed = new Map<number, 'hang' | 'crash'>();
    for (const k of suspects.sort((a, b) => a - b)) {
      await ensureServer();
      const o = outcomes[k]!;
      const fuzzId = `${opts.seed}-${o.req.index}-replay`;
      const result = await sendAs(o.req, fuzzId);
      if (result.kind === 'answer') {
        collateral++;
        outcomes[k] = { req: o.req, result, fuzzId };
      } else {
        const blocked = !(await server.responsive());
        confirmed.set(o.req.index, result.kind === 'connection' || !server.alive ? 'crash' : 'hang');
        outcomes[k] = { req: o.req, result, fuzzId, blocked };
      }
    }
    if (suspects.length) log(`  replayed ${suspects.length} requests past the deadline alone: ${confirmed.size} hang or crash, ${collateral} stalled behind another`);

    // After the run: every GET route three times with plausible parameters (indices that map onto GET routes).
    const afterStatuses: Record<string, number> = {};
    const getRoutes = ops.map((op, j) => [op, j] as const).filter(([op]) => op.method === 'GET');
    for (let k = 0; k < 3; k++) {
      for (const [, j] of getRoutes) {
        await ensureServer();
        const req = generateRequest(ops, ctx, opts.seed, ops.length * (10_000_000 + k) + j, { valid: true });
        const fuzzId = `${opts.seed}-${req.index}-after`;
        const result = await sendAs(req, fuzzId);
        bump(afterStatuses, statusKey(result));
        outcomes.push({ req, result, fuzzId, after: true });
      }
    }

    // Counts and groups.
    const statusCounts: Record<string, number> = {};
    const perRoute = new Map<string, { count: number; statuses: Record<string, number> }>();
    for (const op of ops) perRoute.set(op.route, { count: 0, statuses: {} });
    const groups = new Map<string, FailureGroup & { size: number }>();
    const writes = new Map<string, { route: string; count: number; examples: (Repro & { hostile: string[]; status: number })[] }>();
    for (const o of outcomes) {
      const key = statusKey(o.result);
      if (!o.after) {
        bump(statusCounts, key);
        const pr = perRoute.get(o.req.route)!;
        pr.count++;
        bump(pr.statuses, key);
      }
      const hostile = o.req.mutations.filter((m) => m !== 'content-type' && !m.endsWith('<extra>'));
      if (o.req.method !== 'GET' && o.result.kind === 'answer' && o.result.status < 300 && hostile.length) {
        const w = writes.get(o.req.route) ?? { route: o.req.route, count: 0, examples: [] };
        w.count++;
        w.examples.push({ ...reproOf(o.req), hostile, status: o.result.status });
        w.examples.sort((a, b) => suspicion(b) - suspicion(a) || a.url.length + (a.body?.length ?? 0) - b.url.length - (b.body?.length ?? 0)).splice(3);
        writes.set(o.req.route, w);
      }
      // After-run requests went one at a time: a missed deadline there is the request's own.
      const failure = failureOf(o, server, hangMs, confirmed.has(o.req.index) || !!o.after);
      if (!failure) continue;
      if (o.after) failure.cause = `after the run, a plausible request: ${failure.cause}`;
      const gk = `${failure.kind} ${o.req.route} ${failure.cause}`;
      const size = o.req.url.length + (o.req.body?.length ?? 0);
      const g = groups.get(gk);
      if (!g) {
        groups.set(gk, { kind: failure.kind, route: o.req.route, cause: failure.cause, count: 1, statuses: { [key]: 1 }, detail: failure.detail, example: reproOf(o.req), mutations: o.req.mutations, indices: [o.req.index], size });
      } else {
        g.count++;
        bump(g.statuses, key);
        if (g.indices.length < 20) g.indices.push(o.req.index);
        if (size < g.size) Object.assign(g, { size, example: reproOf(o.req), mutations: o.req.mutations, detail: failure.detail });
      }
    }
    const failures = [...groups.values()].sort((a, b) => a.route.localeCompare(b.route) || b.count - a.count);
    for (const g of failures) if (g.kind === '5xx') g.example = await shrink(g, server, ensureServer, sendAs);
    await server.stop();
    const after = await layerChecksums(opts.databaseUrl);
    const changed = changedTables(before.tables, after.tables);
    return {
      seed: opts.seed, requests: indices.length, concurrency, statementTimeoutMs, hangMs, rateLimit: opts.rateLimit ?? false, wallMs: performance.now() - t0, statusCounts,
      routes: [...perRoute].map(([route, v]) => ({ route, ...v })), failures: failures.map(({ size: _size, ...g }) => g), collateral,
      afterRun: { requests: getRoutes.length * 3, statuses: afterStatuses }, acceptedWrites: [...writes.values()],
      serverStarts: server.starts, tokenMints, checksums: { before: before.tables, after: after.tables, changed, excluded: before.excluded },
      ok: failures.length === 0 && changed.length === 0 && [...perRoute.values()].every((v) => v.count > 0),
    };
  } finally {
    await server.kill();
  }
}

function statusKey(r: SendResult): string {
  if (r.kind === 'answer') return String(r.status);
  return r.kind === 'timeout' ? 'hang' : 'connection lost';
}

function failureOf(o: Outcome, server: ServerProcess, hangMs: number, confirmed: boolean): { kind: FailureGroup['kind']; cause: string; detail: string } | undefined {
  const r = o.result;
  if (r.kind === 'answer') {
    if (r.status < 500) return undefined;
    const e = server.errors.get(o.fuzzId);
    const bodyMessage = (() => {
      try {
        return String((JSON.parse(r.head) as { message?: string }).message ?? r.head);
      } catch {
        return r.head.slice(0, 200);
      }
    })();
    const message = e ? e.message : bodyMessage;
    const detail = e ? `${r.status} ${e.code ? `${e.code} ` : ''}${shortText(e.message, 400)}\n      at ${e.stack.join('\n      at ')}` : `${r.status} ${shortText(bodyMessage, 400)}${r.retryAfter ? ` (Retry-After ${r.retryAfter})` : ' (no Retry-After)'}`;
    return { kind: '5xx', cause: `${r.status} ${e?.code ? `[${e.code}] ` : ''}${causeOf(message)}`, detail };
  }
  if (!confirmed) return undefined;
  if (r.kind === 'timeout') {
    const blocked = o.blocked;
    return {
      kind: 'hang',
      cause: blocked ? 'no answer and the server stopped answering anything (event loop blocked): killed' : 'no answer in time while the server stayed responsive',
      detail: `no answer within ${hangMs} ms (statement timeout + 1 s)`,
    };
  }
  const crash = server.crashes.at(-1);
  return { kind: 'crash', cause: `connection lost: ${r.error}`, detail: crash ? `server exited ${crash.exit}: ${shortText(crash.stderr, 600)}` : r.error };
}

/** Six requests in seven carry the fuzzer's admin token; the seventh goes anonymous. */
const isAdmin = (req: { index: number }) => req.index < 0 || req.index % 7 !== 3;

function reproOf(req: FuzzRequest): Repro {
  return { method: req.method, url: req.url, admin: isAdmin(req), ...(req.body !== undefined ? { body: req.body } : {}), ...(req.headers['content-type'] !== undefined ? { contentType: req.headers['content-type'] } : {}) };
}

/**
 * Drops query parameters and top-level body fields, one at a time, while the request still fails
 * with the same cause: the smallest request that shows the fault.
 */
async function shrink(g: FailureGroup, server: ServerProcess, ensureServer: () => Promise<void>,
  sendAs: (req: FuzzRequest, fuzzId: string) => Promise<SendResult>): Promise<Repro> {
  let best = g.example;
  let tries = 0;
  const sameFault = async (c: Repro): Promise<boolean> => {
    tries++;
    await ensureServer();
    const req: FuzzRequest = { index: c.admin ? -1 : 3, route: g.route, method: c.method, url: c.url, headers: c.contentType !== undefined ? { 'content-type': c.contentType } : {}, ...(c.body !== undefined ? { body: c.body } : {}), mutations: [] };
    const fuzzId = `shrink-${tries}-${Math.random().toString(36).slice(2)}`;
    const r = await sendAs(req, fuzzId);
    if (r.kind !== 'answer') return false;
    const f = failureOf({ req, result: r, fuzzId }, server, 0, false);
    return f?.cause === g.cause.replace(AFTER_RUN, '');
  };
  const [path, query] = best.url.split('?', 2) as [string, string | undefined];
  let params = query ? query.split('&') : [];
  for (let k = params.length - 1; k >= 0 && tries < 20; k--) {
    const fewer = params.filter((_, j) => j !== k);
    const c = { ...best, url: fewer.length ? `${path}?${fewer.join('&')}` : path };
    if (await sameFault(c)) {
      params = fewer;
      best = c;
    }
  }
  let body: unknown;
  try {
    body = best.body !== undefined ? JSON.parse(best.body) : undefined;
  } catch {
    return best;
  }
  if (body && typeof body === 'object' && !Array.isArray(body) && best.body!.length < 3_000_000) {
    for (const k of Object.keys(body)) {
      if (tries >= 30) break;
      const copy = { ...(body as Record<string, unknown>) };
      delete copy[k];
      // Re-serialising would turn tokens like 1e999 into null: only drop fields whose text is plain JSON.
      const text = JSON.stringify(copy);
      const c = { ...best, body: text };
      if (!LOSSY_JSON.test(best.body!) && (await sameFault(c))) {
        body = copy;
        best = c;
      }
    }
  }
  return best;
}

/** Accepted writes that carried a non-finite, out-of-range or control value come first in the report. */
const SUSPICIOUS = /Infinity|NaN|1e30[89]|1e999|-0(?![.\d])|\\u0000|%00|[":,\[]-?(90|180)[,\]]/;
const suspicion = (e: Repro) => (SUSPICIOUS.test(`${e.url} ${e.body ?? ''}`) ? 1 : 0);

const AFTER_RUN = /^after the run, a plausible request: /;

/** Tokens that JSON.parse + JSON.stringify would not give back as written. */
const LOSSY_JSON = /1e999|-0(?![.\d])|9007199254740993|1e-400|4\.9e-324|\\ud[89a-f]/i;

/** The report as plain text: what a person reads first. */
export function formatReport(r: FuzzReport): string {
  const lines: string[] = [];
  lines.push(`fuzz: seed ${r.seed}, ${r.requests} requests over ${r.routes.length} routes at concurrency ${r.concurrency}, ` +
    `deadline ${r.hangMs} ms (statement timeout ${r.statementTimeoutMs} ms + 1 s), rate limits ${r.rateLimit ? 'on' : 'off'}, ${(r.wallMs / 1000).toFixed(1)} s, server started ${r.serverStarts}×`);
  lines.push(`statuses: ${Object.entries(r.statusCounts).sort().map(([k, v]) => `${k} × ${v}`).join(', ')}`);
  const never = r.routes.filter((x) => x.count === 0);
  if (never.length) lines.push(`routes never called: ${never.map((x) => x.route).join(', ')}`);
  lines.push('per route:');
  for (const x of r.routes) lines.push(`  ${x.route.padEnd(58)} ${String(x.count).padStart(5)}  ${Object.entries(x.statuses).sort().map(([k, v]) => `${k}×${v}`).join(' ')}`);
  const kinds = (k: FailureGroup['kind']) => r.failures.filter((f) => f.kind === k).reduce((a, f) => a + f.count, 0);
  lines.push(`failures: ${kinds('5xx')} × 5xx, ${kinds('hang')} hangs, ${kinds('crash')} crashes in ${r.failures.length} groups; ${r.collateral} requests stalled behind another (answered when replayed alone)`);
  for (const f of r.failures) {
    lines.push(`- [${f.kind}] ${f.route} — ${f.count}× (${Object.entries(f.statuses).map(([k, v]) => `${k}×${v}`).join(' ')}) ${f.cause}`);
    lines.push(`    detail: ${f.detail}`);
    lines.push(`    repro:  ${f.example.method} ${shortText(f.example.url, 400)}${f.example.admin ? '  (Authorization: Bearer <admin token>)' : '  (anonymous)'}`);
    if (f.example.body !== undefined) lines.push(`    body:   ${f.example.contentType ?? '(no content-type)'} ${shortText(f.example.body, 400)}`);
    lines.push(`    hostile: ${f.mutations.join(', ') || '(none: a valid request)'}; request indices ${f.indices.slice(0, 8).join(', ')}${f.indices.length > 8 ? ', …' : ''}`);
  }
  lines.push(`after the run, ${r.afterRun.requests} plausible GETs (every GET route ×3): ${Object.entries(r.afterRun.statuses).sort().map(([k, v]) => `${k} × ${v}`).join(', ')}`);
  if (r.acceptedWrites.length) {
    lines.push('writes with hostile values answered 2xx (not failures by themselves; what they stored must be sane):');
    for (const w of r.acceptedWrites) {
      lines.push(`  ${w.route}: ${w.count}×, e.g.`);
      for (const e of w.examples) lines.push(`    ${e.status} ${e.method} ${shortText(e.url, 200)} ${e.body !== undefined ? shortText(e.body, 200) : ''} [${e.hostile.join(', ')}]`);
    }
  }
  const all = (ts: TableChecksum[]) => createHash('md5').update(ts.map((t) => `${t.table}:${t.md5}`).join('\n')).digest('hex');
  lines.push(`tables: ${r.checksums.before.length} layer tables checksummed (${r.checksums.before.reduce((a, t) => a + t.rows, 0)} rows), ` +
    `md5 of all before ${all(r.checksums.before)}, after ${all(r.checksums.after)}: ${r.checksums.changed.length ? 'CHANGED' : 'unchanged'}; ` +
    `left out as written by requests: ${r.checksums.excluded.join(', ')}, ${Object.entries(COLUMNS_WRITTEN_BY_REQUESTS).map(([t, c]) => `${t}.${c.join('/')}`).join(', ')}`);
  for (const name of r.checksums.changed) {
    const [b, a] = [r.checksums.before, r.checksums.after].map((ts) => ts.find((t) => t.table === name));
    lines.push(`  app.${name}: ${b ? `${b.rows} rows md5 ${b.md5}` : 'absent'} → ${a ? `${a.rows} rows md5 ${a.md5}` : 'absent'}`);
  }
  lines.push(r.ok ? 'fuzz: OK (0 × 5xx, 0 hangs, tables unchanged)' : 'fuzz: FAILED');
  return lines.join('\n');
}
