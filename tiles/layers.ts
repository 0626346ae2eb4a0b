/**
 * The layer contract: ids and fields the client builds against (see issue 3). Adding a layer means
 * adding a view `tiles.<id>` in a migration and an entry here.
 */
import type { LayerDef } from './layer-def.ts';

/** Attribution of OpenStreetMap-derived layers. */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors';

/** place=* kinds (every base_place kind except named POIs, which appear from z15). */
const PLACE_KINDS = ['city', 'town', 'district', 'borough', 'suburb', 'village', 'quarter', 'neighbourhood', 'hamlet', 'locality', 'isolated_dwelling', 'square'];

const MAJOR_ROADS = ['motorway', 'trunk', 'primary'];

/** Every published layer, product layers first, then the basemap. */
export const LAYERS: readonly LayerDef[] = [
  {
    id: 'estates', title_zh: '居住小区', title_en: 'Residential estates', minzoom: 12, maxzoom: 22, geometry: 'polygon',
    fields: {
      name: 'string', build_year: 'integer', is_old: 'boolean', households: 'integer', residents: 'integer',
      building_count: 'integer', has_elevator: 'boolean', property_management: 'string', renovation_class: 'string',
      renovation_status: 'string',
    },
    codeDomains: { property_management: 'property_management', renovation_status: 'renovation_status' },
    tables: ['estate', 'setting'],
  },
  {
    id: 'buildings', title_zh: '建筑', title_en: 'Buildings', minzoom: 13, maxzoom: 22, geometry: 'polygon',
    fields: { name: 'string', use: 'string', levels: 'integer', height_m: 'number', render_height: 'number', build_year: 'integer' },
    codeDomains: { use: 'building_use' },
    tables: ['building', 'setting'], attribution: OSM_ATTRIBUTION,
  },
  {
    id: 'green_spaces', title_zh: '公园绿地', title_en: 'Parks and green space', minzoom: 10, maxzoom: 22, geometry: 'polygon',
    fields: { name: 'string', kind: 'string', is_park: 'boolean', area_m2: 'number' },
    codeDomains: { kind: 'green_kind' },
    tables: ['green_space'], attribution: OSM_ATTRIBUTION,
  },
  {
    id: 'waterlogging', title_zh: '内涝积水点', title_en: 'Waterlogging points', minzoom: 10, maxzoom: 22, geometry: 'point',
    fields: {
      name: 'string', location_type: 'string', max_depth_cm: 'number', duration_h: 'number', status: 'string',
      severity: 'string', last_occurrence: 'date',
    },
    codeDomains: { status: 'waterlogging_status', severity: 'severity', location_type: 'location_type' },
    tables: ['waterlogging_point'],
  },
  {
    id: 'heritage_districts', title_zh: '历史文化街区', title_en: 'Historic districts', minzoom: 10, maxzoom: 22, geometry: 'polygon',
    fields: { name: 'string', protection_level: 'string', designated_year: 'integer' },
    tables: ['heritage_district'],
  },
  {
    id: 'heritage_zones', title_zh: '保护范围', title_en: 'Heritage protection zones', minzoom: 10, maxzoom: 22, geometry: 'polygon',
    fields: { name: 'string', zone_type: 'string', district_id: 'integer', district: 'string' },
    codeDomains: { zone_type: 'heritage_zone' },
    tables: ['heritage_zone', 'heritage_district'],
  },
  {
    id: 'heritage_sites', title_zh: '历史建筑与文物', title_en: 'Heritage sites', minzoom: 12, maxzoom: 22, geometry: 'mixed',
    fields: { name: 'string', kind: 'string', protection_level: 'string', built_year: 'integer' },
    codeDomains: { kind: 'heritage_kind' },
    tables: ['heritage_site'],
  },
  {
    id: 'facilities', title_zh: '公共服务设施', title_en: 'Facilities', minzoom: 12, maxzoom: 22, geometry: 'point',
    fields: {
      name: 'string', type_code: 'string', type_name_zh: 'string', type_name_en: 'string', category: 'string',
      life_circle_tier: 'string',
    },
    tables: ['facility', 'facility_type'], attribution: OSM_ATTRIBUTION,
  },
  {
    id: 'admin_units', title_zh: '行政区划', title_en: 'Administrative units', minzoom: 8, maxzoom: 22, geometry: 'polygon',
    fields: { name: 'string', level: 'string', parent_id: 'integer', population: 'integer' },
    codeDomains: { level: 'admin_level' },
    tables: ['admin_unit'],
  },
  {
    id: 'walk_network', title_zh: '步行网络', title_en: 'Walking network', minzoom: 14, maxzoom: 22, geometry: 'line',
    fields: { highway: 'string', name: 'string', length_m: 'number' },
    tables: ['walk_edge'], attribution: OSM_ATTRIBUTION,
  },
  // Analysis results (migration 070): every run is in the layer; clients pick one with
  // `?filter=run_id=42;layer=uncovered_walking` (or `run_id=7;type_code=kindergarten`).
  {
    id: 'coverage_shortfall', title_zh: '绿地覆盖盲区', title_en: 'Green-space coverage gaps', minzoom: 10, maxzoom: 22, geometry: 'polygon',
    description: 'Residential land outside every park service radius (uncovered_official), not reached on foot (uncovered_walking), '
      + 'or inside the radius but not on foot (detour), per green-coverage run (analysis.green_coverage_run)',
    fields: { run_id: 'integer', layer: 'string', area_m2: 'number' },
    tables: ['coverage_shortfall'],
  },
  {
    id: 'life_circle_shortfall', title_zh: '生活圈短板', title_en: 'Life-circle shortfalls', minzoom: 12, maxzoom: 22, geometry: 'polygon',
    description: 'Estates missing a facility type in a saved life-circle run: status not_met (farther than the standard by excess_m) '
      + 'or none (nothing within the search cut-off)',
    fields: {
      run_id: 'integer', type_code: 'string', type_name_zh: 'string', type_name_en: 'string', status: 'string',
      distance_m: 'number', excess_m: 'number', name: 'string',
    },
    // Results, plus the estate shapes and type names the view joins; runs only cascade to results.
    tables: ['life_circle_result', 'estate', 'facility_type'],
  },
  {
    id: 'renewal_projects', title_zh: '城市更新项目', title_en: 'Renewal projects', minzoom: 10, maxzoom: 22, geometry: 'polygon',
    description: 'Renewal projects with a site drawn on the map: stage (reserve → approved → implementing → completed → rechecked → closed), '
      + 'plan year, content class (basic,improvement,upgrade), budget (万元) and responsible department',
    fields: { name: 'string', stage: 'string', plan_year: 'integer', content_class: 'string', budget_wan: 'number', department: 'string' },
    tables: ['renewal_project'],
  },
  {
    id: 'roads', title_zh: '道路', title_en: 'Roads', minzoom: 8, maxzoom: 22, geometry: 'line', basemap: true,
    fields: { class: 'string', name: 'string', ref: 'string', bridge: 'boolean', tunnel: 'boolean' },
    tables: ['base_road'], attribution: OSM_ATTRIBUTION,
    zoomRule: {
      field: 'class',
      steps: [
        { belowZoom: 10, values: MAJOR_ROADS },
        { belowZoom: 12, values: [...MAJOR_ROADS, 'secondary', 'rail'] },
        { belowZoom: 13, values: [...MAJOR_ROADS, 'secondary', 'tertiary', 'rail'] },
        { belowZoom: 14, values: [...MAJOR_ROADS, 'secondary', 'tertiary', 'minor', 'rail', 'subway'] },
      ],
    },
  },
  {
    id: 'water', title_zh: '水系', title_en: 'Water', minzoom: 8, maxzoom: 22, geometry: 'mixed', basemap: true,
    fields: { kind: 'string', name: 'string' }, tables: ['base_water'], attribution: OSM_ATTRIBUTION,
  },
  {
    id: 'landuse', title_zh: '用地', title_en: 'Land use', minzoom: 10, maxzoom: 22, geometry: 'polygon', basemap: true,
    fields: { kind: 'string', name: 'string' }, tables: ['base_landuse'], attribution: OSM_ATTRIBUTION,
  },
  {
    id: 'places', title_zh: '地名', title_en: 'Place names', minzoom: 8, maxzoom: 22, geometry: 'point', basemap: true,
    fields: { kind: 'string', name: 'string', rank: 'integer' }, tables: ['base_place'], attribution: OSM_ATTRIBUTION,
    zoomRule: {
      field: 'kind',
      steps: [
        { belowZoom: 11, values: ['city', 'town', 'district', 'borough'] },
        { belowZoom: 13, values: ['city', 'town', 'district', 'borough', 'suburb', 'quarter'] },
        { belowZoom: 15, values: [...PLACE_KINDS] },
      ],
    },
  },
];
