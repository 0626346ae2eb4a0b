/**
 * The 诊断 tab end to end: real server + the Nanjing default dataset + headless Chromium. A run with
 * the defaults draws the Gi* hot-spot map with its diverging legend (the hottest unit's pixel is
 * the legend's hot colour), a click on that unit explains it (indicators, obstacle degrees, the
 * neighbours used), the LISA view and the English labels switch. Screenshots go to
 * test-results/diagnosis-*.png.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GI_BIN_COLORS } from '../../client/panels/diagnosis/create-diagnosis-layers.ts';
import type { DiagnosisRun } from '../../server/contract/diagnosis.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';
import { buildClientIfStale, launchBrowser, startCityServer, type Browser, type RunningServer } from './helpers/city-server.ts';
import { colorDistance, projectToPage, shoot, waitForMapReady, type Rgb } from './helpers/map-page.ts';

const shotPath = (name: string) => path.join(REPO_ROOT, 'test-results', `diagnosis-${name}.png`);
let server: RunningServer;
let browser: Browser;
let pool: pg.Pool;
const runs: number[] = [];

beforeAll(async () => {
  buildClientIfStale();
  const url = await defaultCityUrl();
  pool = new pg.Pool({ connectionString: url, max: 2 });
  server = await startCityServer(url);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  if (runs.length) await pool?.query(`DELETE FROM app.diagnosis_run WHERE id = ANY($1)`, [runs]);
  await browser?.close();
  await server?.close();
  await pool?.end();
});

describe('the 诊断 tab on Nanjing', () => {
  it('draws the Gi* hot-spot map with its legend and explains a clicked hot cell', async () => {
    // The request the panel sends with the defaults: the same seed gives the same classes.
    const res = await fetch(`${server.url}/api/analysis/diagnosis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'nanjing-core' }) });
    expect(res.status).toBe(200);
    const run = (await res.json()) as DiagnosisRun;
    runs.push(run.runId);
    const hot = run.units.filter((u) => u.giBin === 3).sort((a, b) => b.giZ! - a.giZ!)[0];
    expect(hot, 'Nanjing has a 99 % hot spot').toBeDefined();
    // A point well inside the hot cell (15 m in from its edge).
    const { rows: [at] } = await pool.query(`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
        SELECT ST_PointOnSurface(ST_Buffer(geom::geography, -15)::geometry) AS p FROM app.diagnosis_unit WHERE run_id = $1 AND unit_no = $2) x`, [run.runId, hot.unitNo]);

    const errors: string[] = [];
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/#c=${at.lon},${at.lat}&z=14.6&l=`);
    await waitForMapReady(page);
    await page.getByTestId('tab-diagnosis').click();
    await page.getByTestId('diagnosis-panel').waitFor();
    await page.getByTestId('dg-run').click();
    const summary = page.getByTestId('dg-summary');
    await summary.waitFor({ timeout: 90_000 });
    runs.push(...(await pool.query(`SELECT id FROM app.diagnosis_run WHERE id > $1`, [run.runId])).rows.map((r) => Number(r.id)));
    expect(await summary.textContent()).toContain(`热点 ${run.summary.hot}`);
    const legend = page.getByTestId('dg-legend');
    expect(await legend.getAttribute('data-view')).toBe('gi');
    expect(await legend.locator('li').allTextContents()).toEqual([
      ' 热点 99% 置信', ' 热点 95% 置信', ' 热点 90% 置信', ' 不显著', ' 冷点 90% 置信', ' 冷点 95% 置信', ' 冷点 99% 置信']);
    await waitForMapReady(page);
    const shot = await shoot(page, shotPath('hotspots'));
    const p = await projectToPage(page, at.lon, at.lat);
    const px = shot.at(p.x, p.y) as Rgb;
    const hotRgb = GI_BIN_COLORS[3].slice(0, 3) as Rgb;
    // The hot colour over the basemap at 90 % opacity: close to it, and red.
    expect(colorDistance(px, hotRgb), `pixel ${px} vs hot ${hotRgb}`).toBeLessThan(60);
    expect(px[0]).toBeGreaterThan(px[2] + 80);

    await page.mouse.click(p.x, p.y);
    const card = page.getByTestId('dg-explain');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getAttribute('data-unit')).toBe(String(hot.unitNo));
    expect(await page.getByTestId('dg-explain-bin').textContent()).toBe('热点 99% 置信');
    expect(await card.locator('tbody tr').count()).toBeGreaterThanOrEqual(run.criteria.length);
    expect(await page.getByTestId('dg-explain-neighbours').textContent()).toContain(`所用邻居 ${hot.neighbours} 个`);
    expect(await page.getByTestId('feature-panel').count()).toBe(0); // the click went to the panel
    await card.scrollIntoViewIfNeeded();
    await waitForMapReady(page);
    await shoot(page, shotPath('explain'));

    // 内涝: the ledger summary, the most exposed estates, and the hot spots of waterlogging density alone.
    await page.getByTestId('dg-waterlogging').locator('summary').click();
    expect(await page.getByTestId('wl-estates').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('wl-density').textContent()).toMatch(/密度 \d+\.\d\d 个\/km²/);
    await page.getByTestId('wl-hotspots').click();
    await page.locator('[data-testid="dg-weight-editor"] tr[data-code="waterlogging_density"] td.num', { hasText: '100%' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('dg-waterlogging').scrollIntoViewIfNeeded();
    await waitForMapReady(page);
    await shoot(page, shotPath('waterlogging'));

    await page.getByTestId('dg-view-lisa').check();
    expect(await legend.getAttribute('data-view')).toBe('lisa');
    await waitForMapReady(page);
    await shoot(page, shotPath('lisa'));

    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.getByTestId('tab-diagnosis').textContent()).toBe('Diagnosis');
    expect(await legend.textContent()).toContain('High-high cluster');
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
