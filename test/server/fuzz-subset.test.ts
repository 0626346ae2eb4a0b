/**
 * A seeded subset of `npm run fuzz` (test/fuzz/): 600 hostile requests over every route of the
 * OpenAPI document, against the real app in its own process on a database of its own with the
 * default city. No answer may be a 5xx, none may miss statement timeout + 1 s, and the layer
 * tables must be unchanged. A failure lists each fault's route, cause and smallest repro.
 */
import { describe, expect, it } from 'vitest';
import { cityDatabaseBeside } from '../fuzz/city-database.ts';
import { formatReport, runFuzz } from '../fuzz/fuzz-runner.ts';
import { testDatabaseUrl } from '../helpers/db.ts';

const SEED = 20261125;
const REQUESTS = 600;

describe('fuzz subset over every route', () => {
  it('answers 600 seeded hostile requests with no 5xx and no hang, and leaves the layer tables unchanged', async () => {
    const databaseUrl = await cityDatabaseBeside(testDatabaseUrl(), 'fuzz', () => {});
    const report = await runFuzz({ databaseUrl, seed: SEED, requests: REQUESTS, concurrency: 2, statementTimeoutMs: 8_000 });
    if (!report.ok) console.log(formatReport(report));

    expect(report.routes.filter((r) => r.count === 0).map((r) => r.route)).toEqual([]);
    // Hostile input reached validation: most answers are 4xx, and valid requests still succeed.
    expect(report.statusCounts['400'] ?? 0).toBeGreaterThan(REQUESTS / 4);
    expect(report.statusCounts['200'] ?? 0).toBeGreaterThan(REQUESTS / 20);
    expect(report.failures.map((f) => `[${f.kind}] ${f.route} ${f.count}× ${f.cause} — ${f.example.method} ${f.example.url.slice(0, 200)}`)).toEqual([]);
    expect(report.checksums.changed).toEqual([]);
    expect(report.checksums.before.length).toBeGreaterThan(10);
  }, 900_000);
});
