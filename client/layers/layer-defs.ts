/**
 * The check layers of the one-map view, grouped as planners think (居住, 绿地, 安全韧性, 历史文化,
 * 公共服务, 城市更新, 行政区划, 路网). Each entry names its tile layer (source), how it is drawn (MapLibre
 * style layers or a deck.gl layer), a default visibility and opacity, and the fields it can be styled by.
 * Pure data: no map or React here.
 */
import type { MessageKey } from '../i18n/dictionaries.ts';

export type GroupId = 'residential' | 'green' | 'resilience' | 'heritage' | 'services' | 'renewal' | 'admin' | 'network';
export const GROUPS: GroupId[] = ['residential', 'green', 'resilience', 'heritage', 'services', 'renewal', 'admin', 'network'];

/** How a style option colours features. */
export type StyleOption =
  | { id: string; kind: 'single'; color: string }
  | {
      id: string;
      kind: 'categorical';
      field: string;
      /** app.code_label domain for legend labels, or a client dictionary prefix like 'category.'. */
      labels: { domain: string } | { prefix: string } | { facilityTypes: true };
      categories: { value: string | boolean; color: string }[];
      otherColor: string;
    }
  | {
      id: string;
      kind: 'classed';
      field: string;
      /** Class breaks: colors[i] applies to values in [breaks[i-1], breaks[i]). */
      breaks: number[];
      colors: string[];
      unit: MessageKey;
      missingColor: string;
    };

export interface LayerDef {
  id: string;
  source: string;
  group: GroupId;
  renderer: 'maplibre' | 'deck';
  geometry: 'polygon' | 'line' | 'point' | 'mixed';
  /** MapLibre filter on the source layer (e.g. old estates, parks). */
  filter?: unknown[];
  defaultOn: boolean;
  defaultOpacity: number;
  styles: StyleOption[];
}

const RENOVATION = {
  id: 'renovation_status',
  kind: 'categorical',
  field: 'renovation_status',
  labels: { domain: 'renovation_status' },
  categories: [
    { value: 'not_listed', color: '#bdbdbd' },
    { value: 'surveyed', color: '#9ecae1' },
    { value: 'reserve', color: '#6baed6' },
    { value: 'planned', color: '#fdae6b' },
    { value: 'under_works', color: '#f16913' },
    { value: 'completed', color: '#31a354' },
  ],
  otherColor: '#e0c9a6',
} as const satisfies StyleOption;

const BUILD_YEAR = {
  id: 'build_year',
  kind: 'classed',
  field: 'build_year',
  breaks: [1980, 1990, 2000, 2010],
  colors: ['#7a0177', '#c51b8a', '#f768a1', '#fbb4b9', '#feebe2'],
  unit: 'unit.year',
  missingColor: '#e0c9a6',
} as const satisfies StyleOption;

export const LAYER_DEFS: LayerDef[] = [
  {
    id: 'estates', source: 'estates', group: 'residential', renderer: 'maplibre', geometry: 'polygon', defaultOn: true, defaultOpacity: 0.55,
    styles: [
      { id: 'single', kind: 'single', color: '#e0a458' },
      BUILD_YEAR,
      RENOVATION,
      { id: 'households', kind: 'classed', field: 'households', breaks: [200, 500, 1000, 2000], colors: ['#fee5d9', '#fcae91', '#fb6a4a', '#de2d26', '#a50f15'], unit: 'unit.households', missingColor: '#e0c9a6' },
    ],
  },
  {
    id: 'old_estates', source: 'estates', group: 'residential', renderer: 'maplibre', geometry: 'polygon', filter: ['==', ['get', 'is_old'], true], defaultOn: false, defaultOpacity: 0.7,
    styles: [RENOVATION, BUILD_YEAR, { id: 'single', kind: 'single', color: '#b2182b' }],
  },
  {
    id: 'buildings', source: 'buildings', group: 'residential', renderer: 'maplibre', geometry: 'polygon', defaultOn: true, defaultOpacity: 0.85,
    styles: [
      { id: 'single', kind: 'single', color: '#9e9ac8' },
      { id: 'render_height', kind: 'classed', field: 'render_height', breaks: [10, 24, 50, 100], colors: ['#dadaeb', '#bcbddc', '#9e9ac8', '#756bb1', '#54278f'], unit: 'unit.m', missingColor: '#cccccc' },
      {
        id: 'use', kind: 'categorical', field: 'use', labels: { domain: 'building_use' }, otherColor: '#c8c8c8',
        categories: [
          { value: 'residential', color: '#f4a582' }, { value: 'commercial', color: '#d6604d' }, { value: 'office', color: '#4393c3' },
          { value: 'public', color: '#92c5de' }, { value: 'education', color: '#5aae61' }, { value: 'health', color: '#e7298a' },
          { value: 'religious', color: '#8073ac' }, { value: 'industrial', color: '#8c510a' }, { value: 'historic', color: '#b35806' },
        ],
      },
      BUILD_YEAR,
    ],
  },
  {
    id: 'parks', source: 'green_spaces', group: 'green', renderer: 'maplibre', geometry: 'polygon', filter: ['==', ['get', 'is_park'], true], defaultOn: false, defaultOpacity: 0.8,
    styles: [{ id: 'single', kind: 'single', color: '#1a9850' }],
  },
  {
    id: 'green_spaces', source: 'green_spaces', group: 'green', renderer: 'maplibre', geometry: 'polygon', defaultOn: true, defaultOpacity: 0.8,
    styles: [
      { id: 'single', kind: 'single', color: '#2ca25f' },
      {
        id: 'kind', kind: 'categorical', field: 'kind', labels: { domain: 'green_kind' }, otherColor: '#a1d99b',
        categories: [
          { value: 'park', color: '#006d2c' }, { value: 'garden', color: '#31a354' }, { value: 'playground', color: '#addd8e' },
          { value: 'square', color: '#d9f0a3' }, { value: 'grass', color: '#78c679' }, { value: 'forest', color: '#005a32' },
        ],
      },
      { id: 'area_m2', kind: 'classed', field: 'area_m2', breaks: [1000, 5000, 20000, 100000], colors: ['#edf8e9', '#bae4b3', '#74c476', '#31a354', '#006d2c'], unit: 'unit.m2', missingColor: '#cccccc' },
    ],
  },
  {
    id: 'waterlogging', source: 'waterlogging', group: 'resilience', renderer: 'deck', geometry: 'point', defaultOn: true, defaultOpacity: 1,
    styles: [
      {
        id: 'severity', kind: 'categorical', field: 'severity', labels: { domain: 'severity' }, otherColor: '#969696',
        categories: [{ value: 'low', color: '#6baed6' }, { value: 'medium', color: '#2171b5' }, { value: 'high', color: '#d94801' }, { value: 'severe', color: '#a50f15' }],
      },
      {
        id: 'status', kind: 'categorical', field: 'status', labels: { domain: 'waterlogging_status' }, otherColor: '#969696',
        categories: [{ value: 'untreated', color: '#d7301f' }, { value: 'in_progress', color: '#fdae61' }, { value: 'closed', color: '#1a9641' }],
      },
      { id: 'max_depth_cm', kind: 'classed', field: 'max_depth_cm', breaks: [15, 27, 40, 60], colors: ['#c6dbef', '#6baed6', '#2171b5', '#08519c', '#08306b'], unit: 'unit.cm', missingColor: '#969696' },
    ],
  },
  {
    id: 'heritage_districts', source: 'heritage_districts', group: 'heritage', renderer: 'maplibre', geometry: 'polygon', defaultOn: true, defaultOpacity: 0.15,
    styles: [{ id: 'single', kind: 'single', color: '#8c2d04' }],
  },
  {
    id: 'heritage_zones', source: 'heritage_zones', group: 'heritage', renderer: 'maplibre', geometry: 'polygon', defaultOn: false, defaultOpacity: 0.45,
    styles: [{ id: 'zone_type', kind: 'categorical', field: 'zone_type', labels: { domain: 'heritage_zone' }, otherColor: '#fdd0a2', categories: [{ value: 'core', color: '#cc4c02' }, { value: 'control', color: '#fe9929' }] }],
  },
  {
    id: 'heritage_sites', source: 'heritage_sites', group: 'heritage', renderer: 'maplibre', geometry: 'mixed', filter: ['!=', ['get', 'kind'], 'industrial_heritage'], defaultOn: true, defaultOpacity: 0.9,
    styles: [{
      id: 'kind', kind: 'categorical', field: 'kind', labels: { domain: 'heritage_kind' }, otherColor: '#993404',
      categories: [{ value: 'historic_building', color: '#b15928' }, { value: 'cultural_relic', color: '#6a3d9a' }],
    }],
  },
  {
    id: 'industrial_heritage', source: 'heritage_sites', group: 'heritage', renderer: 'maplibre', geometry: 'mixed', filter: ['==', ['get', 'kind'], 'industrial_heritage'], defaultOn: false, defaultOpacity: 0.9,
    styles: [{ id: 'single', kind: 'single', color: '#525252' }],
  },
  {
    id: 'facilities', source: 'facilities', group: 'services', renderer: 'deck', geometry: 'point', defaultOn: true, defaultOpacity: 1,
    styles: [
      {
        id: 'category', kind: 'categorical', field: 'category', labels: { prefix: 'category.' }, otherColor: '#737373',
        categories: [
          { value: 'education', color: '#1f78b4' }, { value: 'health', color: '#e31a1c' }, { value: 'elderly', color: '#ff7f00' },
          { value: 'commerce', color: '#6a3d9a' }, { value: 'community', color: '#b15928' }, { value: 'sports', color: '#33a02c' },
          { value: 'sanitation', color: '#a6cee3' }, { value: 'transport', color: '#0a7e8c' }, { value: 'culture', color: '#fb9a99' },
          { value: 'safety', color: '#cab2d6' }, { value: 'energy', color: '#ffd92f' },
        ],
      },
      {
        id: 'life_circle_tier', kind: 'categorical', field: 'life_circle_tier', labels: { prefix: 'tier.' }, otherColor: '#737373',
        categories: [{ value: '5min', color: '#d7191c' }, { value: '10min', color: '#fdae61' }, { value: '15min', color: '#2c7bb6' }, { value: 'block', color: '#abd9e9' }],
      },
    ],
  },
  {
    // 城市更新项目: project sites drawn in the 更新 tab (tile layer renewal_projects, migration 180), by stage 储备 → 销号.
    id: 'renewal_projects', source: 'renewal_projects', group: 'renewal', renderer: 'maplibre', geometry: 'polygon', defaultOn: true, defaultOpacity: 0.5,
    styles: [
      {
        id: 'stage', kind: 'categorical', field: 'stage', labels: { prefix: 'rn.stage.' }, otherColor: '#969696',
        categories: [
          { value: 'reserve', color: '#9ecae1' }, { value: 'approved', color: '#3182bd' }, { value: 'implementing', color: '#fd8d3c' },
          { value: 'completed', color: '#31a354' }, { value: 'rechecked', color: '#756bb1' }, { value: 'closed', color: '#636363' },
        ],
      },
      { id: 'plan_year', kind: 'classed', field: 'plan_year', breaks: [2025, 2027, 2029], colors: ['#fee391', '#fe9929', '#cc4c02', '#662506'], unit: 'unit.year', missingColor: '#bdbdbd' },
    ],
  },
  {
    id: 'admin_units', source: 'admin_units', group: 'admin', renderer: 'maplibre', geometry: 'line', defaultOn: true, defaultOpacity: 0.9,
    styles: [{
      id: 'level', kind: 'categorical', field: 'level', labels: { domain: 'admin_level' }, otherColor: '#666666',
      categories: [{ value: 'city', color: '#252525' }, { value: 'district', color: '#6a51a3' }, { value: 'subdistrict', color: '#807dba' }, { value: 'community', color: '#bcbddc' }],
    }],
  },
  {
    id: 'walk_network', source: 'walk_network', group: 'network', renderer: 'maplibre', geometry: 'line', defaultOn: false, defaultOpacity: 0.9,
    styles: [
      { id: 'single', kind: 'single', color: '#e7298a' },
      {
        id: 'highway', kind: 'categorical', field: 'highway', labels: { prefix: 'highway.' }, otherColor: '#bdbdbd',
        categories: [{ value: 'footway', color: '#e7298a' }, { value: 'pedestrian', color: '#ce1256' }, { value: 'path', color: '#df65b0' }, { value: 'steps', color: '#67001f' }, { value: 'residential', color: '#969696' }],
      },
    ],
  },
];

export const layerDef = (id: string): LayerDef | undefined => LAYER_DEFS.find((d) => d.id === id);

/** Per-layer user settings, kept in React state and (visibility only) in the URL. */
export interface LayerSettings {
  visible: boolean;
  opacity: number;
  styleId: string;
}

export function defaultSettings(visibleIds?: string[]): Record<string, LayerSettings> {
  return Object.fromEntries(
    LAYER_DEFS.map((d) => [d.id, { visible: visibleIds ? visibleIds.includes(d.id) : d.defaultOn, opacity: d.defaultOpacity, styleId: d.styles[0].id }]),
  );
}

export function styleOf(def: LayerDef, settings: LayerSettings): StyleOption {
  return def.styles.find((s) => s.id === settings.styleId) ?? def.styles[0];
}
