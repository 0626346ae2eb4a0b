/**
 * Two cities in one database, end to end (issue 10): real server over central Nanjing and
 * Liechtenstein + headless Chromium. Switching the city in the top bar runs each analysis panel on
 * that city alone and reproduces the figures of a database holding only that city (coverage % and
 * the value of every 街道 / municipality, life-circle shares of the city); the URL carries the city
 * and the map opens on it; a city setting changes the panel's result with the client untouched.
 * Screenshots: test-results/city-*.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPct } from '../../client/panels/green-coverage/format.ts';
import type { CoverageRun } from '../../server/contract/green-coverage.ts';
import type { CityList } from '../../server/contract/datasets.ts';
import type { LifeCircleReport } from '../../server/contract/life-circle.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';
import { liechtensteinUrl, twoCityUrl } from './helpers/city-dbs.ts';
import { buildClientIfStale, launchBrowser, startCityServer, type Browser, type RunningServer } from './helpers/city-server.ts';
import { shoot, waitForMapReady, type Shot } from './helpers/map-page.ts';

const shotPath = (name: string) => path.join(REPO_ROOT, 'test-results', `city-${name}.png`);
const CITIES = ['nanjing-core', 'liechtenstein'] as const;
type CityId = (typeof CITIES)[number];

/** What a database holding only that city answers (no `dataset`: its only city). */
const single = new Map<CityId, { coverage: CoverageRun; life: LifeCircleReport }>();
let two: RunningServer;
let browser: Browser;
let cities: CityList;

async function post<T>(server: RunningServer, url: string, body: unknown): Promise<T> {
  const res = await fetch(`${server.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, `${url} ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}
async function get<T>(server: RunningServer, url: string): Promise<T> {
  const res = await fetch(`${server.url}${url}`);
  expect(res.status, url).toBe(200);
  return (await res.json()) as T;
}
const put = (server: RunningServer, url: string, body: unknown) =>
  fetch(`${server.url}${url}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  buildClientIfStale();
  const [nanjingOnly, liOnly] = [await defaultCityUrl(), await liechtensteinUrl()];
  for (const [id, url] of [['nanjing-core', nanjingOnly], ['liechtenstein', liOnly]] as const) {
    const s = await startCityServer(url);
    try {
      single.set(id, {
        coverage: await post<CoverageRun>(s, '/api/analysis/green-coverage', { mode: 'official' }),
        life: await get<LifeCircleReport>(s, '/api/analysis/life-circle'),
      });
    } finally {
      await s.close();
    }
  }
  two = await startCityServer(await twoCityUrl());
  cities = await get<CityList>(two, '/api/datasets');
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await two?.close();
});

const city = (id: CityId) => cities.cities.find((c) => c.id === id)!;

/** The map's centre lies inside the city's extent. */
async function expectMapOn(page: Page, id: CityId) {
  const [lon, lat] = await page.evaluate(() => window.__citycheck.map!.getCenter().toArray());
  const b = city(id).bbox;
  expect(lon, `map centre ${lon},${lat} in ${id}`).toBeGreaterThan(b[0]);
  expect(lon).toBeLessThan(b[2]);
  expect(lat).toBeGreaterThan(b[1]);
  expect(lat).toBeLessThan(b[3]);
}

/** Not a blank map: many distinct colours in the map area. */
function expectDrawn(shot: Shot) {
  const colours = new Set<string>();
  for (let y = 120; y < shot.png.height - 40; y += 9) for (let x = 600; x < shot.png.width - 40; x += 9) colours.add(shot.at(x, y).join(','));
  expect(colours.size, 'distinct colours on the map').toBeGreaterThan(40);
}

/** Runs the 绿地覆盖 panel in official mode; returns the response the panel received. */
async function runGreen(page: Page): Promise<CoverageRun> {
  await page.getByTestId('tab-green').click();
  await page.getByTestId('gc-mode-official').check();
  const response = page.waitForResponse((r) => r.url().endsWith('/api/analysis/green-coverage') && r.request().method() === 'POST', { timeout: 120_000 });
  await page.getByTestId('gc-run').click();
  const run = (await (await response).json()) as CoverageRun;
  await page.getByTestId('gc-city-official').waitFor({ timeout: 120_000 });
  return run;
}

/** Unit values by kind and name (ids differ between databases). */
const unitValues = (run: CoverageRun) => Object.fromEntries(run.units.map((u) => [`${u.unitKind}:${u.name}`, Math.round((u.officialPct ?? -1) * 1000) / 1000]));

async function expectGreenAsSingleCity(page: Page, id: CityId) {
  const run = await runGreen(page);
  const alone = single.get(id)!.coverage;
  expect(run.city?.dataset).toBe(id);
  expect(run.city?.metricCrs).toBe(alone.city?.metricCrs);
  expect(await page.getByTestId('gc-city-official').textContent()).toBe(formatPct(alone.summary.officialPct));
  expect(run.summary.officialPct).toBeCloseTo(alone.summary.officialPct!, 6);
  expect(unitValues(run)).toEqual(unitValues(alone));
  // the chart shows the city's own units (街道 in Nanjing, municipalities in Liechtenstein)
  const titles = await page.getByTestId('gc-chart').locator('title').allTextContents();
  expect(titles.length).toBeGreaterThan(0);
  const level = alone.units.some((u) => u.unitKind === 'subdistrict') ? 'subdistrict' : 'district';
  for (const u of alone.units.filter((x) => x.unitKind === level)) {
    expect(titles.some((tt) => tt.startsWith(`${u.name} `) && tt.includes(formatPct(u.officialPct))), `${u.name} ${formatPct(u.officialPct)} in ${titles.join(' | ')}`).toBe(true);
  }
}

/** The life-circle report request the panel sends when it mounts (register before it can start). */
const lifeReport = (page: Page) =>
  page.waitForResponse((r) => r.url().includes('/api/analysis/life-circle?') && r.request().method() === 'GET', { timeout: 180_000 });

async function expectLifeAsSingleCity(page: Page, id: CityId, pending = lifeReport(page)) {
  await page.getByTestId('tab-life').click();
  const report = (await (await pending).json()) as LifeCircleReport;
  const alone = single.get(id)!.life;
  expect(report.city.dataset).toBe(id);
  expect(report.estates.length).toBe(alone.estates.length);
  const cityShares = (r: LifeCircleReport) => r.summary.find((a) => a.level === 'city')!.byType.map((s) => [s.type, s.met, s.estates]);
  expect(cityShares(report)).toEqual(cityShares(alone));
  // the heat map's city column shows the same shares
  const table = page.getByTestId('lc-share-table');
  await table.waitFor();
  const first = alone.summary.find((a) => a.level === 'city')!.byType[0];
  const cell = table.locator(`td[data-type="${first.type}"]`).first();
  expect(await cell.textContent()).toBe(first.share === null ? '—' : `${Math.round(first.share * 100)}%`);
  await table.scrollIntoViewIfNeeded();
  await shoot(page, shotPath(`${id}-life-circle`));
}

describe('two cities in one database', () => {
  it('lists both cities, requires `dataset` for analyses, and centres a layer on one city, not between them', async () => {
    expect(cities.cities.map((c) => c.id).sort()).toEqual([...CITIES].sort());
    expect(cities.defaultCity).toBeNull();
    const res = await fetch(`${two.url}/api/analysis/life-circle`);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/liechtenstein.*nanjing-core/);
    const tj = await get<{ center: number[] }>(two, '/tiles/buildings.json');
    expect(CITIES.map((id) => city(id).center)).toContainEqual(tj.center.slice(0, 2));
  });

  it('switching city in the top bar runs each panel on that city alone, with the single-city figures; the URL follows', async () => {
    const errors: string[] = [];
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${two.url}/#city=nanjing-core&l=estates,parks`);
    await waitForMapReady(page, 60_000);
    await expectMapOn(page, 'nanjing-core');
    expect(await page.getByTestId('city-switch').inputValue()).toBe('nanjing-core');
    await expectGreenAsSingleCity(page, 'nanjing-core');
    await expectLifeAsSingleCity(page, 'nanjing-core');
    await waitForMapReady(page, 60_000);
    expectDrawn(await shoot(page, shotPath('nanjing')));

    // the panels opened before remount for the new city at once: listen before switching
    const pending = lifeReport(page);
    await page.getByTestId('city-switch').selectOption('liechtenstein');
    await page.waitForFunction(() => location.hash.includes('city=liechtenstein'));
    await waitForMapReady(page, 60_000);
    await expectMapOn(page, 'liechtenstein');
    await expectLifeAsSingleCity(page, 'liechtenstein', pending);
    await expectGreenAsSingleCity(page, 'liechtenstein');
    await waitForMapReady(page, 60_000);
    expectDrawn(await shoot(page, shotPath('liechtenstein')));
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);

  it('opens on the city named in the URL', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${two.url}/#city=liechtenstein`);
    await waitForMapReady(page, 60_000);
    await expectMapOn(page, 'liechtenstein');
    expect(await page.getByTestId('city-switch').inputValue()).toBe('liechtenstein');
    expectDrawn(await shoot(page, shotPath('open-liechtenstein')));
    // A link to the other city opened in the same tab changes only the hash: the app follows it.
    await page.goto(`${two.url}/#city=nanjing-core`);
    await expect.poll(() => page.getByTestId('city-switch').inputValue(), { timeout: 20_000 }).toBe('nanjing-core');
    await waitForMapReady(page, 60_000);
    await expectMapOn(page, 'nanjing-core');
    await page.close();
  }, 180_000);

  it('a city setting changes the panel\'s result without the client sending anything new, and shows its origin', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${two.url}/#city=nanjing-core`);
    await waitForMapReady(page, 60_000);
    const before = await runGreen(page);
    expect(before.effective.largeRadiusM).toMatchObject({ origin: 'default' });
    expect((await put(two, '/api/datasets/nanjing-core/settings/green_coverage_large_radius_m', { value: 150 })).status).toBe(200);
    try {
      const requestBody = page.waitForRequest((r) => r.url().endsWith('/api/analysis/green-coverage') && r.method() === 'POST');
      const after = await runGreen(page);
      expect((await requestBody).postDataJSON()).toEqual({ dataset: 'nanjing-core', mode: 'official' });
      expect(after.effective.largeRadiusM).toMatchObject({ value: 150, origin: 'city' });
      expect(after.summary.officialPct!).toBeLessThan(before.summary.officialPct!);
      expect(await page.getByTestId('gc-city-official').textContent()).toBe(formatPct(after.summary.officialPct));
      await page.getByTestId('gc-effective').locator('summary').click();
      expect(await page.getByTestId('gc-effective').locator('tr[data-param="largeRadiusM"]').getAttribute('data-origin')).toBe('city');
      await shoot(page, shotPath('setting'));
    } finally {
      await put(two, '/api/datasets/nanjing-core/settings/green_coverage_large_radius_m', { value: null });
    }
    await page.close();
  }, 300_000);
});
