/**
 * The report button of the 体检 tab end to end: real server + central Nanjing in a database of its own +
 * headless Chromium. A computed 2025 cycle has no report; the button generates the Chinese one, the
 * download link appears with its page count, and the PDF behind the link is the stored one. Screenshot:
 * test-results/report/report-button.png — look at it.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultDataset } from '../../geodata/default-dataset.ts';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { ownDatabase } from '../helpers/db.ts';
import { buildClientIfStale, launchBrowser, startCityServer, type Browser, type RunningServer } from '../e2e/helpers/city-server.ts';
import { waitForMapReady } from '../e2e/helpers/map-page.ts';

let server: RunningServer;
let browser: Browser;
let pool: pg.Pool;
let cycleId: number;

beforeAll(async () => {
  buildClientIfStale();
  const url = await ownDatabase('_report_e2e');
  pool = new pg.Pool({ connectionString: url, max: 2 });
  await loadDefaultDataset(pool, { geodataDir: loadConfig().geodataDir, checkYear: 2025 });
  server = await startCityServer(url);
  browser = await launchBrowser();
  const post = (u: string, body: unknown = {}) => fetch(`${server.url}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = await post('/api/check/cycles', { year: 2025 });
  expect(created.status).toBe(201);
  cycleId = ((await created.json()) as { id: number }).id;
  expect((await post(`/api/check/cycles/${cycleId}/compute`)).status).toBe(200);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pool?.end();
});

describe('the report button in the 体检 tab', () => {
  it('generates the Chinese report and offers the stored PDF for download', async () => {
    const errors: string[] = [];
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/#c=118.7795,32.0435&z=14.2&l=`);
    await waitForMapReady(page);
    await page.getByTestId('tab-check').click();
    const box = page.getByTestId('ck-report');
    await box.waitFor({ timeout: 60_000 });
    await page.getByTestId('rp-none').waitFor();
    expect(await page.getByTestId('rp-generate').textContent()).toBe('生成体检报告');
    await page.getByTestId('rp-generate').click();
    await page.getByTestId('rp-busy').waitFor();
    const link = page.getByTestId('rp-pdf-zh');
    await link.waitFor({ timeout: 90_000 });
    expect(await link.textContent()).toBe('下载 PDF（中文）');
    expect(await page.getByTestId('rp-zh').textContent()).toMatch(/\d+ 页/);
    expect(await page.getByTestId('rp-generate').textContent()).toBe('重新生成');
    await box.scrollIntoViewIfNeeded();
    await box.screenshot({ path: path.join(REPO_ROOT, 'test-results/report/report-button.png') });
    const href = await link.getAttribute('href');
    expect(href).toBe(`/api/check/cycles/${cycleId}/report.pdf?lang=zh`);
    const pdf = Buffer.from(await (await fetch(`${server.url}${href}`)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { rows } = await pool.query<{ pdf_bytes: number }>('SELECT pdf_bytes FROM app.check_report WHERE cycle_id = $1 AND lang = $2', [cycleId, 'zh']);
    expect(pdf.length).toBe(rows[0].pdf_bytes);
    expect(errors).toEqual([]);
  }, 150_000);
});
