/**
 * The 更新 (renewal) tab end to end: real server + the Nanjing default dataset (示例数据 ledgers) +
 * headless Chromium. The candidate table ranks as the API does, the top candidate's dot is drawn in
 * the rank-1 colour at its place, a chosen candidate shows its constraint checks with the rule
 * texts, and a candidate added to the reserve list moves on the project board. Screenshots go to
 * test-results/panel-renewal-*.png.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CandidatesResult } from '../../server/contract/renewal.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { useRenewalCity } from './helpers/renewal-city.ts';
import { projectToPage, shoot, waitForMapReady } from './helpers/map-page.ts';

const shotPath = (name: string) => path.join(REPO_ROOT, 'test-results', `panel-renewal-${name}.png`);
const city = useRenewalCity();

describe('the 更新 tab', () => {
  it('ranks as the API does, draws the top candidate, shows its constraints and moves a new project on the board', async () => {
    const res = await fetch(`${city.server.url}/api/analysis/renewal/candidates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ topN: 10 }) });
    expect(res.status).toBe(200);
    const api = (await res.json()) as CandidatesResult;
    const first = api.candidates[0];

    const errors: string[] = [];
    const page = await city.browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${city.server.url}/#c=${first.lon},${first.lat}&z=16&l=`);
    await waitForMapReady(page);
    await page.getByTestId('tab-renewal').click();
    const table = page.getByTestId('rn-candidates');
    await table.waitFor({ timeout: 60_000 });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(api.candidates.length);
    expect(await rows.nth(0).getAttribute('data-estate')).toBe(String(first.estateId));
    expect(await rows.nth(0).textContent()).toContain('示例数据');
    await waitForMapReady(page); // the side panel widened: the map resized
    const shot = await shoot(page, shotPath('ranked'));
    const p = await projectToPage(page, first.lon, first.lat);
    const [r, g, b] = shot.at(p.x, p.y);
    expect(r, `rank-1 dot ${[r, g, b]} is dark red`).toBeGreaterThan(g + 50);
    expect(r).toBeGreaterThan(b + 40);

    // Residents' weight to the maximum: the table re-ranks as the API does with the same weights.
    const weights = Object.fromEntries(api.criteria.map((c) => [c.code, Math.round(c.weight * 100)]));
    await page.getByTestId('rn-weight-residents').fill('50');
    const heavy = await fetch(`${city.server.url}/api/analysis/renewal/candidates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ topN: 10, weights: { ...weights, residents: 50 } }) });
    const expected = ((await heavy.json()) as CandidatesResult).candidates.map((c) => String(c.estateId));
    expect(expected).not.toEqual(api.candidates.map((c) => String(c.estateId))); // the slider really changes the order
    await expect.poll(async () => table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-estate'))), { timeout: 15_000 }).toEqual(expected);
    await page.getByTestId('rn-weight-residents').fill(String(weights.residents));
    await expect.poll(async () => rows.nth(0).getAttribute('data-estate'), { timeout: 15_000 }).toBe(String(first.estateId));

    await rows.nth(0).click();
    const card = page.getByTestId('rn-constraints');
    await card.waitFor();
    expect(await card.getAttribute('data-mode')).toBe(first.constraint.mode);
    expect(await card.locator('li[data-rule="core_zone"]').textContent()).toContain('核心保护范围');
    await card.scrollIntoViewIfNeeded();
    await shoot(page, shotPath('constraints'));

    await page.getByTestId(`rn-to-project-${first.estateId}`).click();
    const reserve = page.locator('.rn-column[data-stage="reserve"] .rn-card');
    await reserve.first().waitFor();
    const id = await reserve.first().getAttribute('data-project');
    await page.getByTestId(`rn-move-${id}-approved`).click();
    await page.locator(`.rn-column[data-stage="approved"] .rn-card[data-project="${id}"]`).waitFor();
    await page.getByTestId('rn-projects').scrollIntoViewIfNeeded();
    await shoot(page, shotPath('board'));
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
