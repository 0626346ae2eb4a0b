/**
 * `npm run bench:report`: the annual report (体检报告) of central Nanjing's 2025 check cycle generated
 * through the API (POST /api/check/cycles/{id}/report) three times in Chinese and once in English: total
 * time, each map figure's drawing time, pages and PDF size. Median of the three Chinese runs (the first pays
 * Chromium's cold start). Database citycheck_bench_report (on DATABASE_URL's server, else the local test
 * cluster), loaded once and kept. Prints a table; asserts nothing.
 */
import path from 'node:path';
import pg from 'pg';
import { DEFAULT_DATASET_ID } from '../../geodata/datasets.ts';
import { loadDefaultDataset } from '../../geodata/default-dataset.ts';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { bootstrapDatabase } from '../../server/db/bootstrap.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';

const config = loadConfig();
const DB = 'citycheck_bench_report';
const url = config.databaseUrl
  ? await (async () => { const a = new URL(config.databaseUrl!); a.pathname = '/postgres'; const u = await ensureDatabase(a.toString(), DB); await migrate(u); return u; })()
  : await bootstrapDatabase({ pgData: path.join(REPO_ROOT, '.data/pg-test'), pgPort: Number(process.env.CITYCHECK_TEST_PGPORT || 54330), dbName: DB, unsafeFast: true, log: () => {} });
const pool = new pg.Pool({ connectionString: url, max: 2 });
const { rows: [{ n }] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM app.building WHERE dataset_id = $1', [DEFAULT_DATASET_ID]);
if (n === 0) await loadDefaultDataset(pool, { geodataDir: config.geodataDir, checkYear: 2025, log: (m) => console.log(m) });

const app = await buildApp({ databaseUrl: url, logLevel: 'warn', statementTimeoutMs: 60_000, rateLimit: false, auth: { mode: 'off' } });
await app.ready();
try {
  const cycles = (await app.inject(`/api/check/cycles?dataset=${DEFAULT_DATASET_ID}`)).json().cycles as { id: number; year: number; computedAt: string | null }[];
  let cycle = cycles.find((c) => c.year === 2025);
  if (!cycle) cycle = (await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { dataset: DEFAULT_DATASET_ID, year: 2025 } })).json();
  if (!cycle!.computedAt) await app.inject({ method: 'POST', url: `/api/check/cycles/${cycle!.id}/compute` });
  const rows: string[][] = [];
  const totals: number[] = [];
  for (const lang of ['zh', 'zh', 'zh', 'en']) {
    const t0 = performance.now();
    const res = await app.inject({ method: 'POST', url: `/api/check/cycles/${cycle!.id}/report`, payload: { lang } });
    const wall = performance.now() - t0;
    if (res.statusCode !== 201) throw new Error(`report ${lang}: ${res.statusCode} ${res.body}`);
    const r = res.json() as { durationMs: number; pages: number; pdfBytes: number; figures: { id: string; ms: number }[] };
    if (lang === 'zh') totals.push(wall);
    rows.push([lang, wall.toFixed(0), String(r.durationMs), ...r.figures.map((f) => `${f.id} ${f.ms}`), `${r.pages} p`, `${(r.pdfBytes / 1024).toFixed(0)} KiB`]);
  }
  console.log('lang | wall ms | server ms | figures (ms) … | pages | PDF');
  for (const r of rows) console.log(r.join(' | '));
  console.log(`median of the Chinese runs: ${[...totals].sort((a, b) => a - b)[1].toFixed(0)} ms (issue 14: < 30 s for Nanjing)`);
} finally {
  await app.close();
  await pool.end();
}
