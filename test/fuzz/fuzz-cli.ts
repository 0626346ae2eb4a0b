/**
 * `npm run fuzz`: a seeded, bounded fuzz run over every route of the OpenAPI document against the
 * real app on 127.0.0.1 (see fuzz-runner.ts). Exits 1 on any 5xx, hang, crash or changed table.
 *
 *   --seed <n>                  (default 1)
 *   --requests <n>              (default 10000)
 *   --concurrency <n>           requests in flight (default 4)
 *   --statement-timeout-ms <n>  the server's statement timeout (default STATEMENT_TIMEOUT_MS, 8000);
 *                               a request not answered within it + 1 s is a hang
 *   --only <i,j,…>              only these request indices of the seeded run (to reproduce one)
 *   --rate-limit                keep the per-client rate limit of the analysis routes on (default off:
 *                               one fuzzing client would mostly get 429 and never reach the analyses)
 *
 * The database is `<database>_fuzz` beside DATABASE_URL's or the local cluster's (re-created, with
 * the default city). The whole report, with full request bodies, goes to test-results/fuzz-<seed>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { cityDatabaseBeside, configuredDatabaseUrl } from './city-database.ts';
import { formatReport, runFuzz } from './fuzz-runner.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    requests: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '4' },
    'statement-timeout-ms': { type: 'string' },
    only: { type: 'string' },
    'rate-limit': { type: 'boolean', default: false },
  },
});
const int = (name: string, v: string | undefined, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer in ${min}–${max}, got "${v}"`);
    process.exit(2);
  }
  return n;
};
const seed = int('seed', values.seed, -(2 ** 31), 2 ** 31 - 1);
const requests = int('requests', values.requests, 1, 10_000_000);
const concurrency = int('concurrency', values.concurrency, 1, 64);
const statementTimeoutMs = values['statement-timeout-ms'] !== undefined
  ? int('statement-timeout-ms', values['statement-timeout-ms'], 100, 600_000) : loadConfig().statementTimeoutMs;
const only = values.only?.split(',').map((x) => int('only', x.trim(), 0, 10_000_000));

const databaseUrl = await cityDatabaseBeside(await configuredDatabaseUrl(), 'fuzz');
const report = await runFuzz({ databaseUrl, seed, requests, concurrency, statementTimeoutMs, rateLimit: values['rate-limit'], ...(only ? { only } : {}), log: console.log });
console.log(formatReport(report));
const out = path.join(REPO_ROOT, 'test-results', `fuzz-${seed}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(report, null, 1));
console.log(`full report: ${path.relative(REPO_ROOT, out)}`);
process.exit(report.ok ? 0 : 1);
