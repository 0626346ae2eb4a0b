/**
 * Sign-in end to end in Debian's headless Chromium against the real app with sign-in on: a planner
 * signs in from the top bar, the session cookie is invisible to page scripts (HttpOnly), the audit
 * trail opens and names the planner's own change; a viewer gets no audit control and no control to
 * create a check cycle (a planner does); sign-out returns to the sign-in button; an admin adds a
 * person; a planner makes and revokes an API token. Screenshots: test-results/e2e-auth-audit.png, e2e-auth-people.png.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { addUser, authDatabase, CITY_A, PASSWORD, signIn } from '../auth/auth-app.ts';
import { buildClientIfStale, launchBrowser, type Browser } from './helpers/city-server.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;

beforeAll(async () => {
  buildClientIfStale();
  const url = await authDatabase('e2e');
  app = await buildApp({ databaseUrl: url, logLevel: 'warn', statementTimeoutMs: 20_000, rateLimit: false, auth: { signInRateLimit: false } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no TCP port');
  base = `http://127.0.0.1:${addr.port}`;
  await addUser(app, 'e2e.planner', 'planner');
  await addUser(app, 'e2e.viewer', 'viewer');
  await addUser(app, 'e2e.admin', 'admin');
  // A change by the planner, made through the API, for the audit trail to show.
  const planner = await signIn(app, 'e2e.planner');
  const res = await planner.inject({ method: 'PUT', url: `/api/facility-types/kindergarten?dataset=${CITY_A}`, payload: { standardDistanceM: 260 } });
  if (res.statusCode !== 200) throw new Error(res.body);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signInThroughPage(username: string): Promise<Page> {
  await browser.context.clearCookies(); // pages of one profile share the session cookie
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.getByTestId('sign-in-open').click();
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('signed-in-user').waitFor({ timeout: 15_000 });
  expect(errors).toEqual([]);
  return page;
}

describe('sign-in in the browser', () => {
  it('signs a planner in, keeps the cookie from page scripts, and shows the audit trail naming them', async () => {
    const page = await signInThroughPage('e2e.planner');
    expect(await page.getByTestId('signed-in-user').textContent()).toContain('规划师');
    expect(await page.evaluate(() => document.cookie)).not.toContain('citycheck_session');
    const cookies = await browser.context.cookies(base);
    expect(cookies.find((c) => c.name === 'citycheck_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    await page.getByTestId('audit-open').click();
    await page.getByTestId('audit-row').first().waitFor({ timeout: 15_000 });
    const first = await page.getByTestId('audit-row').first().textContent();
    expect(first).toContain('e2e.planner');
    expect(first).toContain('facility_type_city');
    expect(first).toContain('standard_distance_m: 260');
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'e2e-auth-audit.png') });

    await page.getByTestId('audit-close').click();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-open').waitFor({ timeout: 15_000 });
    await page.close();
  }, 60_000);

  it('shows a wrong password as an error and gives a viewer no audit control', async () => {
    const page = await browser.context.newPage();
    await page.goto(base);
    await page.getByTestId('sign-in-open').click();
    await page.getByTestId('sign-in-username').fill('e2e.viewer');
    await page.getByTestId('sign-in-password').fill('not the password');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('sign-in-error').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('sign-in-error').textContent()).toContain('用户名或密码错误');
    await page.close();

    const viewer = await signInThroughPage('e2e.viewer');
    expect(await viewer.getByTestId('signed-in-user').textContent()).toContain('查看者');
    expect(await viewer.getByTestId('audit-open').count()).toBe(0);
    // The 体检 tab shows a viewer its cycles but no control to create, compute or publish one.
    await viewer.getByTestId('tab-check').click();
    await viewer.getByTestId('check-panel').waitFor({ timeout: 20_000 });
    expect(await viewer.getByTestId('ck-create').count()).toBe(0);
    await viewer.close();

    const planner = await signInThroughPage('e2e.planner');
    await planner.getByTestId('tab-check').click();
    await planner.getByTestId('ck-create').waitFor({ timeout: 20_000 });
    await planner.close();
  }, 60_000);

  it('lets an admin add a person in the people dialog, who can then sign in', async () => {
    const page = await signInThroughPage('e2e.admin');
    await page.getByTestId('people-open').click();
    await page.getByTestId('people-row').first().waitFor({ timeout: 15_000 });
    const before = await page.getByTestId('people-row').count();
    await page.getByTestId('people-new-username').fill('e2e.added');
    await page.getByTestId('people-new-role').selectOption('planner');
    await page.getByTestId('people-new-city').selectOption(CITY_A);
    await page.getByTestId('people-new-password').fill(PASSWORD);
    await page.getByTestId('people-add').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="people-row"]').length === n, before + 1, { timeout: 15_000 });
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'e2e-auth-people.png') });
    const added = await signIn(app, 'e2e.added');
    const me = (await added.inject({ method: 'GET', url: '/api/auth/me' })).json();
    expect(me.user).toMatchObject({ role: 'planner', dataset: CITY_A });
    await page.close();
  }, 60_000);

  it('lets a planner make an API token in their account, which works until revoked there', async () => {
    const page = await signInThroughPage('e2e.planner');
    await page.getByTestId('account-open').click();
    await page.getByTestId('token-name').fill('nightly export');
    await page.getByTestId('token-create').click();
    const token = (await page.getByTestId('token-shown').textContent({ timeout: 15_000 }))!.trim();
    expect(token).toMatch(/^cc_/);
    const write = () => app.inject({ method: 'PUT', url: `/api/facility-types/pharmacy?dataset=${CITY_A}`, payload: { standardDistanceM: 450 }, headers: { authorization: `Bearer ${token}` } });
    expect((await write()).statusCode).toBe(200);
    await page.getByTestId('token-revoke').click();
    await page.getByText('已吊销').waitFor({ timeout: 15_000 });
    expect((await write()).statusCode).toBe(401);
    await page.close();
  }, 60_000);
});
