/**
 * Set-up shared by the 更新 (renewal) e2e files: the Nanjing default city (示例数据 ledgers) served by
 * a real server, headless Chromium, and a pool on the city's database. The renewal projects a file
 * creates are deleted afterwards (every id above the largest one at the start).
 *
 * Call once at the top level of a test file; the returned object's fields are set in beforeAll.
 * A file's own afterAll (registered after this call) runs before this one, with the pool still open.
 */
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { defaultCityUrl } from '../../helpers/city-db.ts';
import { buildClientIfStale, launchBrowser, startCityServer, type Browser, type RunningServer } from './city-server.ts';

export interface RenewalCity {
  server: RunningServer;
  browser: Browser;
  pool: pg.Pool;
  /** The largest renewal project id before the file ran. */
  startId: number;
}

export function useRenewalCity(): RenewalCity {
  const ctx = { startId: 0 } as RenewalCity;
  beforeAll(async () => {
    buildClientIfStale();
    const url = await defaultCityUrl();
    ctx.pool = new pg.Pool({ connectionString: url, max: 2 });
    ctx.startId = Number((await ctx.pool.query('SELECT coalesce(max(id), 0) AS m FROM app.renewal_project')).rows[0].m);
    ctx.server = await startCityServer(url);
    ctx.browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await ctx.pool?.query('DELETE FROM app.renewal_project WHERE id > $1', [ctx.startId]); // projects this file made
    await ctx.browser?.close();
    await ctx.server?.close();
    await ctx.pool?.end();
  });
  return ctx;
}
