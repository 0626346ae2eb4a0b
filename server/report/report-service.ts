/**
 * Generates the annual report (体检报告) of a check cycle: reads its data, draws the map figures from the
 * project's own tiles in headless Chromium, writes the HTML, prints it to PDF (A4) in the same browser and
 * stores both with the cycle. The browser is Debian's /usr/bin/chromium driven by playwright-core, as in the
 * end-to-end tests. Nothing here imports Fastify: the route passes `fetchResource` (the app answering
 * its own tile and API requests in-process).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { choroplethStyle, overviewStyle, quantileClasses, renderMapFigures, shortfallStyle, type FetchResource, type FigureRequest } from './map-figures.ts';
import { hotspotFigure, lifeCircleFigure, renewalFigure, type AnalysisFigureMeta } from './analysis-figures.ts';
import { loadReportData, type ReportData } from './report-data.ts';
import { escapeHtml, renderReportHtml, type ReportFigures } from './report-html.ts';
import { reportMessages, type ReportLang } from './report-messages.ts';
import { reportRepository, type StoredReportMeta } from './report-repository.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Indicators tried for the choropleth figure, in order; else the one with the most units. */
const CHOROPLETH_PREFERENCE = ['park_coverage', 'old_estate_share', 'waterlogging_density'];
const CHOROPLETH_LEVELS = ['community', 'subdistrict', 'district'];

export class ReportError extends Error {
  constructor(readonly code: 'NO_CYCLE' | 'NO_EXTENT' | 'NO_VALUES' | 'TIMEOUT', message: string) {
    super(message);
  }
}

/** The indicator and level of the choropleth: a preferred indicator at the finest level with ≥ 2 values. */
export function choroplethChoice(data: ReportData): { code: string; level: string } | undefined {
  const count = (code: string, level: string) => data.values.filter((v) => v.indicator === code && v.unitKind === level && v.value !== null).length;
  for (const level of CHOROPLETH_LEVELS) {
    for (const code of CHOROPLETH_PREFERENCE) if (count(code, level) >= 2) return { code, level };
  }
  for (const level of CHOROPLETH_LEVELS) {
    const codes = [...new Set(data.values.filter((v) => v.unitKind === level).map((v) => v.indicator))].sort((a, b) => count(b, level) - count(a, level));
    if (codes[0] && count(codes[0], level) >= 2) return { code: codes[0], level };
  }
  return undefined;
}

/** PDF page count, from the page objects Chromium writes. */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

export interface GenerateOptions { lang: ReportLang; deadlineMs?: number; now?: Date }

/**
 * Generates and stores the report of a cycle in one language; replaces an earlier one.
 * @throws ReportError NO_CYCLE (no such cycle), NO_VALUES (never computed), NO_EXTENT (city without geometry), TIMEOUT (past deadlineMs)
 */
export async function generateReport(db: Kysely<unknown>, fetchResource: FetchResource, cycleId: number, opts: GenerateOptions): Promise<StoredReportMeta> {
  const t0 = performance.now();
  const data = await loadReportData(db, cycleId);
  if (!data) throw new ReportError('NO_CYCLE', `No check cycle ${cycleId}`);
  if (data.values.length === 0) throw new ReportError('NO_VALUES', `Check cycle ${cycleId} has no values yet: compute it before generating its report`);
  const repo = reportRepository(db);
  const bounds = await repo.cityBounds(data.cycle.dataset);
  if (!bounds) throw new ReportError('NO_EXTENT', `The city ${data.cycle.dataset} has no admin units or buildings to draw`);
  const m = reportMessages(opts.lang);

  const choice = choroplethChoice(data);
  const requests: FigureRequest[] = [{ id: 'overview', style: overviewStyle() }];
  let choroplethMeta: { indicatorName: string; unit: string; level: string } | undefined;
  if (choice) {
    const def = data.indicators.find((d) => d.code === choice.code);
    const classes = quantileClasses(data.values.filter((v) => v.indicator === choice.code && v.unitKind === choice.level && v.value !== null).map((v) => v.value as number));
    const fmt = (x: number) => String(Math.round(x * 100) / 100);
    const legend = classes.colours.map((colour, i) => ({
      colour,
      label: i === 0 ? (classes.breaks.length ? `< ${fmt(classes.breaks[0])}` : '') : i === classes.breaks.length ? `≥ ${fmt(classes.breaks[i - 1])}` : `${fmt(classes.breaks[i - 1])} – ${fmt(classes.breaks[i])}`,
    }));
    legend.push({ colour: '#bbbbbb', label: m.legendNoValue });
    const query = new URLSearchParams({ indicator: choice.code, unitKind: choice.level });
    requests.push({ id: 'choropleth', style: choroplethStyle(`/api/check/cycles/${cycleId}/values.geojson?${query}`, classes), legend });
    choroplethMeta = { indicatorName: def ? (opts.lang === 'en' ? def.nameEn : def.nameZh) : choice.code, unit: def?.unit ?? '', level: choice.level };
  }

  // The cycle's own green-coverage run (its id travels in the park coverage value's rule parameters).
  const runId = (data.cityValues.get('park_coverage')?.ruleVersion.params as { coverageRunId?: { value?: unknown } } | undefined)?.coverageRunId?.value;
  if (typeof runId === 'number') requests.push({ id: 'shortfall', style: shortfallStyle(runId) });

  // Life-circle gaps, hotspots and renewal candidates: the cycle saves no run for them, so they are computed
  // now by their own engines (city settings, else defaults); diagnosis first, as the renewal ranking reads
  // the city's latest diagnosis run.
  const analysisMeta: Record<string, AnalysisFigureMeta & { ranked?: { rank: number; name: string | null }[] }> = {};
  const lc = await lifeCircleFigure(db, fetchResource, data.cycle.dataset);
  if (lc) { requests.push(lc.request); analysisMeta.lifeCircle = lc.meta; }
  // On the cycle's own 社区/街道 values once it has been computed (a cycle of manual values only has none to reuse).
  const hs = await hotspotFigure(db, data.cycle.dataset, opts.deadlineMs ?? 120_000, data.cycle.computedAt ? cycleId : undefined);
  if (hs) { requests.push(hs.request); analysisMeta.hotspots = hs.meta; }
  const rn = await renewalFigure(db, data.cycle.dataset);
  if (rn) { requests.push(rn.request); analysisMeta.renewal = { ...rn.meta, ranked: rn.ranked }; }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citycheck-report-'));
  // Loaded on first use: a server without the browser driver still starts (only reports need it).
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, locale: opts.lang === 'en' ? 'en-GB' : 'zh-CN' });
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = async () => {
      const drawn = await renderMapFigures(context, fetchResource, bounds, requests);
      const figures: ReportFigures = { overview: drawn.find((f) => f.id === 'overview') };
      const c = drawn.find((f) => f.id === 'choropleth');
      if (c && choroplethMeta) figures.choropleth = { ...c, ...choroplethMeta };
      figures.shortfall = drawn.find((f) => f.id === 'shortfall');
      for (const id of ['lifeCircle', 'hotspots', 'renewal'] as const) {
        const f = drawn.find((x) => x.id === id);
        if (f && analysisMeta[id]) figures[id] = { ...f, ...analysisMeta[id] };
      }
      const html = renderReportHtml(data, figures, opts.lang, opts.now ?? new Date());
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, displayHeaderFooter: true, headerTemplate: '<span></span>',
        footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#666">${escapeHtml(data.cityName)} · ${data.cycle.year} ${m.title} · <span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
        margin: { top: '16mm', bottom: '18mm', left: '14mm', right: '14mm' } });
      await page.close();
      return { html, pdf, figures: drawn.map((f) => ({ id: f.id, ms: f.ms + (analysisMeta[f.id]?.ms ?? 0) })) };
    };
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ReportError('TIMEOUT', `The report took longer than ${opts.deadlineMs} ms`)), opts.deadlineMs ?? 120_000);
    });
    const { html, pdf, figures } = await Promise.race([work(), deadline]);
    return await repo.store({
      cycleId, lang: opts.lang, html, pdf, pages: pdfPageCount(pdf), figures, cycleStatus: data.cycle.status, sampleData: data.cycle.sampleData,
      durationMs: Math.round(performance.now() - t0),
    });
  } finally {
    clearTimeout(timer);
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
