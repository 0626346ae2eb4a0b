/**
 * The annual report (体检报告) as one self-contained HTML document (figures embedded as PNG data URLs,
 * print CSS for A4), which Chromium prints to PDF. Pure: data and figures in, text out.
 */
import type { ActiveIndicator } from '../check/cycle-service.ts';
import type { CheckValue } from '../contract/check.ts';
import type { ReportData } from './report-data.ts';
import { SHORTFALL_COLOUR, type MapFigure } from './map-figures.ts';
import { CANDIDATE_COLOUR, HOTSPOT_COLOURS, type AnalysisFigureMeta } from './analysis-figures.ts';
import { codeLabel, dimensionLabel, reportMessages, type ReportLang } from './report-messages.ts';

/** Rows of the long tables printed in full up to this count; the rest are counted. */
export const TABLE_ROW_LIMIT = 60;

/** Text safe inside HTML. */
export const escapeHtml = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const esc = escapeHtml;
const num = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : String(Math.round(x * 10 ** digits) / 10 ** digits));
const signed = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${x > 0 ? '+' : ''}${num(x)}`);

const CSS = `
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; color: #222; }
.cover { height: 240mm; display: flex; flex-direction: column; justify-content: center; align-items: center; page-break-after: always; text-align: center; }
.cover h1 { font-size: 30pt; margin: 0 0 8mm; } .cover h2 { font-size: 18pt; font-weight: normal; margin: 0 0 16mm; }
.cover table { font-size: 12pt; } .cover td { padding: 2mm 4mm; text-align: left; }
h2.section { font-size: 15pt; border-bottom: 2px solid #7a3b8f; padding-bottom: 2mm; margin-top: 8mm; page-break-after: avoid; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; page-break-after: avoid; }
table.grid { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9pt; }
table.grid th, table.grid td { border: 1px solid #bbb; padding: 1.2mm 1.6mm; text-align: left; }
table.grid th { background: #efe8f2; } table.grid tr { page-break-inside: avoid; }
td.num, td.tag { text-align: right; white-space: nowrap; } td.tag { text-align: left; }
.red { color: #b2182b; font-weight: bold; } .yellow { color: #b8860b; font-weight: bold; }
.kpis { display: flex; flex-wrap: wrap; gap: 4mm; margin: 3mm 0; } .kpi { border: 1px solid #ccc; border-radius: 2mm; padding: 3mm 4mm; white-space: nowrap; }
.kpi b { display: block; font-size: 18pt; }
figure { margin: 4mm 0; page-break-inside: avoid; } figure img { width: 100%; border: 1px solid #999; } .params { font-size: 8pt; color: #555; }
figcaption { font-size: 9.5pt; margin-top: 1.5mm; }
.legend span { display: inline-block; margin-right: 4mm; } .legend i { display: inline-block; width: 5mm; height: 3mm; margin-right: 1mm; border: 1px solid #666; vertical-align: middle; }
.notice { border: 1px solid #d7301f; background: #fff3f0; padding: 3mm; margin: 3mm 0; }
.note { color: #555; font-size: 9pt; }
`;

function name(lang: ReportLang, d: { nameZh: string; nameEn: string }): string {
  return lang === 'en' ? d.nameEn : d.nameZh;
}

function warningCell(lang: ReportLang, w: string | null): string {
  if (!w) return '';
  const m = reportMessages(lang);
  return `<span class="${w}">${esc(w === 'red' ? m.red : m.yellow)}</span>`;
}

function indicatorRow(lang: ReportLang, d: ActiveIndicator, v: CheckValue | undefined): string {
  const m = reportMessages(lang);
  return `<tr><td>${esc(name(lang, d))}</td><td>${esc(d.checkLevel ? dimensionLabel(lang, d.checkLevel) : '')}</td><td>${esc(d.unit)}</td><td class="num">${v?.value === null || !v ? esc(m.noValue) : num(v.value)}</td>`
    + `<td class="num">${num(d.target)}</td><td class="tag">${esc(codeLabel(lang, v?.grade))}</td><td class="tag">${warningCell(lang, v?.warning ?? null)}</td><td class="num">${signed(v?.yoyChange)}</td></tr>`;
}

export interface ReportFigures { overview?: MapFigure; choropleth?: MapFigure & { indicatorName: string; unit: string; level: string }; shortfall?: MapFigure;
  lifeCircle?: MapFigure & AnalysisFigureMeta; hotspots?: MapFigure & AnalysisFigureMeta; renewal?: MapFigure & AnalysisFigureMeta & { ranked?: { rank: number; name: string | null }[] } }

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/** The report's HTML in the language; `generatedAt` printed on the cover. */
export function renderReportHtml(data: ReportData, figures: ReportFigures, lang: ReportLang, generatedAt: Date): string {
  const m = reportMessages(lang);
  const { cycle } = data;
  const cityIndex = data.index.units[0];
  const cityVals = [...data.cityValues.values()];
  const reds = data.values.filter((v) => v.warning === 'red').length;
  const yellows = data.values.filter((v) => v.warning === 'yellow').length;
  const out: string[] = [];
  out.push(`<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><title>${esc(data.cityName)} ${cycle.year} ${esc(m.title)}</title><style>${CSS}</style></head><body>`);

  // cover
  out.push(`<section class="cover"><h1>${esc(data.cityName)}</h1><h2>${cycle.year} ${esc(m.title)}</h2><table>`
    + `<tr><td>${esc(m.city)}</td><td>${esc(data.cityName)} (${esc(cycle.dataset)})</td></tr>`
    + `<tr><td>${esc(m.year)}</td><td>${cycle.year}</td></tr>`
    + `<tr><td>${esc(m.framework)}</td><td>${esc(cycle.framework)}</td></tr>`
    + `<tr><td>${esc(m.status)}</td><td>${esc(cycle.status === 'published' ? m.published : m.draft)}</td></tr>`
    + `<tr><td>${esc(m.generated)}</td><td>${esc(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC</td></tr></table>`
    + (cycle.sampleData ? `<p class="notice">${esc(m.sampleNotice)}</p>` : '') + `</section>`);

  // summary
  out.push(`<h2 class="section">${esc(m.summary)}</h2><div class="kpis">`
    + `<div class="kpi">${esc(m.healthIndex)}<b>${num(cityIndex?.index ?? null, 1)}</b></div>`
    + `<div class="kpi">${esc(m.values)}<b>${cityVals.length}</b></div>`
    + `<div class="kpi">${esc(m.redAll)}<b class="red">${reds}</b></div>`
    + `<div class="kpi">${esc(m.yellowAll)}<b class="yellow">${yellows}</b></div></div>`
    + `<p class="note">${esc(m.method)}: ${esc(m.methodText)} (${esc(data.index.method.norm)} / ${esc(data.index.method.weights)}).${lang === 'en' ? ` ${esc(data.index.method.note)}` : ''}</p>`);
  if (cityIndex) {
    out.push(`<table class="grid"><tr>${Object.keys(cityIndex.dimensions).map((k) => `<th>${esc(dimensionLabel(lang, k))}</th>`).join('')}</tr>`
      + `<tr>${Object.values(cityIndex.dimensions).map((x) => `<td class="num">${num(x, 1)}</td>`).join('')}</tr></table>`);
    const byCode = new Map(data.indicators.map((d) => [d.code, d]));
    const obstacles = [...cityIndex.obstacles].sort((a, b) => b.degree - a.degree).slice(0, 5);
    if (obstacles.length) {
      out.push(`<h3>${esc(m.obstacles)}</h3><table class="grid">${obstacles.map((o) => {
        const d = byCode.get(o.code);
        return `<tr><td>${esc(d ? name(lang, d) : o.code)}</td><td class="num">${num(o.degree * 100, 1)}%</td></tr>`;
      }).join('')}</table>`);
    }
  }

  // dimensions with their indicator tables (city level)
  out.push(`<h2 class="section">${esc(m.dimensions)}</h2>`);
  // Grouped by the eight dimensions (2021/2022) — the 2024 check level of each indicator is a column of its own.
  const dims = new Map<string, ActiveIndicator[]>();
  for (const d of data.indicators) {
    const key = d.dimension ?? 'other';
    dims.set(key, [...(dims.get(key) ?? []), d]);
  }
  for (const [dim, defs] of dims) {
    const score = cityIndex?.dimensions[dim];
    out.push(`<h3>${esc(dimensionLabel(lang, dim))}${score === undefined || score === null ? '' : ` — ${num(score, 1)}`}</h3>`
      + `<table class="grid"><tr><th>${esc(m.indicator)}</th><th>${esc(m.level)}</th><th>${esc(m.unit)}</th><th>${esc(m.value)}</th><th>${esc(m.target)}</th><th>${esc(m.grade)}</th><th>${esc(m.warning)}</th><th>${esc(m.change)}</th></tr>`
      + defs.map((d) => indicatorRow(lang, d, data.cityValues.get(d.code))).join('') + `</table>`);
  }

  // map figures
  out.push(`<h2 class="section">${esc(m.maps)}</h2>`);
  if (figures.overview) out.push(`<figure id="figure-overview"><img src="${dataUrl(figures.overview.png)}"><figcaption>${esc(m.overview)}</figcaption></figure>`);
  if (figures.choropleth) {
    const c = figures.choropleth;
    out.push(`<figure id="figure-choropleth"><img src="${dataUrl(c.png)}"><figcaption>${esc(m.choropleth)}: ${esc(c.indicatorName)} (${esc(c.unit)}, ${esc(codeLabel(lang, c.level))})`
      + `<div class="legend">${(c.legend ?? []).map((l) => `<span><i style="background:${esc(l.colour)}"></i>${esc(l.label)}</span>`).join('')}</div></figcaption></figure>`);
  }

  if (figures.shortfall) {
    out.push(`<figure id="figure-shortfall"><img src="${dataUrl(figures.shortfall.png)}"><figcaption>${esc(m.shortfall)}`
      + `<div class="legend"><span><i style="background:${SHORTFALL_COLOUR}"></i>${esc(m.shortfallLegend)}</span><span><i style="background:#5aa95a"></i>${esc(m.parks)}</span></div></figcaption></figure>`);
  }

  const legend = (items: [string, string][]) => `<div class="legend">${items.map(([c, l]) => `<span><i style="background:${esc(c)}"></i>${esc(l)}</span>`).join('')}</div>`;
  const params = (f: AnalysisFigureMeta) => `<div class="params">${esc(m.params)}: ${f.params.map((p) => `${esc(p.name)} = ${esc(p.value)} (${esc(m.origin[p.origin] ?? p.origin)})`).join('; ')}</div>`;
  if (figures.lifeCircle) {
    const f = figures.lifeCircle;
    out.push(`<figure id="figure-lifeCircle"><img src="${dataUrl(f.png)}"><figcaption>${esc(m.lifeCircle)}`
      + legend((f.classes ?? []).map((c) => [c.colour, m.gaps(c.from, c.to)])) + `<div>${esc(m.lifeCircleCount(f.count, f.total ?? 0))}</div>${params(f)}</figcaption></figure>`);
  }
  if (figures.hotspots) {
    const f = figures.hotspots;
    out.push(`<figure id="figure-hotspots"><img src="${dataUrl(f.png)}"><figcaption>${esc(m.hotspots)}`
      + legend(['3', '2', '1', '0', '-1', '-2', '-3'].map((b) => [HOTSPOT_COLOURS[b], m.hot(Number(b))])) + `<div>${esc(m.hotspotCount(f.count, f.total ?? 0))}</div>${params(f)}</figcaption></figure>`);
  }
  if (figures.renewal) {
    const f = figures.renewal;
    out.push(`<figure id="figure-renewal"><img src="${dataUrl(f.png)}"><figcaption>${esc(m.renewal)}`
      + legend([[CANDIDATE_COLOUR, m.renewalLegend]]) + `<div>${esc(m.renewalCount(f.count, f.total ?? f.count))}: ${(f.ranked ?? []).map((r) => `${r.rank}. ${esc(r.name ?? '—')}`).join('，')}</div>${params(f)}</figcaption></figure>`);
  }

  // problems
  const byCode = new Map(data.indicators.map((d) => [d.code, d]));
  out.push(`<h2 class="section">${esc(m.problems)}</h2>`);
  if (data.problems.length === 0) out.push(`<p>${esc(m.none)}</p>`);
  else {
    const sorted = [...data.problems].sort((a, b) => (a.severity === b.severity ? a.id - b.id : a.severity === 'red' ? -1 : 1));
    out.push(`<table class="grid"><tr><th>${esc(m.indicator)}</th><th>${esc(m.unitName)}</th><th>${esc(m.severity)}</th><th>${esc(m.value)}</th><th>${esc(m.threshold)}</th><th>${esc(m.problemStatus)}</th><th>${esc(m.firstYear)}</th></tr>`
      + sorted.slice(0, TABLE_ROW_LIMIT).map((p) => {
        const d = byCode.get(p.indicator);
        return `<tr><td>${esc(d ? name(lang, d) : p.indicator)}</td><td>${esc(codeLabel(lang, p.unitKind))} ${esc(p.unitName ?? '')}</td><td class="tag">${warningCell(lang, p.severity)}</td>`
          + `<td class="num">${num(p.value)}</td><td class="num">${num(p.threshold)}</td><td class="tag">${esc(codeLabel(lang, p.status))}</td><td>${p.firstYear}</td></tr>`;
      }).join('') + `</table>`);
    if (sorted.length > TABLE_ROW_LIMIT) out.push(`<p class="note">${esc(m.more(sorted.length - TABLE_ROW_LIMIT))}</p>`);
  }

  // projects
  out.push(`<h2 class="section">${esc(m.projects)}</h2>`);
  if (data.projects.length === 0) out.push(`<p>${esc(m.none)}</p>`);
  else {
    out.push(`<table class="grid"><tr><th>${esc(m.project)}</th><th>${esc(m.stage)}</th><th>${esc(m.department)}</th><th>${esc(m.budget)}</th><th>${esc(m.planYear)}</th></tr>`
      + data.projects.slice(0, TABLE_ROW_LIMIT).map((p) => `<tr><td>${esc(p.name)}</td><td>${esc(lang === 'en' ? p.stage : p.stageZh)}</td><td>${esc(p.department ?? '')}</td><td class="num">${num(p.budgetWan)}</td><td>${esc(p.planYear ?? '')}</td></tr>`).join('')
      + `</table>`);
  }

  // sources and licences
  out.push(`<h2 class="section">${esc(m.sources)}</h2><table class="grid"><tr><th>${esc(m.source)}</th><th>${esc(m.licence)}</th><th>${esc(m.attribution)}</th></tr>`
    + data.sources.map((s) => `<tr><td>${esc(s.name)}${s.isSample ? ' <b>（示例数据）</b>' : ''}</td><td>${esc(s.licence ?? '')}</td><td>${esc(s.attribution ?? '')}</td></tr>`).join('') + `</table>`
    + `<p>${esc(m.osmLine)}</p>` + (cycle.sampleData ? `<p class="notice">${esc(m.sampleNotice)}</p>` : ''));
  out.push(`</body></html>`);
  return out.join('\n');
}
