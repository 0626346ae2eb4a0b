/**
 * GDAL's OAPIF driver (`ogrinfo`, GDAL 3.6 here) against a real listening server on 127.0.0.1, each
 * part on a database of its own beside the test database (`<test db>_ogc…`, dropped by test/run.ts at
 * the start of a run), so a whole layer is exactly what the database holds:
 * a small fixture read whole and filtered with -where, then the Liechtenstein buildings
 * (`ogrinfo -al -so`, the measure of the issue: seconds and pages requested are printed).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDataset } from '../../geodata/datasets.ts';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { buildApp } from '../../server/app.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { testDatabaseUrl } from '../helpers/db.ts';
import { insertFixture, square } from '../tiles/fixtures.ts';

const run = promisify(execFile);

/** A fresh, migrated database `<test db>_<suffix>`. */
async function derivedDatabase(suffix: string): Promise<string> {
  const admin = new URL(testDatabaseUrl());
  const name = `${admin.pathname.slice(1)}_${suffix}`;
  admin.pathname = '/postgres';
  const url = await ensureDatabase(admin.toString(), name, { recreate: true });
  await migrate(url);
  return url;
}

/** The app listening on 127.0.0.1 (a free port), recording the URL of every request. */
async function listeningApp(databaseUrl: string): Promise<{ app: FastifyInstance; root: string; requests: string[] }> {
  const app = await buildApp({ databaseUrl, logLevel: 'silent', statementTimeoutMs: 20_000, tiles: { listen: false } });
  const requests: string[] = [];
  app.addHook('onRequest', async (req) => {
    requests.push(req.url);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return { app, root: `http://127.0.0.1:${address.port}/ogc`, requests };
}

/** Runs ogrinfo (read-only) and returns its standard output; GDAL's own errors fail the test. */
async function ogrinfo(args: string[]): Promise<string> {
  const env = { ...process.env, CPL_DEBUG: 'OFF', http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '' };
  const { stdout, stderr } = await run('ogrinfo', ['-ro', ...args], { env, maxBuffer: 64 * 1024 * 1024 });
  expect(stderr).not.toMatch(/ERROR/);
  return stdout;
}

const featureCount = (out: string) => Number(/Feature Count: (\d+)/.exec(out)?.[1]);
/** Feature ids of an `ogrinfo -al -fields=NO -geom=NO` dump (GDAL uses the integer `id` as FID). */
const dumpedIds = (out: string) => [...out.matchAll(/^OGRFeature\(buildings\):(\d+)$/gm)].map((m) => Number(m[1]));
const itemsRequests = (requests: string[]) => requests.filter((u) => /\/collections\/buildings\/items(\?|$)/.test(u));

describe('ogrinfo against /ogc (fixture database)', () => {
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listeningApp>>;

  beforeAll(async () => {
    const url = await derivedDatabase('ogc');
    pool = new pg.Pool({ connectionString: url, max: 2 });
    const center: [number, number] = [118.78, 32.04];
    await insertFixture(pool, 'ogc_gdal', center, [118.7, 32.0]);
    for (let i = 0; i < 34; i++) {
      await pool.query(
        `INSERT INTO app.building (name, use, levels, build_year, geom, dataset_id, source_id, check_year)
         VALUES ($1, $2, $3, $4, ST_GeomFromText($5, 4326), 'ogc_gdal', $6, 2024)`,
        [i % 6 === 0 ? null : `楼${i}`, i % 3 === 0 ? 'commercial' : 'residential', 1 + (i % 9), 1975 + i, square(center[0] + (i % 6) * 0.0005, center[1] - 0.003 + Math.floor(i / 6) * 0.0005, 0.0002), `g${i}`],
      );
    }
    server = await listeningApp(url);
  });
  afterAll(async () => {
    await server?.app.close();
    await pool?.end();
  });

  const dbIds = async (where = 'true') => (await pool.query<{ id: string }>(`SELECT id FROM tiles.buildings WHERE ${where} ORDER BY id`)).rows.map((r) => Number(r.id));

  it('opens the landing page URL and counts the whole layer as the database does, in one items request', async () => {
    const expected = await dbIds();
    server.requests.length = 0;
    const out = await ogrinfo(['-al', '-so', `OAPIF:${server.root}`, 'buildings']);
    expect(featureCount(out)).toBe(expected.length);
    expect(out).toMatch(/levels: Integer/); // typed from the feature schema, not guessed from the first page
    expect(itemsRequests(server.requests)).toHaveLength(1);
  });

  it('reads every feature of the layer through next links that page by id', async () => {
    const expected = await dbIds();
    server.requests.length = 0;
    const out = await ogrinfo(['-al', '-fields=NO', '-geom=NO', `OAPIF:${server.root}`, 'buildings']);
    expect(dumpedIds(out)).toEqual(expected);
    const pages = itemsRequests(server.requests);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(expected.length / 10)); // GDAL 3.6 asks for pages of 10
    expect(pages.some((u) => u.includes('after='))).toBe(true);
    expect(pages.some((u) => u.includes('offset='))).toBe(false);
  });

  it.each([
    ['levels >= 5', 'levels >= 5'],
    ["use = 'commercial' AND build_year < 2000", "use = 'commercial' AND build_year < 2000"],
    ['name IS NULL OR levels = 2', 'name IS NULL OR levels = 2'],
  ])('pushes -where "%s" to the server as CQL2 and returns the rows the database selects', async (where, sqlWhere) => {
    const expected = await dbIds(sqlWhere);
    expect(expected.length).toBeGreaterThan(0);
    server.requests.length = 0;
    const out = await ogrinfo(['-al', '-fields=NO', '-geom=NO', '-where', where, `OAPIF:${server.root}`, 'buildings']);
    expect(dumpedIds(out)).toEqual(expected);
    const filtered = itemsRequests(server.requests).map((u) => new URL(u, 'http://x').searchParams).filter((p) => p.has('filter'));
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered[0]!.get('filter-lang')).toBe('cql-text');
  });
});

describe('ogrinfo -al -so on the Liechtenstein buildings', () => {
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listeningApp>>;

  beforeAll(async () => {
    const url = await derivedDatabase('ogc_li');
    pool = new pg.Pool({ connectionString: url, max: 4 });
    const d = getDataset('liechtenstein');
    await importOsm(pool, { source: path.resolve(import.meta.dirname, '../../../shared/geodata', d.localPath), dataset: d, checkYear: 2026, adminLevels: d.adminLevels });
    server = await listeningApp(url);
  });
  afterAll(async () => {
    await server?.app.close();
    await pool?.end();
  });

  it('reports the database count from the first page, and reads all pages by id', async () => {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tiles.buildings');
    server.requests.length = 0;
    let t0 = performance.now();
    const summary = await ogrinfo(['-al', '-so', `OAPIF:${server.root}`, 'buildings']);
    const soSeconds = (performance.now() - t0) / 1000;
    const soPages = itemsRequests(server.requests).length;
    expect(featureCount(summary)).toBe(rows[0]!.n);
    expect(soPages).toBe(1);

    server.requests.length = 0;
    t0 = performance.now();
    const dump = await ogrinfo(['-al', '-fields=NO', '-geom=NO', '-oo', 'PAGE_SIZE=1000', `OAPIF:${server.root}`, 'buildings']);
    const fullSeconds = (performance.now() - t0) / 1000;
    expect(dumpedIds(dump)).toHaveLength(rows[0]!.n);
    console.log(`Liechtenstein buildings (${rows[0]!.n}): ogrinfo -al -so ${soSeconds.toFixed(2)} s, ${soPages} items page(s); ` +
      `whole layer at PAGE_SIZE=1000 ${fullSeconds.toFixed(2)} s, ${itemsRequests(server.requests).length} pages`);
  });
});
