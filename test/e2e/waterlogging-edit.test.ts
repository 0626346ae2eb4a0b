/**
 * Editing a waterlogging point's treatment status from the one map, end to end: the real app with
 * sign-in on over central Nanjing (OSM + 示例数据 sample ledgers) in a database of its own
 * (`<test db>_wledit`, since this test changes a layer), and Debian's headless Chromium. A planner of
 * the city clicks an untreated point; the feature panel offers only the allowed next status (never
 * 已销号 straight away), moves it to 治理中 with a note, the history shows the row naming the planner,
 * and the point's colour on the map (styled by status) turns from the 未治理 to the 治理中 colour once
 * the re-requested tile arrives. A move the server refuses (the status changed meanwhile) shows the
 * 409 message in the panel; a viewer sees the history without the control.
 * Screenshots: test-results/e2e-waterlogging-*.png.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorOf, hexToRgba } from '../../client/layers/color-scale.ts';
import { layerDef } from '../../client/layers/layer-defs.ts';
import { WATERLOGGING_NEXT } from '../../client/components/waterlogging-editor.tsx';
import { DEFAULT_DATASET_ID } from '../../geodata/datasets.ts';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { ensureDatabase, migrate } from '../../server/db/migrate.ts';
import { WATERLOGGING_MOVES } from '../../server/diagnosis/waterlogging-status.ts';
import { addUser, PASSWORD, signIn } from '../auth/auth-app.ts';
import { testDatabaseUrl } from '../helpers/db.ts';
import { buildClientIfStale, launchBrowser, loadDefaultCity, type Browser } from './helpers/city-server.ts';
import { colorDistance, projectToPage, shoot, waitForMapReady, type Rgb } from './helpers/map-page.ts';

const shotPath = (name: string) => path.join(REPO_ROOT, 'test-results', `e2e-waterlogging-${name}.png`);
const PLANNER = 'wl.e2e.planner';
const VIEWER = 'wl.e2e.viewer';

let app: FastifyInstance;
let base: string;
let browser: Browser;
let pool: pg.Pool;
/** Two untreated points clear of other points and facilities (their pixels are theirs alone). */
let points: { id: number; lon: number; lat: number }[] = [];
let project: { id: number; name: string };

beforeAll(async () => {
  buildClientIfStale();
  const admin = new URL(testDatabaseUrl());
  const name = `${admin.pathname.slice(1)}_wledit`;
  admin.pathname = '/postgres';
  const url = await ensureDatabase(admin.toString(), name);
  await migrate(url);
  await loadDefaultCity(url);
  pool = new pg.Pool({ connectionString: url, max: 2 });
  app = await buildApp({ databaseUrl: url, logLevel: 'warn', statementTimeoutMs: 20_000, rateLimit: false, auth: { signInRateLimit: false } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no TCP port');
  base = `http://127.0.0.1:${addr.port}`;
  const { rows: existing } = await pool.query<{ username: string }>('SELECT username FROM app.app_user WHERE username = ANY($1)', [[PLANNER, VIEWER]]);
  const have = new Set(existing.map((r) => r.username));
  if (!have.has(PLANNER)) await addUser(app, PLANNER, 'planner', DEFAULT_DATASET_ID);
  if (!have.has(VIEWER)) await addUser(app, VIEWER, 'viewer');
  const { rows } = await pool.query<{ id: string; lon: number; lat: number }>(`
    SELECT w.id, ST_X(w.geom) AS lon, ST_Y(w.geom) AS lat
    FROM app.waterlogging_point w JOIN app.dataset d ON d.id = w.dataset_id
    WHERE w.status = 'untreated' AND coalesce(d.city_id, d.id) = $1
      AND NOT EXISTS (SELECT 1 FROM app.waterlogging_point o WHERE o.id <> w.id AND ST_DWithin(o.geom::geography, w.geom::geography, 60))
      AND NOT EXISTS (SELECT 1 FROM app.facility f WHERE ST_DWithin(f.geom::geography, w.geom::geography, 40))
    ORDER BY w.id LIMIT 2`, [DEFAULT_DATASET_ID]);
  if (rows.length < 2) throw new Error('fewer than two clear untreated waterlogging points in the test city');
  points = rows.map((r) => ({ id: Number(r.id), lon: r.lon, lat: r.lat }));
  // A project of the city's library for the point to be linked to.
  const res = await (await signIn(app, PLANNER)).inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: DEFAULT_DATASET_ID, name: `排水防涝改造（e2e ${Date.now()}）` } });
  if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`project: ${res.statusCode} ${res.body}`);
  project = res.json() as { id: number; name: string };
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  // Leave the points untreated again (a legal move from 治理中 or 已销号) for the next run.
  if (app && points.length) {
    const planner = await signIn(app, PLANNER);
    for (const p of points) {
      const { rows } = await pool.query('SELECT status FROM app.waterlogging_point WHERE id = $1', [p.id]);
      if (rows[0]?.status !== 'untreated') await planner.inject({ method: 'PATCH', url: `/api/waterlogging-points/${p.id}`, payload: { status: 'untreated', note: 'e2e: reset' } });
    }
  }
  await browser?.close();
  await app?.close();
  await pool?.end();
});

const rgb = (hex: string): Rgb => hexToRgba(hex).slice(0, 3) as Rgb;
const statusStyle = layerDef('waterlogging')!.styles.find((s) => s.id === 'status')!;
const statusColour = (status: string) => rgb(colorOf(statusStyle, { status }));

/** Signs in through the top bar, then opens the map on the point with waterlogging styled by status. */
async function openSignedIn(username: string, at: { lon: number; lat: number }): Promise<{ page: Page; errors: string[] }> {
  await browser.context.clearCookies(); // pages of one profile share the session cookie
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/#c=${at.lon},${at.lat}&z=17&l=waterlogging`);
  await page.getByTestId('sign-in-open').click();
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('signed-in-user').waitFor({ timeout: 15_000 });
  await page.getByTestId('layer-style-waterlogging').selectOption('status');
  await waitForMapReady(page);
  return { page, errors };
}

/** Clicks the point on the map and waits for its status in the feature panel. */
async function clickPoint(page: Page, p: { lon: number; lat: number }) {
  const xy = await projectToPage(page, p.lon, p.lat);
  await page.mouse.click(xy.x, xy.y);
  await page.getByTestId('wl-editor').waitFor({ timeout: 15_000 });
  await page.getByTestId('wl-history').waitFor({ timeout: 15_000 });
  return xy;
}

describe('editing a waterlogging point from the map', () => {
  it('offers the same moves as the server', () => {
    expect(WATERLOGGING_NEXT).toEqual(WATERLOGGING_MOVES);
  });

  it('moves an untreated point to 治理中 with a note: the history names the planner and the map recolours the point', async () => {
    const [a] = points;
    const { page, errors } = await openSignedIn(PLANNER, a);
    const tileRequests: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/tiles/waterlogging/')) tileRequests.push(r.url()); });
    const xy = await projectToPage(page, a.lon, a.lat);
    const before = await shoot(page, shotPath('before'));
    expect(colorDistance(before.at(xy.x, xy.y), statusColour('untreated')), `untreated ${before.at(xy.x, xy.y)}`).toBeLessThan(45);

    await clickPoint(page, a);
    const editor = page.getByTestId('wl-editor');
    expect(await editor.getAttribute('data-status')).toBe('untreated');
    // Only the allowed next status is offered: 治理中, never 已销号 straight from 未治理.
    const offered = await page.getByTestId('wl-next').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(['in_progress']);
    const historyBefore = await page.getByTestId('wl-history-row').count();

    const note = `e2e: 泵站扩容开工 ${Date.now()}`;
    await page.getByTestId('wl-next').selectOption('in_progress');
    await page.getByTestId('wl-note').fill(note);
    // The project list is the city's: link the point to the project made above.
    await expect.poll(async () => page.getByTestId('wl-project').locator('option').allTextContents(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining(project.name)]));
    await page.getByTestId('wl-project').selectOption(String(project.id));
    await page.getByTestId('wl-save').click();
    await page.getByTestId('wl-saved').waitFor({ timeout: 15_000 });
    expect(await editor.getAttribute('data-status')).toBe('in_progress');
    expect(await page.getByTestId('wl-linked').textContent()).toContain(project.name);
    expect(await page.getByTestId('wl-history-row').count()).toBe(historyBefore + 1);
    const newest = page.getByTestId('wl-history-row').first();
    expect(await newest.getAttribute('data-from')).toBe('untreated');
    expect(await newest.getAttribute('data-to')).toBe('in_progress');
    const text = await newest.textContent();
    expect(text).toContain(PLANNER);
    expect(text).toContain(note);
    expect(text).toContain('未治理 → 治理中');
    // Now 治理中 offers 已销号 and reopening, not itself.
    const next = await page.getByTestId('wl-next').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(next).toEqual([...WATERLOGGING_MOVES.in_progress]);
    expect(await page.getByTestId('feature-attributes').textContent()).toContain('治理中');

    // The server agrees, and the re-requested tile paints the point in the 治理中 colour.
    const { rows } = await pool.query('SELECT status, remediation_project_id::int AS remediation_project_id FROM app.waterlogging_point WHERE id = $1', [a.id]);
    expect(rows[0]).toEqual({ status: 'in_progress', remediation_project_id: project.id });
    // The pointer off the point, over empty map: deck.gl's hover highlight would paint it yellow.
    await page.mouse.move(xy.x - 150, xy.y + 120, { steps: 5 });
    await expect.poll(async () => {
      await waitForMapReady(page);
      const shot = await shoot(page, shotPath('after'));
      return colorDistance(shot.at(xy.x, xy.y), statusColour('in_progress'));
    }, { timeout: 30_000, interval: 500 }).toBeLessThan(45);
    await page.getByTestId('wl-history').scrollIntoViewIfNeeded();
    await shoot(page, shotPath('history'));
    // The layer's tiles were asked for again under a new revision (a new URL: no browser cache in between).
    expect(tileRequests.some((u) => u.includes('?rev=1'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows the server\'s refusal when the status changed meanwhile, and moves nothing', async () => {
    const [, b] = points;
    const { page, errors } = await openSignedIn(PLANNER, b);
    await clickPoint(page, b);
    expect(await page.getByTestId('wl-editor').getAttribute('data-status')).toBe('untreated');
    // Someone else closes the point (治理中 → 已销号) while the panel still offers 未治理 → 治理中.
    const other = await signIn(app, PLANNER);
    for (const status of ['in_progress', 'closed']) {
      const res = await other.inject({ method: 'PATCH', url: `/api/waterlogging-points/${b.id}`, payload: { status } });
      expect(res.statusCode, res.body).toBe(200);
    }
    await page.getByTestId('wl-save').click();
    const refused = page.getByTestId('wl-refused');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toMatch(/cannot move from 已销号 closed to 治理中 in_progress/);
    const { rows } = await pool.query('SELECT status FROM app.waterlogging_point WHERE id = $1', [b.id]);
    expect(rows[0].status).toBe('closed');
    // The panel then shows the status as it is now, and offers only what may follow it.
    await expect.poll(async () => page.getByTestId('wl-editor').getAttribute('data-status'), { timeout: 15_000 }).toBe('closed');
    const offered = await page.getByTestId('wl-next').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(['untreated']);
    expect(await refused.isVisible()).toBe(true);
    expect(await page.getByTestId('feature-attributes').textContent()).toContain('已销号');
    await shoot(page, shotPath('refused'));
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows a viewer the history without the control', async () => {
    const [a] = points;
    const { page, errors } = await openSignedIn(VIEWER, a);
    await clickPoint(page, a);
    await page.getByTestId('wl-viewer-note').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('wl-edit').count()).toBe(0);
    expect(await page.getByTestId('wl-history-row').count()).toBeGreaterThan(0);
    await shoot(page, shotPath('viewer'));
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
