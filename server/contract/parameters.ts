/**
 * Rule parameters of the analyses: the one place their defaults live (indicators.md §4, §5).
 * A value is resolved request → city setting (app.dataset_setting) → installation setting
 * (app.setting) → documented default, and reported with its origin (default / city / request).
 * The client never holds a default: it sends only what the planner changed.
 */
import type { EffectiveParam, EffectiveParams } from './common.ts';

export interface ParamSpec {
  /** Documented default. */
  default: number | boolean | string | string[] | null;
  /** Settings key (app.setting / app.dataset_setting) that overrides the default; absent = not a setting. */
  setting?: string;
  unit?: string;
  min?: number;
  max?: number;
  /** For the OpenAPI description: where the default comes from. */
  source: string;
}

/** 生活圈 parameters (GB 50180-2018; indicators.md §5.1). */
export const LIFE_CIRCLE_PARAMS = {
  speed: { default: 80, setting: 'walking_speed_m_per_min', unit: 'm/min', min: 10, max: 300, source: '60–80 m/min or 4.5 km/h in practice; 80 m/min default' },
  maxDistance: { default: 2000, setting: 'life_circle_max_distance_m', unit: 'm', min: 100, max: 10000, source: 'search cut-off; beyond it "none within X m"' },
  isolatedComponentShare: { default: 0.05, setting: 'life_circle_isolated_component_share', min: 0, max: 1, source: 'an estate on a walking-network piece below this share of the city graph\'s vertices is flagged isolated_network, not counted as "none within X m" (design choice)' },
} as const satisfies Record<string, ParamSpec>;

/** 公园绿地服务半径覆盖率 rules (住房和城乡建设部 城市体检指标 2021; indicators.md §4). */
export const GREEN_COVERAGE_PARAMS = {
  mode: { default: 'both', source: 'official buffer and walking network' },
  target: { default: 'residential_land', source: 'residential land (居住用地) as in the indicator definition' },
  largeMinM2: { default: 5000, setting: 'green_coverage_large_min_m2', unit: 'm²', min: 1, max: 10_000_000, source: 'parks ≥ 5000 m² serve 500 m (CONFIRMED [S1])' },
  largeRadiusM: { default: 500, setting: 'green_coverage_large_radius_m', unit: 'm', min: 1, max: 5000, source: '500 m (CONFIRMED [S1])' },
  smallMinM2: { default: 2000, setting: 'green_coverage_small_min_m2', unit: 'm²', min: 1, max: 10_000_000, source: 'parks 2000–5000 m² serve 300 m (CONFIRMED [S1])' },
  smallRadiusM: { default: 300, setting: 'green_coverage_small_radius_m', unit: 'm', min: 1, max: 5000, source: '300 m (CONFIRMED [S1])' },
  smallMinInclusive: { default: true, source: 'a park of exactly 2000 m² counts (design choice)' },
  eligibleKinds: { default: null, source: 'null = green spaces marked as parks (is_park)' },
  historicVariant: { default: false, setting: 'green_coverage_historic_variant', source: 'historic-district variant (UNCONFIRMED)' },
  historicMinM2: { default: 1000, setting: 'green_coverage_historic_min_m2', unit: 'm²', min: 1, max: 10_000_000, source: 'UNCONFIRMED' },
  historicRadiusM: { default: 300, setting: 'green_coverage_historic_radius_m', unit: 'm', min: 1, max: 5000, source: 'UNCONFIRMED' },
  accessWidthM: { default: 50, setting: 'green_coverage_access_width_m', unit: 'm', min: 1, max: 500, source: 'walking mode: width of reached street corridors (design choice)' },
  snapM: { default: 50, setting: 'green_coverage_snap_m', unit: 'm', min: 0, max: 500, source: 'entrance to walk-edge snapping (design choice)' },
  distanceCapM: { default: 1000, setting: 'green_coverage_distance_cap_m', unit: 'm', min: 100, max: 20000, source: 'search limit of the walk to the nearest park' },
  estateCoveredMinShare: { default: 0.5, setting: 'green_coverage_estate_covered_min_share', min: 0, max: 1, source: 'an estate counts as covered from this covered share (design choice)' },
} as const satisfies Record<string, ParamSpec>;

/** Every settings key a city may set, with its spec (the whitelist of PUT /api/datasets/:id/settings/:key). */
export const CITY_SETTINGS: ReadonlyMap<string, ParamSpec> = new Map(
  ([...Object.values(LIFE_CIRCLE_PARAMS), ...Object.values(GREEN_COVERAGE_PARAMS)] as ParamSpec[])
    .flatMap((s) => (s.setting ? [[s.setting, s] as const] : [])),
);

/** A bad parameter or setting value; the error handler answers 400 with the message. */
export class ParamValueError extends Error {
  readonly code = 'PARAM_VALUE';
  readonly statusCode = 400;
}

/** Checks one value against its spec; returns a message or null. */
export function checkValue(name: string, spec: ParamSpec, value: unknown): string | null {
  const d = spec.default;
  if (typeof d === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a finite number`;
    if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
      return `${name} must be between ${spec.min} and ${spec.max}${spec.unit ? ` ${spec.unit}` : ''}, got ${value}`;
    }
  } else if (typeof d === 'boolean' && typeof value !== 'boolean') return `${name} must be true or false`;
  return null;
}

type ValueOf<S extends ParamSpec> = S['default'] extends number ? number : S['default'] extends boolean ? boolean : S['default'];

/**
 * Resolves every parameter of `specs`: the request's value, else the city's setting, else the
 * installation's app.setting, else the documented default. Settings that fail their spec are
 * rejected (ParamValueError) rather than silently ignored.
 * @returns the values and the effective-parameter report (origin per parameter)
 */
export function resolveParams<T extends Record<string, ParamSpec>>(
  specs: T,
  request: { [K in keyof T]?: unknown },
  city: Record<string, unknown>,
  installation: Record<string, unknown>,
): { values: { [K in keyof T]: ValueOf<T[K]> }; effective: EffectiveParams } {
  const values: Record<string, unknown> = {};
  const effective: EffectiveParams = {};
  for (const [name, spec] of Object.entries(specs)) {
    const req = request[name];
    let value: unknown;
    let origin: EffectiveParam['origin'];
    if (req !== undefined) {
      value = req;
      origin = 'request';
    } else if (spec.setting && city[spec.setting] !== undefined) {
      value = city[spec.setting];
      origin = 'city';
    } else {
      value = spec.setting && installation[spec.setting] !== undefined ? installation[spec.setting] : spec.default;
      origin = 'default';
    }
    const bad = checkValue(origin === 'request' ? name : `setting ${spec.setting ?? name}`, spec, value);
    if (bad) throw new ParamValueError(bad);
    values[name] = value;
    effective[name] = {
      value: value as EffectiveParam['value'],
      origin,
      ...(spec.setting ? { setting: spec.setting } : {}),
      ...(spec.unit ? { unit: spec.unit } : {}),
    };
  }
  return { values: values as { [K in keyof T]: ValueOf<T[K]> }, effective };
}

/** OpenAPI description of a parameter: unit, default and the setting that changes it. */
export function describeParam(spec: ParamSpec): string {
  return `${spec.unit ? `${spec.unit}; ` : ''}default ${JSON.stringify(spec.default)}${spec.setting ? ` (city setting ${spec.setting})` : ''}: ${spec.source}`;
}
