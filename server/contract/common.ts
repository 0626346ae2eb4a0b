/**
 * Shared pieces of the HTTP contract (TypeBox): the city scope, effective parameters with their
 * origin, and the error body. Routes validate and serialise with these schemas; the client derives
 * its types from them with `import type` + `Static<typeof …>` (never a runtime import).
 * Wire convention: camelCase field names everywhere.
 */
import type { Geometry } from 'geojson';
import { Type, type Static, type TSchema } from 'typebox';

/** An app.dataset id of a city (a dataset with no parent city), e.g. `nanjing-core`, `liechtenstein`. */
export const DatasetIdSchema = Type.String({
  pattern: '^[a-z0-9][a-z0-9_.-]*$',
  maxLength: 100,
  description: 'City (app.dataset id). Default: the only city loaded; with several cities it is required (400 names them).',
});

/** Where an effective parameter value came from. */
export const ParamOriginSchema = Type.Union([Type.Literal('default'), Type.Literal('city'), Type.Literal('request')], {
  description: 'default: the documented default (or the installation-wide app.setting); city: the city\'s setting (app.dataset_setting); request: sent by the client',
});
export type ParamOrigin = Static<typeof ParamOriginSchema>;

/** One effective parameter: its value, its origin and the setting key that can change it. */
export const EffectiveParamSchema = Type.Object({
  value: Type.Union([Type.Number(), Type.Boolean(), Type.String(), Type.Array(Type.String()), Type.Null()]),
  origin: ParamOriginSchema,
  setting: Type.Optional(Type.String({ description: 'settings key (app.setting / app.dataset_setting) behind the default' })),
  unit: Type.Optional(Type.String()),
});
export type EffectiveParam = Static<typeof EffectiveParamSchema>;
export const EffectiveParamsSchema = Type.Record(Type.String(), EffectiveParamSchema, {
  description: 'Every parameter that produced the result, by wire name, with its origin',
});
export type EffectiveParams = Static<typeof EffectiveParamsSchema>;

/** The city an analysis ran on, and the metric CRS its distances and areas were measured in. */
export const CityScopeSchema = Type.Object({
  dataset: Type.String(),
  name: Type.String(),
  /** The city's datasets read by the analysis (the city itself, its ledgers and sample data). */
  datasets: Type.Array(Type.String()),
  /** e.g. "EPSG:32650" (UTM zone of the city). */
  metricCrs: Type.String(),
  /** The check year (一年一体检) of the city's data; null when it carries none. */
  checkYear: Type.Union([Type.Integer(), Type.Null()]),
});
export type CityScope = Static<typeof CityScopeSchema>;

export const ErrorSchema = Type.Object({ error: Type.String(), message: Type.String(), statusCode: Type.Integer() });

/** [west, south, east, north], lon/lat WGS-84. */
export const BboxSchema = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]);

/** Nullable helper (`T | null`). */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/**
 * A GeoJSON geometry in a response (EPSG:4326), typed as GeoJSON for the client; serialised as
 * given. Request geometry: geo.ts GeoJsonPolygonInput (validated).
 */
export const GeoJsonSchema = Type.Unsafe<Geometry>(Type.Object({ type: Type.String() }, { additionalProperties: true, description: 'GeoJSON geometry (EPSG:4326)' }));
