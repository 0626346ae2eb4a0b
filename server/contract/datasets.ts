/**
 * Cities (datasets) and their settings: GET /api/datasets, PUT /api/datasets/:id,
 * GET /api/datasets/:id/settings, PUT /api/datasets/:id/settings/:key.
 */
import { Type, type Static } from 'typebox';
import { BboxSchema, DatasetIdSchema, EffectiveParamSchema, Nullable } from './common.ts';

export const CitySchema = Type.Object({
  id: Type.String(),
  /** Display name (app.dataset.name), changed with PUT /api/datasets/:id. */
  name: Type.String(),
  attribution: Nullable(Type.String()),
  licence: Nullable(Type.String()),
  isSample: Type.Boolean(),
  /** The datasets of the city: itself first, then its ledgers and sample data. */
  datasets: Type.Array(Type.String()),
  bbox: BboxSchema,
  /** Centre of the extent, [lon, lat]. */
  center: Type.Tuple([Type.Number(), Type.Number()]),
  checkYears: Type.Array(Type.Integer()),
  /** The city's UTM zone, e.g. "EPSG:32650". */
  metricCrs: Type.String(),
});
export type City = Static<typeof CitySchema>;

export const CityListSchema = Type.Object({
  cities: Type.Array(CitySchema),
  /** The city used when a request names none: the only one, else null (then `dataset` is required). */
  defaultCity: Nullable(Type.String()),
});
export type CityList = Static<typeof CityListSchema>;

export const CityParamsSchema = Type.Object({ id: DatasetIdSchema });
export const RenameBodySchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }) }, { additionalProperties: false });

export const SettingParamsSchema = Type.Object({ id: DatasetIdSchema, key: Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 100 }) });
// Any JSON value here, checked against the setting's spec (number range or boolean) by the
// repository: a union schema would let the app's coerceTypes turn null into 0 in the number branch.
export const SettingBodySchema = Type.Object(
  { value: Type.Unsafe<number | boolean | null>({ description: 'a number or true/false as the setting needs; null clears the city\'s value (the default applies again)' }) },
  { additionalProperties: false },
);

export const CitySettingsSchema = Type.Object({
  dataset: Type.String(),
  /** Every settable key with the value in force for the city and its origin. */
  settings: Type.Record(Type.String(), EffectiveParamSchema),
});
export type CitySettings = Static<typeof CitySettingsSchema>;

/** What each analysis of the city uses when a request sets nothing: value and origin per parameter. */
export const CityParametersSchema = Type.Object({
  dataset: Type.String(),
  greenCoverage: Type.Record(Type.String(), EffectiveParamSchema),
  lifeCircle: Type.Record(Type.String(), EffectiveParamSchema),
});
export type CityParameters = Static<typeof CityParametersSchema>;
