/**
 * Sources as a planner cites them. Catalog rows and rule versions carry the project's own
 * references (the domain notes, e.g. "indicators.md §5.3"); the UI shows the standard and clause
 * those notes point to instead, keeping the confidence wording ("recalled", "CONFIRMED").
 */

/** The green-coverage rule (公园绿地服务半径覆盖率) as cited in results. */
export const GREEN_COVERAGE_SOURCE = Object.freeze({
  standard: '住房和城乡建设部 城市体检指标体系（2021）',
  clause: '公园绿地服务半径覆盖率：≥5000 m² 公园 500 m，2000–5000 m² 公园 300 m',
  confidence: 'CONFIRMED',
});

const REWRITES: ReadonlyArray<readonly [RegExp, string]> = [
  [/indicators\.md §5\.3/g, 'GB 50180-2018 城市居住区规划设计标准 附录C'],
  [/indicators\.md §5(\.\d+)?/g, 'GB 50180-2018 城市居住区规划设计标准'],
  [/indicators\.md §6(\.\d+)?/g, '完整居住社区建设指南（2021）'],
  [/indicators\.md §4(\.\d+)?/g, '城市体检指标体系（2021）公园绿地服务半径覆盖率'],
  [/完整居住社区 item (\d+)/g, '完整居住社区建设指南 第$1项'],
  [/GB 50180-2018 App\. ([A-Z])/g, 'GB 50180-2018 附录$1'],
];

/** A catalog or rule source with internal document names replaced by the standard they cite. */
export function publicSource(source: string | null): string | null {
  if (source === null) return null;
  let s = source;
  for (const [re, by] of REWRITES) s = s.replace(re, by);
  return /indicators\.md|§/.test(s) ? s.replace(/\s*\(?indicators\.md[^;)]*\)?/g, '').trim() || null : s;
}
