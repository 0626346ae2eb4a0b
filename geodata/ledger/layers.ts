/**
 * One declarative table per ledger layer (header aliases → column, parser, required).
 * Enumeration values map Chinese labels and English codes to the codes stored in the database
 * (labels live in app.code_label).
 */
import type { FieldSpec, LayerSpec, UnitTable } from './layer-spec.ts';

const YEAR = { kind: 'year' } as const;
const TEXT = { kind: 'text' } as const;
const COUNT = (units: string[]): FieldSpec['type'] => ({ kind: 'int', min: 0, units: Object.fromEntries(units.map((u) => [u, 1])) });
const AREA_M2: UnitTable = { m2: 1, 'm²': 1, '㎡': 1, 平方米: 1, 平米: 1, ha: 10_000, 公顷: 10_000, 万平方米: 10_000, 亩: 666.67, km2: 1e6, 平方公里: 1e6 };
const AREA = { kind: 'number', min: 0, baseUnit: 'm2', units: AREA_M2 } as const;

const name = (required: boolean, extra: string[] = []): FieldSpec =>
  ({ field: 'name', label: '名称 name', headers: ['名称', 'name', ...extra], type: TEXT, required });
const address: FieldSpec = { field: 'address', label: '地址 address', headers: ['地址', '详细地址', '位置', 'address'], type: TEXT };

export const RENOVATION_CLASS = { 基础: 'basic', 基础类: 'basic', basic: 'basic', 完善: 'improvement', 完善类: 'improvement', improvement: 'improvement', 提升: 'upgrade', 提升类: 'upgrade', upgrade: 'upgrade' };

const estate: LayerSpec = {
  layer: 'estate', table: 'estate', label: '小区 estate', geometry: 'polygon', pointFootprint: true,
  headerPrefixes: ['老旧', '待改造', '改造'],
  fields: [
    name(true, ['小区名称', '小区名', '项目名称', 'estate', 'estatename']),
    address,
    { field: 'build_year', label: '建成年代 build_year', headers: ['建成年代', '建成年份', '建成时间', '竣工年份', '建设年代', 'build_year', 'buildyear', 'year_built'], type: YEAR },
    { field: 'households', label: '户数 households', headers: ['户数', '总户数', '居民户数', 'households'], type: COUNT(['户']) },
    { field: 'residents', label: '居民人数 residents', headers: ['居民人数', '人口', '人数', '常住人口', 'residents', 'population'], type: COUNT(['人', '口']) },
    { field: 'building_count', label: '楼栋数 building_count', headers: ['楼栋数', '楼栋', '栋数', '幢数', 'building_count', 'buildings'], type: COUNT(['栋', '幢', '座']) },
    { field: 'floor_area_m2', label: '建筑面积 floor_area_m2', headers: ['建筑面积', '总建筑面积', 'floor_area', 'floor_area_m2'], type: AREA },
    { field: 'has_elevator', label: '有无电梯 has_elevator', headers: ['有无电梯', '是否有电梯', '电梯', 'has_elevator', 'elevator'], type: { kind: 'bool' } },
    { field: 'property_management', label: '物业管理 property_management', headers: ['物业管理', '物业', '物业类型', '物业管理方式', 'property_management'],
      type: { kind: 'enum', domain: 'property_management', values: { 专业化物业: 'professional', 专业物业: 'professional', 物业公司: 'professional', 专业化: 'professional', professional: 'professional', 单位自管: 'self', 自管: 'self', 单位管理: 'self', 居民自治: 'self', 自管单位管理: 'self', self: 'self', 无: 'none', 无物业: 'none', none: 'none' } } },
    { field: 'renovation_class', label: '改造类型 renovation_class', headers: ['改造类型', '改造内容', '改造类别', 'renovation_class'], default: [], type: { kind: 'enum_list', domain: 'renovation_class', values: RENOVATION_CLASS } },
    { field: 'renovation_status', label: '改造状态 renovation_status', headers: ['改造状态', '改造进度', 'renovation_status'],
      type: { kind: 'enum', domain: 'renovation_status', values: { 未列入: 'not_listed', 已摸底: 'surveyed', 摸底: 'surveyed', 储备: 'reserve', 储备库: 'reserve', 已计划: 'planned', 计划: 'planned', 计划改造: 'planned', 改造中: 'under_works', 在建: 'under_works', 实施中: 'under_works', 已完成: 'completed', 完成: 'completed', 已改造: 'completed', not_listed: 'not_listed', surveyed: 'surveyed', reserve: 'reserve', planned: 'planned', under_works: 'under_works', completed: 'completed' } } },
    { field: 'renovation_plan_year', label: '计划改造年份 renovation_plan_year', headers: ['计划改造年份', '计划年份', '改造年份', 'renovation_plan_year', 'plan_year'], type: YEAR },
  ],
};

const waterlogging: LayerSpec = {
  layer: 'waterlogging_point', table: 'waterlogging_point', label: '内涝积水点 waterlogging point', geometry: 'point',
  // 易涝点名称, 潜在积水点位, 内涝积水点名称, 内涝风险等级 …: the prefix says what kind of point, not which field.
  headerPrefixes: ['潜在', '易涝', '积水', '内涝', '渍水', '涝水'],
  generatedName: { prefix: '积水点' },
  fields: [
    name(true, ['积水点名称', '积水点', '易涝点名称', '点位名称', '点名称', '点位', '点', '位置名称', '地点', '地点名称']),
    { field: 'location_type', label: '位置类型 location_type', headers: ['位置类型', '类型', '积水点类型', 'location_type'], default: 'other',
      type: { kind: 'enum', domain: 'location_type', values: { 道路: 'road', 路段: 'road', 下穿通道: 'underpass', 下凹桥: 'underpass', 下穿: 'underpass', 下立交: 'underpass', 下凹式立交桥: 'underpass', 低洼地: 'low_lying', 低洼: 'low_lying', 地下空间: 'underground', 地下车库: 'underground', 小区: 'estate', 其他: 'other', road: 'road', underpass: 'underpass', low_lying: 'low_lying', underground: 'underground', estate: 'estate', other: 'other' } } },
    { field: 'max_depth_cm', label: '积水深度 max_depth_cm', headers: ['积水深度', '最大积水深度', '水深', 'max_depth_cm', 'depth', 'depth_cm'],
      type: { kind: 'number', min: 0, baseUnit: 'cm', units: { cm: 1, 厘米: 1, 公分: 1, m: 100, 米: 100, mm: 0.1, 毫米: 0.1 } } },
    { field: 'duration_h', label: '积水时长 duration_h', headers: ['积水时长', '积水时间', '退水时间', 'duration_h', 'duration'],
      type: { kind: 'number', min: 0, baseUnit: 'h', units: { h: 1, 小时: 1, hr: 1, min: 1 / 60, 分钟: 1 / 60, 分: 1 / 60 } } },
    { field: 'affected_area_m2', label: '积水面积 affected_area_m2', headers: ['积水面积', '影响面积', 'affected_area_m2', 'area'], type: AREA },
    { field: 'first_recorded_year', label: '首次记录年份 first_recorded_year', headers: ['首次记录年份', '首次积水年份', '首次记录', 'first_recorded_year'], type: YEAR },
    { field: 'last_occurrence', label: '最近积水时间 last_occurrence', headers: ['最近积水时间', '最近积水日期', '最近一次积水', 'last_occurrence'], type: { kind: 'date' } },
    { field: 'status', label: '状态 status', headers: ['状态', '治理状态', 'status'], default: 'untreated',
      type: { kind: 'enum', domain: 'waterlogging_status', values: { 未治理: 'untreated', 待治理: 'untreated', 治理中: 'in_progress', 整治中: 'in_progress', 已销号: 'closed', 已治理: 'closed', 已消除: 'closed', untreated: 'untreated', in_progress: 'in_progress', closed: 'closed' } } },
    // Risk grades (高/中/低, 高风险/中风险/低风险) map to the nearest severity; a city whose 高风险 means
    // severe says so in a vocabulary file (README: value vocabularies).
    { field: 'severity', label: '严重程度 severity', headers: ['严重程度', '风险等级', '风险级别', '等级', '风险', '积水等级', 'risk', 'risk_level', 'severity'],
      type: { kind: 'enum', domain: 'severity', values: { 轻度: 'low', 轻微: 'low', 低: 'low', 低风险: 'low', 较低风险: 'low', 一般: 'medium', 中度: 'medium', 中: 'medium', 中风险: 'medium', 中等风险: 'medium',
        较重: 'high', 重度: 'high', 高: 'high', 高风险: 'high', 较高风险: 'high', 严重: 'severe', 极高风险: 'severe', low: 'low', medium: 'medium', high: 'high', severe: 'severe' } } },
  ],
};

const protectionLevel: FieldSpec = { field: 'protection_level', label: '保护级别 protection_level', headers: ['保护级别', '级别', '保护等级', 'protection_level', 'level'], type: TEXT };
const districtName: FieldSpec = { field: 'district_name', label: '所属街区 district', headers: ['所属街区', '所属历史文化街区', '历史文化街区', 'district', 'district_name'], type: TEXT, column: false };

const heritageDistrict: LayerSpec = {
  layer: 'heritage_district', table: 'heritage_district', label: '历史文化街区 heritage district', geometry: 'polygon',
  fields: [name(true, ['街区名称', '历史文化街区名称']), protectionLevel,
    { field: 'designated_year', label: '公布年份 designated_year', headers: ['公布年份', '批准年份', 'designated_year'], type: YEAR }],
};

const heritageZone: LayerSpec = {
  layer: 'heritage_zone', table: 'heritage_zone', label: '保护范围 heritage zone', geometry: 'polygon',
  fields: [name(false, ['范围名称']), districtName,
    { field: 'zone_type', label: '范围类型 zone_type', headers: ['范围类型', '保护范围类型', '类型', 'zone_type'], required: true,
      type: { kind: 'enum', domain: 'heritage_zone', values: { 核心保护范围: 'core', 核心保护区: 'core', 核心区: 'core', 建设控制地带: 'control', 建控地带: 'control', 建设控制区: 'control', core: 'core', control: 'control' } } }],
};

const heritageSite: LayerSpec = {
  layer: 'heritage_site', table: 'heritage_site', label: '历史建筑/文保/工业遗产 heritage site', geometry: 'point_or_polygon',
  fields: [name(true, ['建筑名称', '遗产名称']), protectionLevel, districtName,
    { field: 'kind', label: '类别 kind', headers: ['类别', '遗产类型', '类型', 'kind'], required: true,
      type: { kind: 'enum', domain: 'heritage_kind', values: { 历史建筑: 'historic_building', 文物保护单位: 'cultural_relic', 文保单位: 'cultural_relic', 文物: 'cultural_relic', 工业遗产: 'industrial_heritage', 其他: 'other', historic_building: 'historic_building', cultural_relic: 'cultural_relic', industrial_heritage: 'industrial_heritage', other: 'other' } } },
    { field: 'built_year', label: '建造年代 built_year', headers: ['建造年代', '始建年代', '建成年代', 'built_year'], type: YEAR }],
};

const facility: LayerSpec = {
  layer: 'facility', table: 'facility', label: '设施 facility', geometry: 'point',
  fields: [name(false, ['设施名称']), address,
    { field: 'type_code', label: '设施类型 type', headers: ['设施类型', '类型', 'type', 'type_code'], type: { kind: 'facility_type' }, required: true },
    { field: 'capacity', label: '规模 capacity', headers: ['规模', '容量', '床位数', 'capacity'], type: COUNT(['人', '床', '个', '座']) }],
};

const adminUnit: LayerSpec = {
  layer: 'admin_unit', table: 'admin_unit', label: '行政区划 admin unit', geometry: 'polygon',
  fields: [name(true, ['街道名称', '社区名称', '单元名称']),
    { field: 'level', label: '层级 level', headers: ['层级', '级别', '类型', 'level'], required: true,
      type: { kind: 'enum', domain: 'admin_level', values: { 市: 'city', 区: 'district', 县: 'district', 街道: 'subdistrict', 镇: 'subdistrict', 乡镇: 'subdistrict', 社区: 'community', 村: 'community', city: 'city', district: 'district', subdistrict: 'subdistrict', community: 'community' } } },
    { field: 'code', label: '区划代码 code', headers: ['区划代码', '行政区划代码', '代码', 'code'], type: TEXT },
    { field: 'name_en', label: '英文名 name_en', headers: ['英文名', 'name_en'], type: TEXT },
    { field: 'population', label: '人口 population', headers: ['人口', '常住人口', 'population'], type: COUNT(['人']) },
    { field: 'parent_name', label: '上级 parent', headers: ['上级', '所属街道', '上级单元', '上级名称', 'parent', 'parent_name'], type: TEXT, column: false }],
};

const greenSpace: LayerSpec = {
  layer: 'green_space', table: 'green_space', label: '绿地 green space', geometry: 'polygon',
  fields: [name(false, ['绿地名称', '公园名称']),
    { field: 'kind', label: '绿地类型 kind', headers: ['绿地类型', '类型', 'kind'], default: 'other',
      type: { kind: 'enum', domain: 'green_kind', values: { 公园: 'park', 综合公园: 'park', 社区公园: 'park', 游园: 'garden', 花园: 'garden', 口袋公园: 'garden', 游乐场: 'playground', 广场: 'square', 草地: 'grass', 林地: 'forest', 自然绿地: 'nature', 墓园: 'cemetery', 其他: 'other', park: 'park', garden: 'garden', playground: 'playground', square: 'square', grass: 'grass', forest: 'forest', nature: 'nature', cemetery: 'cemetery', other: 'other' } } },
    { field: 'is_park', label: '是否公园绿地 is_park', headers: ['是否公园绿地', '公园绿地', 'is_park'], default: false, type: { kind: 'bool' } },
    { field: 'is_public', label: '是否开放 is_public', headers: ['是否开放', '开放', 'is_public'], default: true, type: { kind: 'bool' } }],
};

/** 低值低效空间台账 (seed 002): idle or under-used land and buildings, with an activation timetable (migration 130). */
const lowValueSpace: LayerSpec = {
  layer: 'low_value_space', table: 'low_value_space', label: '低效空间 low-value space', geometry: 'point_or_polygon',
  headerPrefixes: ['低效', '闲置', '低值'],
  fields: [name(true, ['空间名称', '地块名称', '地块']),
    { field: 'kind', label: '空间类型 kind', headers: ['空间类型', '类型', '类别', 'kind'], default: 'other',
      type: { kind: 'enum', domain: 'low_value_kind', values: { 闲置用地: 'idle_land', 闲置地: 'idle_land', 空地: 'idle_land', 闲置楼宇: 'vacant_building', 闲置厂房: 'vacant_building', 空置楼宇: 'vacant_building', 低效工业用地: 'inefficient_industrial', 低效工业: 'inefficient_industrial', 低效停车场: 'parking', 停车场: 'parking', 边角地: 'leftover_corner', 其他: 'other', idle_land: 'idle_land', vacant_building: 'vacant_building', inefficient_industrial: 'inefficient_industrial', parking: 'parking', leftover_corner: 'leftover_corner', other: 'other' } } },
    { field: 'area_m2', label: '面积 area_m2', headers: ['面积', '占地面积', '用地面积', 'area', 'area_m2'], type: AREA },
    { field: 'owner', label: '权属 owner', headers: ['权属', '权属单位', '产权单位', 'owner'], type: TEXT },
    { field: 'status', label: '盘活状态 status', headers: ['盘活状态', '状态', 'status'], default: 'idle',
      type: { kind: 'enum', domain: 'low_value_status', values: { 闲置: 'idle', 未盘活: 'idle', 已计划盘活: 'planned', 计划盘活: 'planned', 盘活中: 'planned', 已盘活: 'activated', idle: 'idle', planned: 'planned', activated: 'activated' } } },
    { field: 'activation_year', label: '计划盘活年份 activation_year', headers: ['计划盘活年份', '盘活年份', '盘活时间', 'activation_year'], type: YEAR }],
};

/** All ledger layers by name. */
export const LEDGER_LAYERS: Readonly<Record<string, LayerSpec>> = Object.freeze({
  estate, waterlogging_point: waterlogging, heritage_district: heritageDistrict, heritage_zone: heritageZone,
  heritage_site: heritageSite, facility, admin_unit: adminUnit, green_space: greenSpace, low_value_space: lowValueSpace,
});

/** Unknown layer name. */
export class UnknownLayerError extends Error {
  readonly code = 'UNKNOWN_LAYER';
  constructor(readonly layer: string) {
    super(`Unknown ledger layer "${layer}": expected one of ${Object.keys(LEDGER_LAYERS).join(', ')}`);
  }
}

export function layerSpec(layer: string): LayerSpec {
  const spec = Object.hasOwn(LEDGER_LAYERS, layer) ? LEDGER_LAYERS[layer] : undefined;
  if (!spec) throw new UnknownLayerError(layer);
  return spec;
}
