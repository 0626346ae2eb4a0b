/**
 * The annual report (体检报告) of central Nanjing's 2025 check cycle (OSM + the project's 示例数据 ledgers),
 * generated through the API in headless Chromium and looked at from outside: the PDF's pages rendered with
 * pdftoppm into test-results/report/, its text read with pdftotext, the map figures decoded and checked
 * for real drawing (pixel variance), the stored row audited without its bytes.
 *
 * The city is loaded into a database of its own (`<test db>_report`): computing a cycle writes the
 * problem ledger, which the shared default-city database must not carry for other files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATASET_ID } from '../../geodata/datasets.ts';
import { loadDefaultDataset } from '../../geodata/default-dataset.ts';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { ownDatabase } from '../helpers/db.ts';

const OUT = path.join(REPO_ROOT, 'test-results/report');
let app: FastifyInstance;
let pool: pg.Pool;
let cycleId: number;
let parkName: string;

beforeAll(async () => {
  const url = await ownDatabase('_report');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  await loadDefaultDataset(pool, { geodataDir: loadConfig().geodataDir, checkYear: 2025 });
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 60_000, rateLimit: false, auth: { mode: 'off' } });
  await app.ready();
  const created = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { dataset: DEFAULT_DATASET_ID, year: 2025 } });
  expect(created.statusCode).toBe(201);
  cycleId = created.json().id;
  expect((await app.inject({ method: 'POST', url: `/api/check/cycles/${cycleId}/compute` })).statusCode).toBe(200);
  expect((await app.inject({ method: 'POST', url: `/api/check/cycles/${cycleId}/publish` })).statusCode).toBe(200);
  const project = await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: DEFAULT_DATASET_ID, actor: 'report-test', name: '朝天宫片区口袋公园', contentClass: ['upgrade'], department: '秦淮区住建局', budgetWan: 320, planYear: 2026 } });
  expect(project.statusCode).toBe(201);
  const hostile = await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: DEFAULT_DATASET_ID, actor: 'report-test', name: '<img src=x onerror=alert(1)> 试点' } });
  expect(hostile.statusCode).toBe(201);
  const catalogue = (await app.inject(`/api/check/catalogue?dataset=${DEFAULT_DATASET_ID}`)).json();
  parkName = catalogue.indicators.find((i: { code: string }) => i.code === 'park_coverage').nameZh;
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
}, 300_000);
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

/** Writes the PDF, renders its pages to PNG (pdftoppm) and reads its text (pdftotext, layout kept). */
function lookAt(pdf: Buffer, stem: string): { pages: string[]; text: string } {
  const file = path.join(OUT, `${stem}.pdf`);
  fs.writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-r', '50', '-png', file, path.join(OUT, stem)]);
  const pages = fs.readdirSync(OUT).filter((f) => f.startsWith(`${stem}-`) && f.endsWith('.png')).sort();
  return { pages, text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }) };
}

/** Standard deviation of the luminance and the number of distinct colours of a PNG. */
function pixelStats(png: Buffer): { sd: number; colours: number; width: number } {
  const img = PNG.sync.read(png);
  let sum = 0;
  let sq = 0;
  const colours = new Set<number>();
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [img.data[i * 4], img.data[i * 4 + 1], img.data[i * 4 + 2]];
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += y;
    sq += y * y;
    colours.add((r << 16) | (g << 8) | b);
  }
  return { sd: Math.sqrt(sq / n - (sum / n) ** 2), colours: colours.size, width: img.width };
}

describe('the annual report of a check cycle', () => {
  let zh: { pages: number; durationMs: number; figures: { id: string; ms: number }[]; sampleData: boolean; effective: Record<string, { value: unknown; origin: string }>; pdfUrl: string };

  it('is generated in Chinese by default and stored with the cycle', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/check/cycles/${cycleId}/report`, payload: {} });
    expect(res.statusCode, res.body).toBe(201);
    zh = res.json();
    console.log(`Nanjing 2025 report (zh): ${zh.durationMs} ms, ${zh.pages} pages; figures ${zh.figures.map((f) => `${f.id} ${f.ms} ms`).join(', ')}`);
    expect(zh).toMatchObject({ lang: 'zh', cycleStatus: 'published', sampleData: true, pdfUrl: `/api/check/cycles/${cycleId}/report.pdf?lang=zh` });
    expect(zh.effective.lang).toEqual({ value: 'zh', origin: 'default' });
    expect(zh.figures.map((f) => f.id)).toEqual(['overview', 'choropleth', 'shortfall', 'lifeCircle', 'hotspots', 'renewal']);
    // The time is printed above and measured by `npm run bench:report`; tests assert no timings.
    expect(zh.durationMs).toBeGreaterThan(0);
    const list = (await app.inject(`/api/check/cycles/${cycleId}/reports`)).json();
    expect(list.reports.map((r: { lang: string }) => r.lang)).toEqual(['zh']);
  }, 120_000);

  it('prints cover, summary, indicator tables, maps, problems, projects and sources: pages rendered and text read', async () => {
    const res = await app.inject(zh.pdfUrl);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(`citycheck-${DEFAULT_DATASET_ID}-2025-report-zh.pdf`);
    const { pages, text } = lookAt(res.rawPayload, 'nanjing-2025-zh');
    expect(pages.length).toBe(zh.pages);
    expect(pages.length).toBeGreaterThanOrEqual(5);
    for (const heading of ['2025 城市体检报告', '一、体检总体情况', '城市健康指数', '二、分维度指标', '生态宜居', '安全韧性', '三、专题图', '四、问题清单', '五、更新项目库', '六、数据来源与许可']) {
      expect(text, heading).toContain(heading);
    }
    expect(text).toContain(parkName);
    expect(text).toContain('朝天宫片区口袋公园');
    expect(text).toContain('© OpenStreetMap contributors');
    expect(text).toContain('ODbL');
    expect(text).toContain('示例数据');
    expect(text).toMatch(/达标|不达标/);
    // the analysis figures computed at report time, each with its caption and the parameters that produced it
    for (const caption of ['图 4 生活圈服务短板', '图 5 城市问题热点', '图 6 城市更新候选小区']) expect(text, caption).toContain(caption);
    expect(text).toMatch(/参数: .*\((默认|城市设置)\)/);
    expect(text).toMatch(/个小区中 \d+ 个存在配套短板/);
    expect(text).toMatch(/个分析单元中 \d+ 个为热点/);
  }, 60_000);

  it('embeds map figures that are real renders, not blank, all different, the coverage gaps drawn', async () => {
    const html = (await app.inject(`/api/check/cycles/${cycleId}/report.html?lang=zh`)).body;
    const figures = [...html.matchAll(/<figure id="figure-(\w+)"><img src="data:image\/png;base64,([^"]+)"/g)].map((m) => ({ id: m[1], png: Buffer.from(m[2], 'base64') }));
    expect(figures.map((f) => f.id)).toEqual(['overview', 'choropleth', 'shortfall', 'lifeCircle', 'hotspots', 'renewal']);
    // text from the database is escaped: a project named like markup stays text
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; 试点');
    expect(html).not.toContain('<img src=x');
    for (const f of figures) {
      fs.writeFileSync(path.join(OUT, `figure-${f.id}.png`), f.png);
      const s = pixelStats(f.png);
      console.log(`figure ${f.id}: luminance sd ${s.sd.toFixed(1)}, ${s.colours} colours`);
      expect(s.width).toBe(1200);
      expect(s.sd, `${f.id} luminance spread`).toBeGreaterThan(8);
      expect(s.colours, `${f.id} distinct colours`).toBeGreaterThan(200);
    }
    expect(new Set(figures.map((f) => f.png.toString('base64'))).size).toBe(6);
    // the coverage gaps of the cycle's own green-coverage run are drawn: pixels of the shortfall colour (#e34a33 at 70 % on the basemap)
    const gaps = PNG.sync.read(figures[2].png);
    let red = 0;
    for (let i = 0; i < gaps.width * gaps.height; i++) {
      const [r, g, b] = [gaps.data[i * 4], gaps.data[i * 4 + 1], gaps.data[i * 4 + 2]];
      if (r > 200 && g > 90 && g < 150 && b > 60 && b < 130) red++;
    }
    console.log(`shortfall figure: ${red} pixels of the gap colour`);
    expect(red).toBeGreaterThan(1000);
  }, 30_000);

  it('is audited without its bytes', async () => {
    const { rows } = await pool.query(`SELECT action, new_row FROM app.audit_log WHERE table_name = 'check_report' ORDER BY id DESC LIMIT 1`);
    expect(rows[0].action).toBe('INSERT');
    expect(rows[0].new_row).toMatchObject({ cycle_id: cycleId, lang: 'zh' });
    expect(rows[0].new_row.pdf_bytes).toBeGreaterThan(10_000);
    expect(Object.keys(rows[0].new_row)).not.toContain('pdf');
    expect(Object.keys(rows[0].new_row)).not.toContain('html');
  });

  it('switches to English on request and keeps the Chinese one beside it', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/check/cycles/${cycleId}/report`, payload: { lang: 'en' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().effective.lang).toEqual({ value: 'en', origin: 'request' });
    const { text } = lookAt((await app.inject(`/api/check/cycles/${cycleId}/report.pdf?lang=en`)).rawPayload, 'nanjing-2025-en');
    for (const s of ['2025 Urban Health Check Report', '2. Indicators by dimension', '6. Data sources and licences', 'Park service-radius coverage', 'Figure 4 Life-circle gaps', 'Figure 5 Hotspots', 'Figure 6 Renewal candidates', '© OpenStreetMap contributors', 'ODbL']) expect(text, s).toContain(s);
    expect(text).not.toContain('二、分维度指标');
    const list = (await app.inject(`/api/check/cycles/${cycleId}/reports`)).json();
    expect(list.reports.map((r: { lang: string }) => r.lang)).toEqual(['zh', 'en']);
  }, 120_000);

  it('answers 404 for a report not made yet, 409 for a cycle never computed, 400 for an unknown language', async () => {
    const draft = (await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { dataset: DEFAULT_DATASET_ID, year: 2026 } })).json();
    const missing = await app.inject(`/api/check/cycles/${draft.id}/report.pdf`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toContain(`POST /api/check/cycles/${draft.id}/report`);
    const empty = await app.inject({ method: 'POST', url: `/api/check/cycles/${draft.id}/report`, payload: {} });
    expect(empty.statusCode).toBe(409);
    expect(empty.json().message).toMatch(/no values yet/);
    const french = await app.inject({ method: 'POST', url: `/api/check/cycles/${cycleId}/report`, payload: { lang: 'fr' } });
    expect(french.statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/check/cycles/999999/report', payload: {} })).statusCode).toBe(404);
  });
});
