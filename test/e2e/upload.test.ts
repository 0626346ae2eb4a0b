/**
 * Ledger upload end to end in Debian's headless Chromium, against the real app with sign-in on and
 * a database of its own: a planner signs in, uploads a waterlogging ledger whose headers need a
 * mapping, maps the columns, sees the preview and the row error, imports (rejected, the row report
 * downloadable), uploads the fixed file, imports it, and sees the points on the map after reopening
 * the page. An admin imports an OSM extract as a new city. A viewer gets no upload control. Screenshots: test-results/e2e-upload-preview.png,
 * e2e-upload-rejected.png, e2e-upload-map.png.
 */
import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { addUser, authDatabase, CITY_A, PASSWORD } from '../auth/auth-app.ts';
import { buildClientIfStale, launchBrowser, type Browser } from './helpers/city-server.ts';
import { colorDistance, projectToPage, shoot, waitForMapReady, type Rgb } from './helpers/map-page.ts';

const FIX = path.resolve('test/uploads/fixtures');
const OUT = path.join(REPO_ROOT, 'test-results');
let app: FastifyInstance;
let base: string;
let browser: Browser;
let uploadDir: string;

beforeAll(async () => {
  buildClientIfStale();
  const url = await authDatabase('e2e_upload');
  uploadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'citycheck-e2e-upload-'));
  app = await buildApp({ databaseUrl: url, logLevel: 'warn', statementTimeoutMs: 20_000, rateLimit: false, auth: { signInRateLimit: false }, uploads: { dir: uploadDir } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no TCP port');
  base = `http://127.0.0.1:${addr.port}`;
  await addUser(app, 'up.planner', 'planner', CITY_A);
  await addUser(app, 'up.viewer', 'viewer');
  await addUser(app, 'up.admin', 'admin');
  await fs.mkdir(OUT, { recursive: true });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (uploadDir) await fs.rm(uploadDir, { recursive: true, force: true });
});

async function signInThroughPage(username: string, hash = `#city=${CITY_A}`): Promise<Page> {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  await page.goto(`${base}/${hash}`);
  await page.getByTestId('sign-in-open').click();
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('signed-in-user').waitFor({ timeout: 15_000 });
  return page;
}

const hex = (h: string): Rgb => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

describe('ledger upload in the browser', () => {
  it('maps the columns, previews the row error, rejects, then imports the fixed file and draws its points', async () => {
    const page = await signInThroughPage('up.planner');
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.getByTestId('upload-open').click();
    await page.getByTestId('upload-file').setInputFiles(path.join(FIX, 'waterlogging-bad.csv'));
    await page.getByTestId('upload-mapping').waitFor({ timeout: 15_000 });
    // The ledger's own headers: 台账号 is its id, 点位名称及位置 the name, X/Y the coordinates; no phone numbers.
    await page.getByTestId('upload-map-台账号').selectOption('id');
    await page.getByTestId('upload-map-点位名称及位置').selectOption('name');
    await page.getByTestId('upload-map-X').selectOption('lon');
    await page.getByTestId('upload-map-Y').selectOption('lat');
    await page.getByTestId('upload-map-联系电话').selectOption('ignore');
    await page.getByTestId('upload-preview').click();
    await page.getByText('上传路与示例街交叉口').first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('upload-preview-row').count()).toBe(2);
    expect(await page.getByTestId('upload-summary').textContent()).toBe('共 3 行，可导入 0 行');
    const error = page.getByTestId('upload-check').getByTestId('upload-issue-error');
    expect(await error.count()).toBe(1);
    expect(await error.first().locator('td').first().textContent()).toBe('2');
    expect(await page.getByTestId('upload-preview-rows').textContent()).not.toContain('13800000000');
    await page.screenshot({ path: path.join(OUT, 'e2e-upload-preview.png') });

    await page.getByTestId('upload-import').click();
    await page.locator('[data-testid="upload-job"][data-status="rejected"]').waitFor({ timeout: 30_000 });
    const csvHref = await page.getByTestId('upload-errors-csv').getAttribute('href');
    const csv = await page.evaluate((href) => fetch(href!).then((r) => r.text()), csvHref);
    expect(csv).toMatch(/\r\n2,[^,]*,error,/);
    await page.screenshot({ path: path.join(OUT, 'e2e-upload-rejected.png') });

    // The fixed file: the mapping stays as chosen, the preview runs at once and shows no error.
    await page.getByTestId('upload-file').setInputFiles(path.join(FIX, 'waterlogging-fixed.csv'));
    await page.getByTestId('upload-file-name').filter({ hasText: 'waterlogging-fixed.csv' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('upload-summary').filter({ hasText: '可导入 3 行' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('upload-check').getByTestId('upload-issue-error').count()).toBe(0);
    await page.getByTestId('upload-import').click();
    await page.locator('[data-testid="upload-job"][data-status="succeeded"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('upload-job').textContent()).toContain(`导入成功：3 行已写入 ${CITY_A}-ledger`);
    expect(pageErrors).toEqual([]);
    await page.close();

    // Reopened at the points: the import survived the page, and its points are drawn (WL-001 high → orange).
    const map = await browser.context.newPage();
    await map.goto(`${base}/#city=${CITY_A}&c=118.70220,32.00070&z=17.00`);
    await waitForMapReady(map);
    const shot = await shoot(map, path.join(OUT, 'e2e-upload-map.png'));
    const p1 = await projectToPage(map, 118.7011, 32.0005);
    const p3 = await projectToPage(map, 118.7033, 32.0009);
    expect(colorDistance(shot.at(p1.x, p1.y), hex('#d94801'))).toBeLessThan(60);
    expect(colorDistance(shot.at(p3.x, p3.y), hex('#6baed6'))).toBeLessThan(60);
    // The reopened dialog shows how this browser's last import ended.
    await map.getByTestId('upload-open').click();
    await map.locator('[data-testid="upload-job"][data-status="succeeded"]').waitFor({ timeout: 15_000 });
    await map.close();
  }, 180_000);

  it('lets an admin import an uploaded OSM extract as a new city', async () => {
    const page = await signInThroughPage('up.admin');
    await page.getByTestId('upload-open').click();
    await page.getByTestId('upload-file').setInputFiles({ name: '小镇.osm', mimeType: 'application/xml', buffer: await fs.readFile(path.resolve('test/fixtures/osm/walk-topology.osm.xml')) });
    await page.getByTestId('upload-osm').waitFor({ timeout: 15_000 });
    await page.getByTestId('upload-osm-city').fill('e2e-osm-town');
    await page.getByTestId('upload-osm-name').fill('浏览器小镇');
    await page.getByTestId('upload-osm-import').click();
    await page.locator('[data-testid="upload-job"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('upload-job').textContent()).toContain('e2e-osm-town');
    const cities = await page.evaluate(() => fetch('/api/datasets').then((r) => r.json()));
    expect(cities.cities.map((c: { id: string; name: string }) => [c.id, c.name])).toContainEqual(['e2e-osm-town', '浏览器小镇']);
    await page.close();
  }, 120_000);

  it('gives a viewer no upload control', async () => {
    const page = await signInThroughPage('up.viewer');
    expect(await page.getByTestId('upload-open').count()).toBe(0);
    await page.close();
  }, 60_000);
});
