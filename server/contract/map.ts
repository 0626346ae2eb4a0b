/**
 * The map's reference data: name search, admin units for the zoom-to list, code labels and the
 * facility catalog (GET /api/search, /api/admin-units, /api/labels, /api/facility-types).
 */
import { Type, type Static } from 'typebox';
import { BboxSchema, DatasetIdSchema, Nullable } from './common.ts';
import { CatalogRowSchema } from './life-circle.ts';

export const SearchQuerySchema = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 100, description: 'Part of a name (Chinese or English)' }),
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
  dataset: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 100, description: 'Only this city (its datasets); absent = every city. The map sends its current city.' })),
});

export const SearchHitSchema = Type.Object({
  layer: Type.Union([Type.Literal('estates'), Type.Literal('green_spaces'), Type.Literal('facilities'), Type.Literal('admin_units')], { description: 'tile layer / collection id' }),
  id: Type.Integer(),
  name: Type.String(),
  /** Sub-type code: facility type_code, green_space kind, admin_unit level, 'estate'. */
  kind: Type.String(),
  bbox: BboxSchema,
});
export type SearchHit = Static<typeof SearchHitSchema>;

export const AdminUnitsQuerySchema = Type.Object({
  /** The city; absent: the units of every city (each names its city). */
  dataset: Type.Optional(DatasetIdSchema),
}, { additionalProperties: false });

export const AdminUnitSchema = Type.Object({
  id: Type.Integer(),
  city: Type.String({ description: 'the city (dataset id) the unit belongs to' }),
  parentId: Nullable(Type.Integer()),
  level: Type.Union([Type.Literal('city'), Type.Literal('district'), Type.Literal('subdistrict'), Type.Literal('community')]),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  population: Nullable(Type.Integer()),
  bbox: BboxSchema,
});
export type AdminUnit = Static<typeof AdminUnitSchema>;

const Label = Type.Object({ zh: Type.String(), en: Type.String(), sort: Type.Number() });
export const LabelsSchema = Type.Object({
  /** domain → code → labels, e.g. codes.severity.high = { zh: '较重', en: 'High' }. */
  codes: Type.Record(Type.String(), Type.Record(Type.String(), Label)),
  facilityTypes: Type.Record(Type.String(), Type.Object({ zh: Type.String(), en: Type.String(), category: Type.String(), tier: Nullable(Type.String()), sort: Type.Number() })),
  datasets: Type.Record(Type.String(), Type.Object({ name: Type.String(), attribution: Nullable(Type.String()), licence: Nullable(Type.String()), isSample: Type.Boolean() })),
});
export type Labels = Static<typeof LabelsSchema>;

export const FacilityCatalogSchema = Type.Object({ dataset: Nullable(Type.String()), types: Type.Array(CatalogRowSchema) });
export const FacilityTypeResultSchema = Type.Object({ dataset: Type.String(), type: CatalogRowSchema });
