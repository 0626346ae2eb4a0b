/**
 * UI strings of the annual report (体检报告) button in the 体检 tab, merged into `dictionaries.ts`.
 * The printed report's own words are the server's (server/report/report-messages.ts).
 */
export const reportZh = {
  'rp.title': '体检报告',
  'rp.generate': '生成体检报告',
  'rp.regenerate': '重新生成',
  'rp.busy': '正在生成报告（绘制专题图并打印 PDF）…',
  'rp.lang': '报告语言',
  'rp.lang.zh': '中文',
  'rp.lang.en': '英文',
  'rp.none': '该年度还没有体检报告。',
  'rp.notComputed': '计算该年度后才能生成报告。',
  'rp.pdf': '下载 PDF（{lang}）',
  'rp.html': '网页版',
  'rp.info': '{pages} 页 · {kb} KB · 生成于 {at}，用时 {s} 秒',
  'rp.draftNote': '（生成时为草稿）',
  'rp.error': '报告生成失败：',
};
export const reportEn: Record<keyof typeof reportZh, string> = {
  'rp.title': 'Annual report',
  'rp.generate': 'Generate the report',
  'rp.regenerate': 'Regenerate',
  'rp.busy': 'Generating the report (drawing the maps, printing the PDF)…',
  'rp.lang': 'Report language',
  'rp.lang.zh': 'Chinese',
  'rp.lang.en': 'English',
  'rp.none': 'No report for this year yet.',
  'rp.notComputed': 'Compute this year before generating its report.',
  'rp.pdf': 'Download PDF ({lang})',
  'rp.html': 'web version',
  'rp.info': '{pages} pages · {kb} KB · generated {at} in {s} s',
  'rp.draftNote': '(the cycle was a draft then)',
  'rp.error': 'The report failed: ',
};
