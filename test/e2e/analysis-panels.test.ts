/**
 * The analysis panels in the one-map shell, end to end: real server + the Nanjing default dataset +
 * headless Chromium. 绿地覆盖: official run (city % equals the API's), the uncovered layer draws
 * (pixel at a point of the run's own shortfall GeoJSON), English labels, a drawn what-if park raises
 * the coverage. 生活圈: a click isochrone draws and lists facility counts. Screenshots go to
 * test-results/panel-*.png.
 */
import path from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPct } from '../../client/panels/green-coverage/format.ts';
import type { CoverageRun } from '../../server/contract/green-coverage.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';
import { buildClientIfStale, launchBrowser, startCityServer, type Browser, type RunningServer } from './helpers/city-server.ts';
import { changedPixels, projectToPage, shoot, waitForMapReady } from './helpers/map-page.ts';
import { findTargets, type Target, type Targets } from './helpers/targets.ts';

const shotPath = (name: string) => path.join(REPO_ROOT, 'test-results', `panel-${name}.png`);
let server: RunningServer;
let browser: Browser;
let targets: Targets;
let pool: pg.Pool;

beforeAll(async () => {
  buildClientIfStale();
  const url = await defaultCityUrl();
  pool = new pg.Pool({ connectionString: url, max: 2 });
  targets = await findTargets(pool);
  server = await startCityServer(url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pool?.end();
});

async function api<T>(url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${url}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, url).toBe(200);
  return (await res.json()) as T;
}

/** A point well inside (20 m) the largest part of a GeoJSON (multi)polygon. */
async function interiorPoint(geometry: unknown): Promise<Target> {
  const { rows } = await pool.query(`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
      SELECT ST_PointOnSurface(ST_Buffer(g::geography, -20)::geometry) AS p FROM (
        SELECT (ST_Dump(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))).geom AS g ORDER BY ST_Area((ST_Dump(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))).geom::geography) DESC LIMIT 1) x) y
    WHERE NOT ST_IsEmpty(p)`, [JSON.stringify(geometry)]);
  if (!rows[0]) throw new Error('the shortfall has no part wider than 40 m');
  return rows[0];
}

/** Opens the map at a point with no check layers (so analysis layers sit on the bare basemap). */
async function openMap(at: Target, zoom: number, errors: string[]): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/#c=${at.lon},${at.lat}&z=${zoom}&l=`);
  await waitForMapReady(page);
  return page;
}

/** A square of `sideM` metres around a point, as lon/lat corners (counter-clockwise). */
function square(c: Target, sideM: number): Target[] {
  const dLat = sideM / 2 / 111_320;
  const dLon = sideM / 2 / (111_320 * Math.cos((c.lat * Math.PI) / 180));
  return [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([x, y]) => ({ lon: c.lon + x * dLon, lat: c.lat + y * dLat }));
}

describe('the 绿地覆盖 panel', () => {
  it('runs official mode with the API\'s city %, draws the uncovered land, switches to English and raises coverage with a drawn what-if park', async () => {
    // The same request the panel sends once official mode is picked (the only city: no dataset needed).
    const run = await api<CoverageRun>('/api/analysis/green-coverage', { mode: 'official' });
    const fc = await api<GeoJSON.FeatureCollection>(`/api/analysis/green-coverage/${run.runId}/shortfall.geojson?layer=uncovered_official`);
    expect(fc.features.length).toBeGreaterThan(0);
    const uncovered = await interiorPoint(fc.features[0].geometry);

    const errors: string[] = [];
    const page = await openMap(uncovered, 16, errors);
    await page.getByTestId('tab-green').click();
    const panel = page.getByTestId('green-coverage-panel');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('未确认');
    await waitForMapReady(page); // the side panel widened: the map resized
    const before = await shoot(page, shotPath('green-before-run'));

    await page.getByTestId('gc-mode-official').check();
    await page.getByTestId('gc-run').click();
    const city = page.getByTestId('gc-city-official');
    await city.waitFor({ timeout: 60_000 });
    expect(await city.textContent()).toBe(formatPct(run.summary.officialPct));
    await page.getByTestId('gc-export-uncovered_official').waitFor();
    await waitForMapReady(page);
    const after = await shoot(page, shotPath('green-official'));
    const p = await projectToPage(page, uncovered.lon, uncovered.lat);
    const [r, g, b] = after.at(p.x, p.y);
    expect(r, `uncovered pixel ${[r, g, b]} is red`).toBeGreaterThan(g + 40);
    expect(r).toBeGreaterThan(b + 30);
    expect(changedPixels(before, after, { x: Math.round(p.x) - 10, y: Math.round(p.y) - 10, w: 20, h: 20 })).toBeGreaterThan(300);
    expect(await page.getByTestId('gc-chart').locator('rect').count()).toBeGreaterThan(0);
    await page.getByTestId('gc-chart').scrollIntoViewIfNeeded();
    await shoot(page, shotPath('green-chart'));
    expect(await page.getByTestId('gc-estates').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('gc-export-csv').getAttribute('href')).toMatch(/\/estates\.csv$/);

    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.getByTestId('tab-green').textContent()).toBe('Green coverage');
    const en = await panel.textContent();
    expect(en).toContain('City coverage');
    expect(en).toContain('UNCONFIRMED');
    expect(en).not.toContain('全市覆盖率');
    await shoot(page, shotPath('green-english'));

    // What-if: a 70 m square park (4,900 m² → 300 m radius) on the uncovered land; the last corner double-clicked.
    const corners = await Promise.all(square(uncovered, 70).map((c) => projectToPage(page, c.lon, c.lat)));
    await page.getByTestId('gc-draw').click();
    for (const c of corners.slice(0, 3)) await page.mouse.click(c.x, c.y);
    await page.mouse.dblclick(corners[3].x, corners[3].y);
    const afterPct = page.getByTestId('gc-whatif-after');
    await afterPct.waitFor({ timeout: 30_000 });
    const num = async (id: string) => Number.parseFloat((await page.getByTestId(id).textContent())!);
    expect(await num('gc-whatif-before')).toBeCloseTo(run.summary.officialPct!, 1);
    expect(await num('gc-whatif-after')).toBeGreaterThan(await num('gc-whatif-before'));
    expect(await page.getByTestId('gc-whatif-area').textContent()).toMatch(/\+\s*[1-9]/);
    expect(await page.evaluate(() => window.__citycheck.map!.getZoom())).toBeCloseTo(16, 1); // double-click did not zoom
    await waitForMapReady(page);
    await shoot(page, shotPath('green-what-if'));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('compares official and walking coverage ("both"): walking never exceeds official, detour layer and walking distances listed', async () => {
    const errors: string[] = [];
    const page = await openMap(targets.center, 15, errors);
    await page.getByTestId('tab-green').click();
    await page.getByTestId('gc-mode-both').check();
    await page.getByTestId('gc-run').click();
    await page.getByTestId('gc-city-walking').waitFor({ timeout: 90_000 });
    const pct = async (id: string) => Number.parseFloat((await page.getByTestId(id).textContent())!);
    expect(await pct('gc-city-walking')).toBeLessThanOrEqual(await pct('gc-city-official'));
    await page.getByTestId('gc-layer-detour').waitFor();
    await page.getByTestId('gc-export-detour').waitFor();
    await page.getByTestId('gc-estates').scrollIntoViewIfNeeded();
    await waitForMapReady(page);
    await shoot(page, shotPath('green-both'));
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the 生活圈 panel', () => {
  it('draws a click isochrone and lists the facility counts inside it', async () => {
    const errors: string[] = [];
    const page = await openMap(targets.facility, 15.5, errors);
    await page.getByTestId('tab-life').click();
    const panel = page.locator('.life-circle-panel');
    await panel.waitFor();
    await page.getByLabel('点击生成等时圈').check();
    await waitForMapReady(page);
    const before = await shoot(page, shotPath('life-before'));
    const p = await projectToPage(page, targets.facility.lon, targets.facility.lat);
    await page.mouse.click(p.x, p.y);
    const bands = panel.locator('ul li');
    await bands.first().waitFor({ timeout: 30_000 });
    expect(await bands.count()).toBe(3);
    const counts = (await bands.allTextContents()).join('\n');
    expect(counts, counts).toMatch(/15 分钟：.*[1-9]/);
    await bands.first().scrollIntoViewIfNeeded();
    await waitForMapReady(page);
    const after = await shoot(page, shotPath('life-isochrone'));
    expect(changedPixels(before, after, { x: Math.round(p.x) - 100, y: Math.round(p.y) - 100, w: 200, h: 200 }, 12)).toBeGreaterThan(5000);
    expect(await page.getByTestId('feature-panel').count()).toBe(0); // the click went to the panel, not to feature picking
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the side-panel tabs', () => {
  it('switches tabs with the arrow keys and shows the layer panel again', async () => {
    const errors: string[] = [];
    const page = await openMap(targets.center, 15, errors);
    await page.getByTestId('tab-layers').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('tab-green').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('layer-panel').isVisible()).toBe(false);
    await page.keyboard.press('Home');
    expect(await page.getByTestId('tab-layers').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('layer-panel').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
