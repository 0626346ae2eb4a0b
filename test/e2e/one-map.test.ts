/**
 * The planner's one map, end to end: real server + the Nanjing default dataset + Debian headless
 * Chromium (SwiftShader). Drawing is checked by pixel colours at projected feature positions;
 * screenshots go to test-results/e2e-*.png.
 */
import path from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../server/config.ts';
import { colorOf, hexToRgba } from '../../client/layers/color-scale.ts';
import { layerDef } from '../../client/layers/layer-defs.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';
import { buildClientIfStale, launchBrowser, startCityServer, type Browser, type RunningServer } from './helpers/city-server.ts';
import { changedPixels, colorDistance, projectToPage, shoot, waitForMapReady, type Rgb } from './helpers/map-page.ts';
import { findTargets, type Targets } from './helpers/targets.ts';

const shotPath = (name: string) => path.join(REPO_ROOT, 'test-results', `e2e-${name}.png`);
let server: RunningServer;
let browser: Browser;
let targets: Targets;

beforeAll(async () => {
  buildClientIfStale();
  const url = await defaultCityUrl();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    targets = await findTargets(pool);
  } finally {
    await pool.end();
  }
  server = await startCityServer(url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the map at the park with the given extra hash parameters and waits until it has drawn. */
async function openMap(hash: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const messages: string[] = [];
  page.on('pageerror', (e) => messages.push(e.message));
  const { lon, lat } = targets.center;
  await page.goto(`${server.url}/#c=${lon},${lat}&z=16.5&${hash}`);
  await waitForMapReady(page);
  expect(messages).toEqual([]);
  return page;
}

const rgb = (hex: string): Rgb => hexToRgba(hex).slice(0, 3) as Rgb;

describe('the one map (一张图)', () => {
  it('draws the basemap: roads differ from the background and the canvas is not uniform', async () => {
    const page = await openMap('l=');
    const shot = await shoot(page, shotPath('basemap-only'));
    const road = await projectToPage(page, targets.road.lon, targets.road.lat);
    const bg = await projectToPage(page, targets.background.lon, targets.background.lat);
    expect(colorDistance(shot.at(road.x, road.y), shot.at(bg.x, bg.y))).toBeGreaterThan(20);
    const colours = new Set<string>();
    for (let y = 100; y < 700; y += 7) for (let x = 340; x < 1350; x += 7) colours.add(shot.at(x, y).join());
    expect(colours.size).toBeGreaterThan(20);
    await page.close();
  });

  it('draws green space, buildings, waterlogging points and facilities; switching layers off changes those pixels', async () => {
    const page = await openMap('l=estates,buildings,green_spaces,waterlogging,facilities,admin_units');
    const on = await shoot(page, shotPath('default-layers'));
    const park = await projectToPage(page, targets.park.lon, targets.park.lat);
    const building = await projectToPage(page, targets.building.lon, targets.building.lat);
    const water = await projectToPage(page, targets.waterlogging.lon, targets.waterlogging.lat);
    const facility = await projectToPage(page, targets.facility.lon, targets.facility.lat);

    const [pr, pgc, pb] = on.at(park.x, park.y);
    expect(pgc, `park pixel ${[pr, pgc, pb]} is green`).toBeGreaterThan(pr + 20);
    expect(pgc).toBeGreaterThan(pb);
    const [br, bgc, bb] = on.at(building.x, building.y);
    expect(bb, `building pixel ${[br, bgc, bb]} is lavender`).toBeGreaterThan(bgc + 10);
    const wExpected = rgb(colorOf(layerDef('waterlogging')!.styles[0], targets.waterlogging.props));
    expect(colorDistance(on.at(water.x, water.y), wExpected), `waterlogging ${on.at(water.x, water.y)} vs ${wExpected}`).toBeLessThan(45);
    const fExpected = rgb(colorOf(layerDef('facilities')!.styles[0], targets.facility.props));
    expect(colorDistance(on.at(facility.x, facility.y), fExpected), `facility ${on.at(facility.x, facility.y)} vs ${fExpected}`).toBeLessThan(45);

    for (const id of ['waterlogging', 'facilities', 'green_spaces', 'buildings']) await page.getByTestId(`layer-toggle-${id}`).uncheck();
    await waitForMapReady(page);
    const off = await shoot(page, shotPath('layers-off'));
    expect(colorDistance(off.at(park.x, park.y), on.at(park.x, park.y))).toBeGreaterThan(25);
    expect(colorDistance(off.at(building.x, building.y), on.at(building.x, building.y))).toBeGreaterThan(25);
    expect(colorDistance(off.at(water.x, water.y), wExpected)).toBeGreaterThan(60);
    expect(colorDistance(off.at(facility.x, facility.y), fExpected)).toBeGreaterThan(60);
    expect(page.url()).toContain('l=estates,admin_units');
    await page.close();
  });

  it('opens the panel of a clicked park with its Chinese name, and English labels after switching', async () => {
    const page = await openMap('l=green_spaces,waterlogging,facilities');
    const park = await projectToPage(page, targets.park.lon, targets.park.lat);
    await page.mouse.click(park.x, park.y);
    const panel = page.getByTestId('feature-panel');
    await panel.waitFor();
    expect(await page.getByTestId('feature-name').textContent()).toBe(targets.park.name);
    const zh = await page.getByTestId('feature-attributes').textContent();
    expect(zh).toContain('类型');
    expect(zh).toContain('公园');
    expect(await panel.textContent()).toContain('体检年度');
    await shoot(page, shotPath('park-panel-zh'));

    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const en = await page.getByTestId('feature-attributes').textContent();
    expect(en).toContain('Kind');
    expect(en).toContain('Park');
    expect(en).not.toContain('类型');
    expect(await panel.textContent()).toContain('Check year');
    expect(await page.getByTestId('feature-name').textContent()).toBe(targets.park.name);
    await shoot(page, shotPath('park-panel-en'));
    await page.close();
  });

  it('marks a clicked sample waterlogging point as 示例数据 and shows its coded attributes in Chinese', async () => {
    const page = await openMap('l=waterlogging');
    const w = await projectToPage(page, targets.waterlogging.lon, targets.waterlogging.lat);
    await page.mouse.click(w.x, w.y);
    await page.getByTestId('feature-panel').waitFor();
    expect(await page.getByTestId('sample-badge').textContent()).toBe('示例数据');
    const attrs = await page.getByTestId('feature-attributes').textContent();
    expect(attrs).toContain('严重程度');
    expect(attrs).toContain({ low: '轻度', medium: '中度', high: '较重', severe: '严重' }[targets.waterlogging.props.severity as string]);
    await shoot(page, shotPath('waterlogging-panel'));
    await page.close();
  });

  it('extrudes buildings in 3D mode and keeps 3D in the URL', async () => {
    const page = await openMap('l=buildings&p=55&b=-20');
    const flat = await shoot(page, shotPath('pitched-2d'));
    await page.getByTestId('toggle-3d').click();
    await page.waitForFunction(() => location.hash.includes('3d=1'));
    await waitForMapReady(page);
    const extruded = await shoot(page, shotPath('3d'));
    const b = await projectToPage(page, targets.building.lon, targets.building.lat);
    const rect = { x: Math.max(320, Math.round(b.x) - 150), y: Math.max(50, Math.round(b.y) - 150), w: 300, h: 300 };
    expect(changedPixels(flat, extruded, rect)).toBeGreaterThan(3000);
    await page.close();
  });

  it('styles estates by build year and waterlogging by status, with legends that name units and codes', async () => {
    const page = await openMap('l=estates,waterlogging&z=15');
    await page.getByTestId('layer-style-estates').selectOption('build_year');
    await page.getByTestId('layer-style-waterlogging').selectOption('status');
    await waitForMapReady(page);
    const legends = await page.getByTestId('layer-panel').textContent();
    expect(legends).toContain('单位：年');
    expect(legends).toContain('1980 – 1990');
    expect(legends).toContain('未治理');
    expect(legends).toContain('已销号');
    await shoot(page, shotPath('style-by-field'));
    await page.close();
  });

  it('finds a park by name and zooms to it', async () => {
    const page = await openMap('l=green_spaces&z=14');
    await page.getByTestId('search-input').fill(targets.park.name);
    const hit = page.getByTestId('search-results').getByRole('button').first();
    await hit.waitFor();
    expect(await hit.textContent()).toContain(targets.park.name);
    await hit.click();
    await page.waitForFunction(() => window.__citycheck.map!.getZoom() > 15 && !window.__citycheck.map!.isMoving());
    const c = await page.evaluate(() => window.__citycheck.map!.getCenter().toArray());
    expect(Math.abs(c[0] - targets.park.bboxCenter[0])).toBeLessThan(0.002);
    expect(Math.abs(c[1] - targets.park.bboxCenter[1])).toBeLessThan(0.002);
    await page.close();
  });

  it('is keyboard-usable: a layer checkbox toggles with the space bar', async () => {
    const page = await openMap('l=green_spaces');
    const box = page.getByTestId('layer-toggle-green_spaces');
    await box.focus();
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(false);
    await page.waitForFunction(() => !location.hash.includes('green_spaces'));
    await page.close();
  });

  it('lays out at 1920×1080 with the panel, the map and the OSM attribution visible', async () => {
    const page = await openMap('', { width: 1920, height: 1080 });
    await shoot(page, shotPath('1920x1080'));
    const canvas = await page.locator('.map-canvas').boundingBox();
    const panel = await page.getByTestId('layer-panel').boundingBox();
    expect(canvas!.width).toBeGreaterThan(1400);
    expect(panel!.width).toBeGreaterThan(250);
    expect(await page.locator('.maplibregl-ctrl-attrib').textContent()).toContain('OpenStreetMap');
    await page.close();
  });

  it('shows an error banner, not a blank map, when the server cannot answer', async () => {
    const page = await browser.context.newPage();
    await page.route(/\/(styles|tiles|api)\//, (route) => route.abort('connectionrefused'));
    await page.goto(`${server.url}/`);
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toContain('无法连接');
    await shoot(page, shotPath('server-down'));
    await page.close();
  });
});
