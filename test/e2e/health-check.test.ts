/**
 * The 体检 dashboard end to end: real server + central Nanjing (OSM + 示例数据, whose sample admin units
 * include 区) in a database of its own + headless Chromium. Two cycles: 2024, then 2025 after two
 * waterlogging points were eliminated and a park was added. The tab shows the cycle picker, indicator
 * cards whose values equal the API's, the choropleth of an indicator over 街道 with its legend in the
 * indicator's unit (the pixel inside a 街道 has the colour of its class), the comparison of the two
 * years (bar chart, change legend, and the split map: 2024 left, 2025 right, shared classes, one
 * legend, the pixel inside a 街道 on each side has the colour of that year's class), the health
 * index by dimension and the problem ledger with zoom-to, and English labels. Screenshots go to
 * test-results/health-check-*.png — look at them.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_BAD_COLORS, classOf, classesOf } from '../../client/panels/health-check/create-check-layers.ts';
import { DEFAULT_DATASET_ID } from '../../geodata/datasets.ts';
import { loadDefaultDataset } from '../../geodata/default-dataset.ts';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { ownDatabase } from '../helpers/db.ts';
import { buildClientIfStale, launchBrowser, startCityServer, type Browser, type RunningServer } from './helpers/city-server.ts';
import { colorDistance, projectToPage, shoot, waitForMapReady, type Rgb } from './helpers/map-page.ts';

const shotPath = (name: string) => path.join(REPO_ROOT, 'test-results', `health-check-${name}.png`);
let server: RunningServer;
let browser: Browser;
let pool: pg.Pool;
const cycles: Record<number, number> = {};

async function api<T>(url: string, method: 'GET' | 'POST' = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${url}`, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  expect(res.status, url).toBeLessThan(300);
  return (await res.json()) as T;
}

async function cycleOf(year: number) {
  const c = await api<{ id: number }>('/api/check/cycles', 'POST', { year });
  await api(`/api/check/cycles/${c.id}/compute`, 'POST');
  cycles[year] = c.id;
}

beforeAll(async () => {
  buildClientIfStale();
  const url = await ownDatabase('_check_e2e');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  await loadDefaultDataset(pool, { geodataDir: loadConfig().geodataDir, checkYear: 2025 });
  server = await startCityServer(url);
  browser = await launchBrowser();
  await cycleOf(2024);
  // 2025: two waterlogging points eliminated, one pocket park in 新街口街道（示例）
  await pool.query(`UPDATE app.waterlogging_point SET status = 'closed' WHERE id IN (SELECT id FROM app.waterlogging_point WHERE status <> 'closed' ORDER BY id LIMIT 2)`);
  await pool.query(`
    INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, source_id, check_year)
    VALUES ('体检测试口袋公园', 'park', true, ST_Multi(ST_MakeEnvelope(118.7905, 32.0385, 118.7915, 32.0393, 4326)), $1, 'check-e2e-park', 2025)`, [DEFAULT_DATASET_ID]);
  await cycleOf(2025);
  await api(`/api/check/cycles/${cycles[2025]}/publish`, 'POST');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pool?.end();
});

describe('the 体检 tab on Nanjing', () => {
  it('shows cards, the choropleth with its legend, the two-year comparison, the health index by dimension and the problem ledger', async () => {
    const values = (await api<{ values: { indicator: string; unitKind: string; unitId: number | null; unitName: string; value: number | null }[] }>(`/api/check/cycles/${cycles[2025]}/values`)).values;
    const cityPark = values.find((v) => v.indicator === 'park_coverage' && v.unitKind === 'city')!;
    const sub = values.filter((v) => v.indicator === 'waterlogging_density' && v.unitKind === 'subdistrict');
    expect(sub.length).toBe(4);
    const classes = classesOf(sub.map((v) => v.value), false)!; // cost indicator
    const target = sub.find((v) => v.unitName.startsWith('华侨路'))!;
    const { rows: [at] } = await pool.query(`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM app.admin_unit WHERE id = $1) x`, [target.unitId]);

    const errors: string[] = [];
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/#c=118.7795,32.0435&z=14.2&l=`);
    await waitForMapReady(page);
    await page.getByTestId('tab-check').click();
    const panel = page.getByTestId('check-panel');
    await panel.waitFor();
    await page.getByTestId('ck-card-park_coverage').waitFor({ timeout: 60_000 });
    expect(await panel.getAttribute('data-cycle')).toBe('2025');
    expect(await page.getByTestId('ck-cycle').locator('option').allTextContents()).toEqual(['2025 · 已发布', '2024 · 草稿']);
    expect(await page.getByTestId('ck-card-value-park_coverage').textContent()).toBe(cityPark.value!.toFixed(2));
    expect(await page.getByTestId('ck-cycle-info').textContent()).toContain('含示例数据');
    await page.getByTestId('ck-card-park_coverage').scrollIntoViewIfNeeded();
    await shoot(page, shotPath('cards'));

    await page.getByTestId('ck-map-indicator').selectOption('waterlogging_density');
    await page.getByTestId('ck-level').selectOption('subdistrict');
    const legend = page.getByTestId('ck-legend');
    await page.waitForFunction(() => document.querySelector('[data-testid="ck-legend"]')?.textContent?.includes('内涝'));
    expect(await legend.textContent()).toContain('个/km²');
    await page.getByTestId('ck-table').waitFor();
    expect(await page.getByTestId('ck-table').locator('tbody tr').count()).toBe(4);
    await page.waitForTimeout(300);
    await waitForMapReady(page);
    const shot = await shoot(page, shotPath('choropleth'));
    const p = await projectToPage(page, at.lon, at.lat);
    const px = shot.at(p.x, p.y) as Rgb;
    const expected = GOOD_BAD_COLORS[classOf(target.value!, classes)].slice(0, 3) as Rgb;
    const others = GOOD_BAD_COLORS.filter((_c, i) => i !== classOf(target.value!, classes)).map((c) => colorDistance(px, c.slice(0, 3) as Rgb));
    expect(colorDistance(px, expected), `pixel ${px} vs class colour ${expected}`).toBeLessThan(Math.min(...others));

    await page.getByTestId('ck-compare').selectOption(String(cycles[2024]));
    await page.getByTestId('ck-compare-chart').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="ck-legend"]')?.textContent?.includes('2024'));
    expect(await page.getByTestId('ck-compare-title').textContent()).toBe('2025 年与 2024 年对比');
    await page.getByTestId('ck-compare-chart').scrollIntoViewIfNeeded();
    await waitForMapReady(page);
    await shoot(page, shotPath('compare'));

    // the same two years as a split map: 2024 left, 2025 right, one set of classes over both, one legend
    expect(await page.getByTestId('ck-split-title').textContent()).toBe('卷帘对比（2024 年 | 2025 年）');
    await page.waitForFunction(() => window.__citycheckSplit?.ready === true, undefined, { timeout: 60_000 });
    const split = page.getByTestId('ck-split');
    await split.scrollIntoViewIfNeeded();
    expect(await page.getByTestId('ck-split-label-left').textContent()).toBe('2024 年');
    expect(await page.getByTestId('ck-split-label-right').textContent()).toBe('2025 年');
    expect(await page.getByTestId('ck-split-legend').textContent()).toContain('个/km²');
    expect(await split.textContent()).toContain('© OpenStreetMap contributors');
    const sub2024 = (await api<{ values: typeof sub }>(`/api/check/cycles/${cycles[2024]}/values?indicator=waterlogging_density&unitKind=subdistrict`)).values;
    expect(sub2024.length).toBe(4);
    const shared = classesOf([...sub2024, ...sub].map((v) => v.value), false)!;
    const west = sub2024.find((v) => v.unitName.startsWith('华侨路'))!;
    const east = sub.find((v) => v.unitName.startsWith('新街口'))!;
    const { rows: pts } = await pool.query(`
      SELECT id::int, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM app.admin_unit WHERE id = ANY ($1)`, [[west.unitId, east.unitId]]);
    const pw = pts.find((r) => r.id === west.unitId)!;
    const pe = pts.find((r) => r.id === east.unitId)!;
    await waitForMapReady(page);
    await page.waitForFunction(() => window.__citycheckSplit!.maps.every((m) => m.loaded() && !m.isMoving()));
    const pos = await page.evaluate(([wl, wa, el, ea]) => {
      const s = window.__citycheckSplit!;
      const r = s.maps[0].getContainer().getBoundingClientRect();
      const a = s.maps[0].project([wl, wa]);
      const b = s.maps[1].project([el, ea]);
      return { w: { x: r.left + a.x, y: r.top + a.y }, e: { x: r.left + b.x, y: r.top + b.y }, mid: r.left + r.width / 2, years: s.years };
    }, [pw.lon, pw.lat, pe.lon, pe.lat] as const);
    expect(pos.years).toEqual([2024, 2025]);
    expect(pos.w.x).toBeLessThan(pos.mid);
    expect(pos.e.x).toBeGreaterThan(pos.mid);
    const splitShot = await shoot(page, shotPath('split'));
    for (const [at, v, label] of [[pos.w, west, '2024 west'], [pos.e, east, '2025 east']] as const) {
      const px = splitShot.at(at.x, at.y) as Rgb;
      const k = classOf(v.value!, shared);
      const others = GOOD_BAD_COLORS.filter((_c, i) => i !== k).map((c) => colorDistance(px, c.slice(0, 3) as Rgb));
      expect(colorDistance(px, GOOD_BAD_COLORS[k].slice(0, 3) as Rgb), `${label}: pixel ${px} vs class colour ${GOOD_BAD_COLORS[k]}`).toBeLessThan(Math.min(...others));
    }

    const index = await api<{ units: { index: number; dimensions: Record<string, number> }[] }>(`/api/check/cycles/${cycles[2025]}/index`);
    const dims = page.getByTestId('ck-dims');
    await dims.waitFor();
    await dims.scrollIntoViewIfNeeded();
    // a radar from three dimensions on, bars below
    expect(await dims.getAttribute('data-kind')).toBe(Object.keys(index.units[0].dimensions).length >= 3 ? 'radar' : 'bar');
    expect(await page.getByTestId('ck-index-value').textContent()).toBe(index.units[0].index.toFixed(1));
    expect(await page.getByTestId('ck-index-method').textContent()).toContain('目标值');
    expect(await dims.locator('canvas').count()).toBe(1);
    await shoot(page, shotPath('index'));

    const rows = page.getByTestId('ck-problems-table').locator('tbody tr');
    await rows.first().waitFor();
    const problems = (await api<{ problems: unknown[] }>('/api/check/problems')).problems;
    expect(await rows.count()).toBe(problems.length);
    await page.getByTestId('ck-problems-severity').selectOption('red');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="ck-problems-table"] tbody tr')].every((r) => r.getAttribute('data-severity') === 'red'));
    const before = page.url();
    await rows.first().scrollIntoViewIfNeeded();
    await rows.first().getByRole('button', { name: '定位' }).click();
    await page.waitForFunction((u) => location.href !== u, before, { timeout: 15_000 });
    await waitForMapReady(page);
    await shoot(page, shotPath('problems'));

    // a planner marks the first red problem in treatment with a note (audited)
    await rows.first().getByTestId('ck-problem-act').click();
    await page.getByTestId('ck-problem-action-kind').selectOption('treat');
    await page.getByTestId('ck-problem-action-text').fill('已列入 2026 年更新计划');
    await page.getByTestId('ck-problem-action-apply').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="ck-problems-table"] tbody tr [data-testid="ck-problem-status"]')?.textContent?.includes('整治中'));
    const treated = await pool.query(`SELECT count(*)::int AS n FROM app.check_problem WHERE status = 'in_treatment' AND note = '已列入 2026 年更新计划'`);
    expect(treated.rows[0].n).toBe(1);

    // a statistical value entered in the tab is stored with its source (audited)
    await page.locator('details summary', { hasText: '统计与调查数据填报' }).click();
    await page.getByTestId('ck-manual-indicator').selectOption('sewage_collection_rate');
    await page.getByTestId('ck-manual-value').fill('76.5');
    await page.getByTestId('ck-manual-source').fill('2025 统计年鉴');
    await page.getByTestId('ck-manual-save').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="ck-manual-result"]')?.textContent?.includes('已保存 1 个值'));
    const stored = await pool.query(`SELECT value, source, year FROM app.manual_value WHERE code = 'sewage_collection_rate'`);
    expect(stored.rows).toEqual([{ value: 76.5, source: '2025 统计年鉴', year: 2025 }]);

    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.getByTestId('tab-check').textContent()).toBe('Health check');
    expect(await page.getByTestId('ck-compare-title').textContent()).toBe('2025 compared with 2024');
    expect(await page.getByTestId('ck-split-title').textContent()).toBe('Split map (2024 | 2025)');
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
