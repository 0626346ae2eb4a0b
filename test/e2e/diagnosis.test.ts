/**
 * The 诊断 tab end to end: real server + the Nanjing default dataset + headless Chromium. The tab
 * starts on the city's published 2025 check cycle (created and computed here when the database has
 * none); a run with the defaults on that cycle draws the Gi* hot-spot map with its diverging legend
 * (the hottest unit's pixel is the legend's hot colour) and states the cycle and its inputs, a click
 * on that unit explains it (indicators with their source, obstacle degrees, the neighbours used), the
 * LISA view and the English labels switch. Screenshots go to test-results/diagnosis-*.png.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GI_BIN_COLORS, diseaseColor } from '../../client/panels/diagnosis/create-diagnosis-layers.ts';
import type { DiagnosisRun, DiagnosisWaterlogging } from '../../server/contract/diagnosis.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';
import { buildClientIfStale, launchBrowser, startCityServer, type Browser, type RunningServer } from './helpers/city-server.ts';
import { colorDistance, projectToPage, shoot, waitForMapReady, type Rgb } from './helpers/map-page.ts';

const shotPath = (name: string) => path.join(REPO_ROOT, 'test-results', `diagnosis-${name}.png`);
let server: RunningServer;
let browser: Browser;
let pool: pg.Pool;
const runs: number[] = [];
let cycleId: number;
let createdCycle = false;

async function api<T>(url: string, method: 'GET' | 'POST' = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${url}`, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  expect(res.status, `${url}: ${res.status}`).toBeLessThan(300);
  return (await res.json()) as T;
}

/** The published 2025 cycle of Nanjing in the shared default-city database (made here if absent). */
async function cycle2025(): Promise<number> {
  const list = await api<{ cycles: { id: number; year: number; status: string; computedAt: string | null }[] }>('/api/check/cycles?dataset=nanjing-core');
  let c = list.cycles.find((x) => x.year === 2025);
  if (!c) {
    c = await api('/api/check/cycles', 'POST', { dataset: 'nanjing-core', year: 2025 });
    createdCycle = true;
  }
  if (!c!.computedAt) await api(`/api/check/cycles/${c!.id}/compute`, 'POST');
  if (c!.status !== 'published') await api(`/api/check/cycles/${c!.id}/publish`, 'POST');
  return c!.id;
}

beforeAll(async () => {
  buildClientIfStale();
  const url = await defaultCityUrl();
  pool = new pg.Pool({ connectionString: url, max: 2 });
  server = await startCityServer(url);
  browser = await launchBrowser();
  cycleId = await cycle2025();
}, 300_000);

afterAll(async () => {
  if (runs.length) await pool?.query(`DELETE FROM app.diagnosis_run WHERE id = ANY($1)`, [runs]);
  if (createdCycle) await pool?.query(`DELETE FROM app.check_cycle WHERE id = $1`, [cycleId]);
  await browser?.close();
  await server?.close();
  await pool?.end();
});

describe('the 诊断 tab on Nanjing', () => {
  it('draws the Gi* hot-spot map of the 2025 cycle with its legend and explains a clicked hot cell', async () => {
    // The request the panel sends with the defaults on the 2025 cycle: the same seed gives the same classes.
    const res = await fetch(`${server.url}/api/analysis/diagnosis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'nanjing-core', cycleId }) });
    expect(res.status).toBe(200);
    const run = (await res.json()) as DiagnosisRun;
    runs.push(run.runId);
    expect(run.cycle).toMatchObject({ cycleId, year: 2025, status: 'published' });
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
    // The tab starts on the latest published cycle: 2025.
    const select = page.getByTestId('dg-cycle-select');
    await page.waitForFunction((id) => (document.querySelector('[data-testid="dg-cycle-select"]') as HTMLSelectElement | null)?.value === String(id), cycleId);
    expect(await select.locator('option:checked').textContent()).toBe('2025 年（已发布）');
    await page.getByTestId('dg-run').click();
    const summary = page.getByTestId('dg-summary');
    await summary.waitFor({ timeout: 90_000 });
    runs.push(...(await pool.query(`SELECT id FROM app.diagnosis_run WHERE id > $1`, [run.runId])).rows.map((r) => Number(r.id)));
    expect(await summary.textContent()).toContain(`热点 ${run.summary.hot}`);
    const cycleNote = page.getByTestId('dg-cycle');
    expect(await cycleNote.getAttribute('data-cycle-id')).toBe(String(cycleId));
    expect(await cycleNote.textContent()).toContain(`基于 2025 年体检周期（编号 ${cycleId}，已发布）`);
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
    // Grid cells compute every input themselves (the cycle has values per 社区/街道 only).
    expect(new Set(await page.getByTestId('dg-explain-origin').allTextContents())).toEqual(new Set(['计算']));
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

    // 社区 units on the same cycle take the cycle's stored values: the inputs say which.
    await page.getByTestId('dg-unit-kind').selectOption('community');
    await page.getByTestId('dg-run').click();
    await page.locator('[data-testid="dg-inputs"] li[data-code="waterlogging_density"][data-origin="cycle"]').waitFor({ state: 'attached', timeout: 90_000 });
    runs.push(...(await pool.query(`SELECT id FROM app.diagnosis_run WHERE id > $1`, [Math.max(...runs)])).rows.map((r) => Number(r.id)));
    const inputs = page.getByTestId('dg-inputs');
    await inputs.locator('summary').click();
    expect(await inputs.locator('li[data-code="waterlogging_density"]').getAttribute('data-origin')).toBe('cycle');
    // One sample 社区 has no residential land: the cycle stored no park coverage for it, so that unit's value is computed.
    expect(['cycle', 'mixed']).toContain(await inputs.locator('li[data-code="green_shortfall_share"]').getAttribute('data-origin'));
    expect(await inputs.locator('li[data-code="missing_facility_types"]').getAttribute('data-origin')).toBe('computed');
    expect(await inputs.locator('li[data-code="waterlogging_density"]').textContent()).toMatch(/^未治理积水点密度.*：体检（体检 \d+ \/ 计算 0 个单元）$/);
    // The disease score of the 社区 on the cycle, all of them in view.
    await page.getByTestId('dg-view-disease').check();
    const communityRun = Math.max(...runs);
    const { rows: [box] } = await pool.query(`
      SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
      FROM (SELECT ST_Extent(geom)::geometry AS e FROM app.diagnosis_unit WHERE run_id = $1) x`, [communityRun]);
    const { rows: [sick] } = await pool.query(`
      SELECT disease, ST_X(p) AS lon, ST_Y(p) AS lat FROM (
        SELECT disease, ST_PointOnSurface(ST_Buffer(geom::geography, -30)::geometry) AS p FROM app.diagnosis_unit
        WHERE run_id = $1 AND disease IS NOT NULL ORDER BY disease DESC, unit_no LIMIT 1) x`, [communityRun]);
    await page.evaluate((b) => window.__citycheck.map!.fitBounds([[b.x0, b.y0], [b.x1, b.y1]], { padding: 20, animate: false }), box);
    await inputs.scrollIntoViewIfNeeded();
    await waitForMapReady(page);
    const communityShot = await shoot(page, shotPath('cycle-community'));
    const at2 = await projectToPage(page, sick.lon, sick.lat);
    const sickRgb = diseaseColor(sick.disease).slice(0, 3) as Rgb;
    const px2 = communityShot.at(at2.x, at2.y) as Rgb;
    expect(colorDistance(px2, sickRgb), `pixel ${px2} vs disease colour ${sickRgb}`).toBeLessThan(60);

    // 内涝 per 社区 of this run: the most exposed first, as the API stores them.
    const wl = (await (await fetch(`${server.url}/api/analysis/diagnosis/${communityRun}/waterlogging`)).json()) as DiagnosisWaterlogging;
    const top = [...wl.units].sort((a, b) => b.severityWeighted - a.severityWeighted || b.untreatedWithin - a.untreatedWithin || a.unitNo - b.unitNo)[0];
    const unitsTable = page.getByTestId('wl-units');
    await unitsTable.waitFor({ timeout: 30_000 });
    const firstRow = unitsTable.locator('tbody tr').first();
    expect(await firstRow.getAttribute('data-unit')).toBe(String(top.unitNo));
    expect(await firstRow.locator('td').allTextContents()).toEqual([top.name, String(top.pointsWithin), String(top.untreatedWithin), String(top.severityWeighted), top.densityPerKm2!.toFixed(2)]);
    await unitsTable.scrollIntoViewIfNeeded();
    await waitForMapReady(page);
    await shoot(page, shotPath('waterlogging-units'));
    await page.getByTestId('dg-view-lisa').check();

    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.getByTestId('tab-diagnosis').textContent()).toBe('Diagnosis');
    expect(await legend.textContent()).toContain('High-high cluster');
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
