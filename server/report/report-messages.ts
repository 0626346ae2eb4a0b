/**
 * Words of the printed annual report (体检报告), Chinese (default) and English. The report is rendered on the
 * server, so its strings live here rather than in the client's dictionaries (client/i18n, for the UI).
 */
export type ReportLang = 'zh' | 'en';

const zh = {
  title: '城市体检报告', subtitle: '年度体检', city: '城市', year: '体检年度', framework: '指标体系', status: '状态', generated: '生成时间',
  draft: '草稿（未发布）', published: '已发布',
  summary: '一、体检总体情况', healthIndex: '城市健康指数', method: '计算方法', methodText: '目标值标准化，等权重（方法与权重见下；无官方综合公式）',
  values: '全市指标数', warnings: '预警', red: '红色预警', yellow: '黄色预警', redAll: '红色预警（各级单元）', yellowAll: '黄色预警（各级单元）', obstacles: '主要障碍指标（障碍度）',
  dimensions: '二、分维度指标', indicator: '指标', level: '体检层级', value: '现状值', target: '目标值', grade: '评价', warning: '预警', change: '较上年', unit: '单位',
  noValue: '无数据', none: '无',
  maps: '三、专题图', overview: '图 1　城市概览：行政区划、公园绿地与内涝积水点', choropleth: '图 2　指标分布', legendNoValue: '无数据',
  shortfall: '图 3　公园绿地服务半径覆盖盲区', shortfallLegend: '未被公园服务半径覆盖的居住用地', parks: '公园绿地',
  lifeCircle: '图 4　生活圈服务短板：小区未达标配套项数', gaps: (from: number, to: number) => (to === 0 ? '全部达标' : from === to ? `缺 ${from} 项` : `缺 ${from}–${to} 项`),
  lifeCircleCount: (n: number, t: number) => `${t} 个小区中 ${n} 个存在配套短板（报告生成时按生活圈分析计算）`,
  hotspots: '图 5　城市问题热点（Getis-Ord Gi* 冷热点）', hot: (b: number) => (b > 0 ? `热点 ${[90, 95, 99][b - 1]}%` : b < 0 ? `冷点 ${[90, 95, 99][-b - 1]}%` : '不显著'),
  hotspotCount: (n: number, t: number) => `${t} 个分析单元中 ${n} 个为热点（报告生成时运行诊断分析并保存）`,
  renewal: '图 6　城市更新候选小区（排名前列）', renewalLegend: '候选小区（圆越大排名越前）',
  renewalCount: (n: number, t: number) => `${t} 个候选小区中排名前 ${n} 位（加权求和，默认权重）`,
  params: '参数', origin: { default: '默认', city: '城市设置', installation: '系统设置', request: '请求', report: '报告' } as Record<string, string>,
  problems: '四、问题清单', severity: '程度', unitName: '单元', problemStatus: '状态', firstYear: '首次发现', threshold: '阈值',
  projects: '五、更新项目库', project: '项目', stage: '阶段', department: '责任部门', budget: '投资（万元）', planYear: '计划年度',
  sources: '六、数据来源与许可', source: '数据集', licence: '许可', attribution: '署名',
  sampleNotice: '示例数据：本报告部分数据（小区建成年代、内涝积水点、历史文化街区、街道/社区边界等）为项目为演示而编制的示例数据，并非官方数据，不能作为决策依据。',
  osmLine: '地图与几何数据 © OpenStreetMap contributors，依 ODbL 1.0 许可使用。',
  more: (n: number) => `另有 ${n} 项未列出`,
};
type Messages = typeof zh;

const en: Messages = {
  title: 'Urban Health Check Report', subtitle: 'Annual check', city: 'City', year: 'Check year', framework: 'Framework', status: 'Status', generated: 'Generated',
  draft: 'draft (not published)', published: 'published',
  summary: '1. Summary', healthIndex: 'City health index', method: 'Method', methodText: 'target-based normalisation, equal weights (method and weights below; no official composite formula exists)',
  values: 'City indicators', warnings: 'Warnings', red: 'red', yellow: 'yellow', redAll: 'Red warnings (all units)', yellowAll: 'Yellow warnings (all units)', obstacles: 'Main obstacle indicators (obstacle degree)',
  dimensions: '2. Indicators by dimension', indicator: 'Indicator', level: 'Check level', value: 'Value', target: 'Target', grade: 'Grade', warning: 'Warning', change: 'Change on last year', unit: 'Unit',
  noValue: 'no data', none: 'none',
  maps: '3. Maps', overview: 'Figure 1  City overview: admin units, parks and green space, waterlogging points', choropleth: 'Figure 2  Indicator by unit', legendNoValue: 'no value',
  shortfall: 'Figure 3  Park service-radius coverage gaps', shortfallLegend: 'residential land outside every park\'s service radius', parks: 'parks and green space',
  lifeCircle: 'Figure 4  Life-circle gaps: facility types each estate misses', gaps: (from: number, to: number) => (to === 0 ? 'all met' : from === to ? `${from} missing` : `${from}–${to} missing`),
  lifeCircleCount: (n: number, t: number) => `${n} of ${t} estates miss at least one facility type (life-circle analysis run for this report)`,
  hotspots: 'Figure 5  Hotspots of urban problems (Getis-Ord Gi*)', hot: (b: number) => (b > 0 ? `hot spot ${[90, 95, 99][b - 1]} %` : b < 0 ? `cold spot ${[90, 95, 99][-b - 1]} %` : 'not significant'),
  hotspotCount: (n: number, t: number) => `${n} of ${t} units are hot spots (diagnosis run for this report and stored)`,
  renewal: 'Figure 6  Renewal candidates (top ranked)', renewalLegend: 'candidate estates (larger circle = higher rank)',
  renewalCount: (n: number, t: number) => `top ${n} of ${t} candidates (weighted sum, default weights)`,
  params: 'Parameters', origin: { default: 'default', city: 'city setting', installation: 'installation', request: 'request', report: 'report' } as Record<string, string>,
  problems: '4. Problem list', severity: 'Severity', unitName: 'Unit', problemStatus: 'Status', firstYear: 'First seen', threshold: 'Threshold',
  projects: '5. Renewal projects', project: 'Project', stage: 'Stage', department: 'Department', budget: 'Budget (10k CNY)', planYear: 'Plan year',
  sources: '6. Data sources and licences', source: 'Dataset', licence: 'Licence', attribution: 'Attribution',
  sampleNotice: 'Sample data (示例数据): part of this report (estate build years, waterlogging points, historic districts, sub-district/community boundaries) comes from sample ledgers made for the demo; they are not official and must not support decisions.',
  osmLine: 'Map and geometry data © OpenStreetMap contributors, available under the ODbL 1.0.',
  more: (n: number) => `${n} more not listed`,
};

/** Labels of codes (grades, warnings, unit kinds, dimensions, problem states) per language. */
const codes: Record<ReportLang, Record<string, string>> = {
  zh: {
    pass: '达标', basic: '基本达标', fail: '不达标', very_good: '很好', good: '较好', fair: '一般', poor: '较差',
    city: '全市', district: '区', subdistrict: '街道', community: '社区', estate: '小区', building: '住房',
    open: '待整治', in_treatment: '整治中', closed: '已销号', reopened: '重新打开', dismissed: '已排除', merged: '已合并',
    eco_livable: '生态宜居', health_comfort: '健康舒适', safety_resilience: '安全韧性', transport: '交通便捷', townscape: '风貌特色',
    tidy_orderly: '整洁有序', inclusive: '多元包容', vitality: '创新活力', housing: '住房', estate_community: '小区(社区)', block: '街区', other: '其他',
  },
  en: {
    pass: 'meets target', basic: 'nearly meets', fail: 'below target', very_good: 'very good', good: 'good', fair: 'fair', poor: 'poor',
    city: 'City', district: 'District', subdistrict: 'Sub-district', community: 'Community', estate: 'Estate', building: 'Building',
    open: 'open', in_treatment: 'in treatment', closed: 'closed', reopened: 'reopened', dismissed: 'dismissed', merged: 'merged',
    eco_livable: 'Ecological livability', health_comfort: 'Health & comfort', safety_resilience: 'Safety & resilience', transport: 'Convenient transport',
    townscape: 'Townscape character', tidy_orderly: 'Tidy & orderly', inclusive: 'Inclusive', vitality: 'Innovation & vitality',
    housing: 'Housing', estate_community: 'Estate (community)', block: 'Block', other: 'Other',
  },
};

export function reportMessages(lang: ReportLang): Messages {
  return lang === 'en' ? en : zh;
}

/** Labels of dimensions (2021) and check levels (2024) where they differ from the unit kinds' labels. */
const dimensionOverrides: Record<ReportLang, Record<string, string>> = { zh: { city: '城区(城市)' }, en: { city: 'City (urban area)' } };

/** A dimension's (2021) or check level's (2024) label. */
export function dimensionLabel(lang: ReportLang, code: string): string {
  return dimensionOverrides[lang][code] ?? codeLabel(lang, code);
}

/** A code's label in the language, else the code itself. */
export function codeLabel(lang: ReportLang, code: string | null | undefined): string {
  if (!code) return '';
  return codes[lang][code] ?? code;
}
