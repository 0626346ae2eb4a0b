/**
 * 预测效果 in the project detail view on Nanjing (OSM + 示例数据), real server + headless Chromium: a
 * project on the top renewal candidate's estate gets its site as a new park (on the city's latest
 * green-coverage run, made by the server when there is none) and a new kindergarten at the site; the
 * stored effects show as before / after / change tables with the parameters that produced them, and
 * the figures shown are the server's. Screenshots: test-results/panel-renewal-effect(-facility).png.
 * Also the 城市更新项目 layer of the one map: listed in the layer panel under its group with a legend by
 * stage, a project's site drawn in its stage colour, gone when switched off (panel-renewal-layer.png).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CandidatesResult, Project } from '../../server/contract/renewal.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { useRenewalCity } from './helpers/renewal-city.ts';
import { hexToRgba } from '../../client/layers/color-scale.ts';
import { layerDef } from '../../client/layers/layer-defs.ts';
import { colorDistance, projectToPage, shoot, waitForMapReady, type Rgb } from './helpers/map-page.ts';

const city = useRenewalCity();
const json = async <T>(res: Response): Promise<T> => {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

describe('the project detail view: 预测效果', () => {
  it('predicts a new park and a new kindergarten at the project site and shows before / after / change with the parameters', async () => {
    const ranked = await json<CandidatesResult>(await fetch(`${city.server.url}/api/analysis/renewal/candidates`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ topN: 10, kinds: ['estate'] }) }));
    const top = ranked.candidates[0];
    // The site: a 100 m square around a point of the candidate estate (metres in the city's UTM zone).
    const { rows: [site] } = await city.pool.query(`
      SELECT ST_AsGeoJSON(ST_Transform(ST_Expand(ST_Transform(ST_PointOnSurface(e.geom), $2::int), 50), 4326), 7)::jsonb AS g
      FROM app.estate e WHERE e.id = $1`, [top.estateId, Number(ranked.city.metricCrs.replace('EPSG:', ''))]);
    const created = await json<Project>(await fetch(`${city.server.url}/api/renewal/projects`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataset: ranked.city.dataset, actor: 'e2e', name: `口袋公园 · ${top.name ?? top.key}`, estateIds: top.estateIds, geometry: site.g }),
    }));

    const errors: string[] = [];
    const page = await city.browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${city.server.url}/#c=${top.lon},${top.lat}&z=16&l=`);
    await waitForMapReady(page);
    await page.getByTestId('tab-renewal').click();
    await page.getByTestId(`rn-open-${created.id}`).click();
    const detail = page.getByTestId('rn-detail');
    await detail.waitFor({ timeout: 15_000 });
    await page.getByTestId('rn-effect-form').waitFor();
    expect(await page.getByTestId('rn-effect-park').isChecked()).toBe(true); // the project has a site
    await page.getByTestId('rn-effect-facility').check();
    await expect.poll(async () => page.getByTestId('rn-effect-type').locator('option[value="kindergarten"]').count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('rn-effect-type').selectOption('kindergarten');
    await page.getByTestId('rn-effect-predict').click();
    const parkTable = page.getByTestId('rn-effect-park-table');
    const facilityTable = page.getByTestId('rn-effect-facility-table');
    await parkTable.waitFor({ timeout: 90_000 });
    await facilityTable.waitFor({ timeout: 30_000 });

    // The figures shown are the stored ones.
    const stored = await json<Project>(await fetch(`${city.server.url}/api/renewal/projects/${created.id}`));
    const gc = stored.expectedEffect.greenCoverage!;
    const lc = stored.expectedEffect.lifeCircle!;
    expect(gc.runId).toBeGreaterThan(0);
    expect(lc).toMatchObject({ type: 'kindergarten', facility: { atSite: true } });
    const cell = (table: typeof parkTable, row: string, col: number) => table.locator(`tr[data-row="${row}"] td`).nth(col).textContent();
    expect(await cell(parkTable, 'officialPct', 1)).toBe(`${gc.city.officialPctBefore!.toFixed(1)} %`);
    expect(await cell(parkTable, 'officialPct', 2)).toBe(`${gc.city.officialPctAfter!.toFixed(1)} %`);
    expect(gc.city.officialPctAfter!).toBeGreaterThanOrEqual(gc.city.officialPctBefore!);
    expect(await cell(parkTable, 'estatesOfficial', 3)).toBe(`${gc.estatesNewlyCoveredOfficial!.length > 0 ? '+' : '±'}${gc.estatesNewlyCoveredOfficial!.length}`);
    expect(await cell(facilityTable, 'lcMet', 1)).toBe(`${lc.metBefore} / ${lc.estates}`);
    expect(await cell(facilityTable, 'lcMet', 2)).toBe(`${lc.metAfter} / ${lc.estates}`);
    // The parameters that produced each effect, with their origin.
    await page.getByTestId('rn-effect-park-params').locator('summary').click();
    expect(await page.getByTestId('rn-effect-park-params').locator('tr[data-param="mode"]').count()).toBe(1);
    expect(await page.getByTestId('rn-effect-facility-params').locator('tr[data-param]').count()).toBeGreaterThan(0);
    console.log(`Nanjing expected effect of project ${created.id} (run ${gc.runId}${gc.runCreated ? ', made for it' : ''}): park coverage `
      + `${gc.city.officialPctBefore?.toFixed(2)} → ${gc.city.officialPctAfter?.toFixed(2)} % (radius), `
      + `${gc.city.walkingPctBefore?.toFixed(2)} → ${gc.city.walkingPctAfter?.toFixed(2)} % (walking), ${gc.estatesNewlyCoveredOfficial?.length} estates newly covered; `
      + `kindergarten ${lc.metBefore} → ${lc.metAfter} of ${lc.estates} estates`);

    await page.getByTestId('rn-effect').scrollIntoViewIfNeeded();
    await waitForMapReady(page);
    await shoot(page, path.join(REPO_ROOT, 'test-results', 'panel-renewal-effect.png'));
    await page.getByTestId('rn-effect-facility-result').scrollIntoViewIfNeeded();
    await shoot(page, path.join(REPO_ROOT, 'test-results', 'panel-renewal-effect-facility.png'));

    // A location clicked on the map instead of the site: 200 px east of the site's centre.
    const centre = await projectToPage(page, top.lon, top.lat);
    await page.getByTestId('rn-effect-park').uncheck();
    await page.getByTestId('rn-effect-pick').click();
    const box = (await page.getByTestId('map').boundingBox())!;
    const click = { x: box.x + box.width / 2 + 200, y: box.y + box.height / 2 };
    // The panel says it is waiting for a map click before one is sent; on a busy machine the map's
    // click routing may take a frame longer to follow, so the click is repeated until it is taken.
    await expect.poll(async () => page.getByTestId('rn-effect-where').textContent(), { timeout: 10_000 }).toContain('请在地图上点击');
    await expect.poll(async () => {
      await page.mouse.click(click.x, click.y);
      return page.getByTestId('rn-effect-where').textContent();
    }, { timeout: 20_000, interval: 1000 }).toMatch(/位置：118\.\d{5}, 32\.\d{5}/);
    const shown = (await page.getByTestId('rn-effect-where').textContent())!.match(/(118\.\d{5}), (32\.\d{5})/)!;
    await page.getByTestId('rn-effect-predict').click();
    await expect.poll(async () => (await json<Project>(await fetch(`${city.server.url}/api/renewal/projects/${created.id}`))).expectedEffect.lifeCircle?.facility.atSite, { timeout: 30_000 }).toBe(false);
    const picked = (await json<Project>(await fetch(`${city.server.url}/api/renewal/projects/${created.id}`))).expectedEffect.lifeCircle!;
    expect(picked.facility.lon.toFixed(5)).toBe(shown[1]);
    expect(picked.facility.lat.toFixed(5)).toBe(shown[2]);
    await expect.poll(async () => page.getByTestId('rn-effect-facility-result').textContent(), { timeout: 10_000 }).toContain(`${shown[1]}, ${shown[2]}`);
    await waitForMapReady(page);
    const pickedShot = await shoot(page, path.join(REPO_ROOT, 'test-results', 'panel-renewal-effect-picked.png'));
    const [pr, pg2, pb] = pickedShot.at(click.x, click.y);
    expect(pr, `picked point pixel ${[pr, pg2, pb]} is the facility orange`).toBeGreaterThan(pb + 80);
    expect(centre.x).toBeLessThan(click.x);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('lists the renewal projects layer in the layer panel and draws a project site in its stage colour', async () => {
    const { rows: [site] } = await city.pool.query(`
      SELECT ST_AsGeoJSON(ST_Transform(ST_Expand(ST_Transform(ST_PointOnSurface(e.geom), 32650), 60), 4326), 7)::jsonb AS g,
             ST_X(ST_PointOnSurface(e.geom)) AS lon, ST_Y(ST_PointOnSurface(e.geom)) AS lat
      FROM app.estate e WHERE e.build_year <= 2000 ORDER BY e.id LIMIT 1`);
    const created = await json<Project>(await fetch(`${city.server.url}/api/renewal/projects`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ actor: 'e2e', name: '图层测试项目', geometry: site.g }),
    }));
    await json<Project>(await fetch(`${city.server.url}/api/renewal/projects/${created.id}/transitions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ actor: 'e2e', to: 'approved', reason: 'e2e: 立项' }),
    }));
    const page = await city.browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${city.server.url}/#c=${site.lon},${site.lat}&z=17&l=renewal_projects`);
    await waitForMapReady(page);
    const panel = page.getByTestId('layer-panel');
    expect(await panel.textContent()).toContain('城市更新');
    const toggle = page.getByTestId('layer-toggle-renewal_projects');
    expect(await toggle.isChecked()).toBe(true);
    const row = panel.locator('[data-layer="renewal_projects"]');
    const rowText = await row.textContent();
    expect(rowText).toContain('城市更新项目');
    for (const stage of ['储备', '审批', '实施', '完工', '复查', '销号']) expect(rowText).toContain(stage); // legend by stage

    const at = await projectToPage(page, site.lon, site.lat);
    const on = await shoot(page, path.join(REPO_ROOT, 'test-results', 'panel-renewal-layer.png'));
    const approved = layerDef('renewal_projects')!.styles[0];
    const blue = hexToRgba((approved.kind === 'categorical' ? approved.categories.find((c) => c.value === 'approved')!.color : '#000000')).slice(0, 3) as Rgb;
    const [r, g, b] = on.at(at.x, at.y);
    expect(b, `site pixel ${[r, g, b]} is the 审批 blue`).toBeGreaterThan(r + 30);
    await toggle.uncheck();
    await waitForMapReady(page);
    const off = await shoot(page, path.join(REPO_ROOT, 'test-results', 'panel-renewal-layer-off.png'));
    expect(colorDistance(off.at(at.x, at.y), blue)).toBeGreaterThan(colorDistance(on.at(at.x, at.y), blue) + 25);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
