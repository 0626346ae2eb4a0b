/**
 * The real CityCheck app (server/app.ts) on 127.0.0.1 and a free port, in a process of its own so
 * that a request which blocks the event loop cannot stop the fuzzer or the load generator; they
 * kill and restart this process instead. Prints `PORT <n>`, then one `FUZZ-5XX <json>` line per
 * request answered with a 5xx: the error as thrown (message, code, top of the stack) before the
 * error handler hides it, keyed by the request's `x-fuzz-id` header.
 *
 * Env: DATABASE_URL, STATEMENT_TIMEOUT_MS (8000), and the app's own (e.g. CITYCHECK_RATE_LIMIT_MAX).
 */
import { buildApp } from '../../server/app.ts';

const app = await buildApp({
  databaseUrl: process.env.DATABASE_URL!,
  statementTimeoutMs: Number(process.env.STATEMENT_TIMEOUT_MS || 8000),
  logLevel: 'silent',
  // Sign-in stays on, as deployed: the fuzzer sends an admin API token with six requests in seven
  // (test/fuzz/fuzz-account.ts), so the write routes' validation is reached and the 401 path is fuzzed too.
});
// onError runs before the error handler picks the status: keep the error, print it once the answer is a 5xx.
const thrown = new WeakMap<object, Error>();
app.addHook('onError', async (request, _reply, err) => {
  thrown.set(request, err);
});
app.addHook('onResponse', async (request, reply) => {
  if (reply.statusCode < 500) return;
  const err = thrown.get(request);
  const stack = (err?.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim());
  const line = { id: request.headers['x-fuzz-id'] ?? null, status: reply.statusCode, message: err?.message ?? '(no error thrown)', code: (err as { code?: string } | undefined)?.code ?? null, stack };
  process.stdout.write(`FUZZ-5XX ${JSON.stringify(line)}\n`);
});
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
console.log(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
