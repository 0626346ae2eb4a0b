/**
 * The 更新 tab end to end on Nanjing (OSM + 示例数据 sample ledgers), real server + headless Chromium:
 * estates and street blocks (街区) ranked together as the API ranks them (top 10 with reasons), a
 * site drawn on the map ranked as a candidate, the top candidate made a project whose detail view
 * refuses an illegal move with the server's message, whose site is drawn on the map (terra-draw) and
 * saved, and which then goes through every state. Screenshots: test-results/panel-renewal-*.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { CandidatesResult, Project } from '../../server/contract/renewal.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { useRenewalCity } from './helpers/renewal-city.ts';
import { changedPixels, shoot, waitForMapReady } from './helpers/map-page.ts';

const shotPath = (name: string) => path.join(REPO_ROOT, 'test-results', `panel-renewal-${name}.png`);
const city = useRenewalCity();

const problemIds: number[] = [];

afterAll(async () => {
  if (problemIds.length) await city.pool.query('DELETE FROM app.check_problem WHERE id = ANY($1::bigint[])', [problemIds]);
});

/** Clicks the corners of a square of `half` px around the map's centre, then the first corner again (closes it). */
async function drawSquare(page: Page, dx: number, dy: number, half: number) {
  const box = (await page.getByTestId('map').boundingBox())!;
  const cx = box.x + box.width / 2 + dx, cy = box.y + box.height / 2 + dy;
  const corners = [[cx - half, cy - half], [cx + half, cy - half], [cx + half, cy + half], [cx - half, cy + half], [cx - half, cy - half]];
  for (const [x, y] of corners) {
    await page.mouse.move(x, y, { steps: 4 });
    await page.mouse.click(x, y);
    await page.waitForTimeout(250);
  }
  return { x: Math.round(cx - half), y: Math.round(cy - half), w: Math.round(2 * half), h: Math.round(2 * half) };
}

describe('the 更新 tab: blocks, drawn sites and a project from candidate to 销号', () => {
  it('ranks estates and blocks as the API does, ranks a drawn site, and carries a project with a drawn site through every state', async () => {
    const post = async (body: unknown) => (await (await fetch(`${city.server.url}/api/analysis/renewal/candidates`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as CandidatesResult;
    const api = await post({ topN: 10, kinds: ['estate', 'block'] });
    const top10 = api.candidates.slice(0, 10);
    expect(top10.some((c) => c.kind === 'block')).toBe(true);
    for (const c of top10) expect(c.reasons.length).toBeGreaterThan(0);
    console.log(`Nanjing top 10 (estates + 街区): ${top10.map((c) => `${c.rank}. ${c.key} ${c.name ?? ''} [${c.constraint.mode}] ${c.reasons.map((r) => r.code).join('/')}`).join('; ')}`);

    const errors: string[] = [];
    const page = await city.browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    const centre = top10[0];
    await page.goto(`${city.server.url}/#c=${centre.lon},${centre.lat}&z=16&l=`);
    await waitForMapReady(page);
    await page.getByTestId('tab-renewal').click();
    const table = page.getByTestId('rn-candidates');
    await table.waitFor({ timeout: 60_000 });
    await page.getByTestId('rn-kind-block').check();
    const keys = () => table.locator('tbody tr').evaluateAll((trs) => trs.slice(0, 10).map((tr) => tr.getAttribute('data-key')));
    await expect.poll(keys, { timeout: 30_000 }).toEqual(top10.map((c) => c.key));
    await waitForMapReady(page);
    await table.scrollIntoViewIfNeeded();
    await shoot(page, shotPath('blocks-top10'));

    // A site drawn on the map becomes a ranked candidate.
    await page.getByTestId('rn-draw-site').click();
    await drawSquare(page, -120, 60, 40);
    await page.getByTestId('rn-draw-ready').waitFor({ timeout: 10_000 });
    await page.getByTestId('rn-draw-add').click();
    const siteRow = table.locator('tbody tr[data-kind="site"]');
    await siteRow.waitFor({ timeout: 30_000 });
    await siteRow.scrollIntoViewIfNeeded();
    await waitForMapReady(page);
    await shoot(page, shotPath('drawn-site'));

    // The top estate candidate becomes a project (no site yet: an estate has no outline in the result); its detail opens.
    // Its estate has an open problem in the ledger (made here, as a check cycle would: estate-level park coverage).
    const first = table.locator('tbody tr[data-kind="estate"]').first();
    const estateId = Number(await first.getAttribute('data-estate'));
    const problem = Number((await city.pool.query(
      `INSERT INTO app.check_problem (dataset_id, indicator, unit_kind, unit_id, unit_name, severity, value, threshold, first_year, last_year)
       SELECT $1, 'park_coverage', 'estate', e.id, e.name, 'red', 0, 1, 2026, 2026 FROM app.estate e WHERE e.id = $2 RETURNING id`,
      [api.city.dataset, estateId])).rows[0].id);
    problemIds.push(problem);
    await first.locator('button.link').click();
    const detail = page.getByTestId('rn-detail');
    await detail.waitFor({ timeout: 15_000 });
    const id = Number(await detail.getAttribute('data-project'));
    expect(id).toBeGreaterThan(city.startId);
    expect(await detail.getAttribute('data-stage')).toBe('reserve');
    await page.getByTestId(`rn-detail-link-${problem}`).click();
    await page.locator(`[data-testid="rn-detail-problems"] li[data-problem="${problem}"]`).waitFor({ timeout: 15_000 });

    // An illegal move (储备 → 销号) is refused with the server's message, and nothing moves.
    await page.getByTestId('rn-detail-other').selectOption('closed');
    await page.getByTestId('rn-detail-try').click();
    const refused = page.getByTestId('rn-detail-refused');
    await refused.waitFor({ timeout: 10_000 });
    expect(await refused.textContent()).toMatch(/reserve|储备/);
    expect(await detail.getAttribute('data-stage')).toBe('reserve');
    await detail.scrollIntoViewIfNeeded();
    await shoot(page, shotPath('detail-refused'));

    // Draw the project's site on the map and save it.
    expect(((await (await fetch(`${city.server.url}/api/renewal/projects/${id}`)).json()) as Project).geometry).toBeNull();
    await waitForMapReady(page);
    const before = await shoot(page, shotPath('before-project-site'));
    await page.getByTestId('rn-detail-draw').click();
    const rect = await drawSquare(page, 140, -40, 50);
    await page.getByTestId('rn-detail-save-geometry').click();
    await expect.poll(async () => page.getByTestId('rn-detail-geometry').textContent(), { timeout: 15_000 }).toMatch(/已绘制|drawn/);
    const saved = (await (await fetch(`${city.server.url}/api/renewal/projects/${id}`)).json()) as Project;
    expect(saved.geometry?.type).toMatch(/Polygon/);
    await waitForMapReady(page);
    const after = await shoot(page, shotPath('project-site'));
    expect(changedPixels(before, after, rect)).toBeGreaterThan(rect.w * rect.h * 0.05);

    // Every state in turn, through the detail's buttons. 销号 waits for the re-check: refused while the
    // linked problem is open (in treatment since 实施), allowed once it is settled in the ledger.
    const step = async (to: string) => {
      await page.getByTestId('rn-detail-reason').fill(`e2e: ${to}`);
      await page.getByTestId(`rn-detail-move-${to}`).click();
    };
    for (const to of ['approved', 'implementing', 'completed', 'rechecked']) {
      await step(to);
      await expect.poll(async () => detail.getAttribute('data-stage'), { timeout: 15_000 }).toBe(to);
    }
    await expect.poll(async () => page.locator(`[data-testid="rn-detail-problems"] li[data-problem="${problem}"]`).getAttribute('data-status'), { timeout: 15_000 }).toBe('in_treatment');
    await step('closed');
    await refused.waitFor({ timeout: 10_000 });
    expect(await refused.textContent()).toMatch(/unresolved/);
    expect(await detail.getAttribute('data-stage')).toBe('rechecked');
    await refused.scrollIntoViewIfNeeded();
    await shoot(page, shotPath('detail-close-refused'));
    const settle = await fetch(`${city.server.url}/api/check/problems/${problem}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'dismiss', reason: 'e2e: treated by the project' }) });
    expect(settle.status).toBe(200);
    await step('closed');
    await expect.poll(async () => detail.getAttribute('data-stage'), { timeout: 15_000 }).toBe('closed');
    expect(await page.getByTestId('rn-detail-history').locator('tbody tr').count()).toBe(6);
    await detail.scrollIntoViewIfNeeded();
    await shoot(page, shotPath('detail-closed'));
    const done = (await (await fetch(`${city.server.url}/api/renewal/projects/${id}`)).json()) as Project;
    expect(done.transitions.map((x) => x.toStage)).toEqual(['reserve', 'approved', 'implementing', 'completed', 'rechecked', 'closed']);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
