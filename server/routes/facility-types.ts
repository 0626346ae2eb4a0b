/**
 * Facility catalog routes (issue 6): the documented defaults with each city's overrides
 * (app.facility_type_city, migration 061). Life-circle runs given `dataset` use that city's catalog
 * and store it with the run.
 *
 *   GET /api/facility-types?dataset=…        effective catalog, with a flag per overridable field
 *   PUT /api/facility-types/:code?dataset=…  set (or, with null, clear) a city's override; audited
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { publicSource } from '../analysis/rule-sources.ts';
import { ErrorSchema } from '../contract/common.ts';
import { FacilityCatalogSchema, FacilityTypeResultSchema } from '../contract/map.ts';
import { facilityTypeRepository, type EffectiveFacilityType } from '../repositories/facility-type-repository.ts';

/** A catalog row as served: its source cited by standard and clause. */
const served = (t: EffectiveFacilityType) => ({ ...t, source: publicSource(t.source) });

const DatasetSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 100, description: 'app.dataset id (city)' });
const TIERS = ['5min', '10min', '15min', 'block'] as const;

// `type: [T, 'null']` rather than anyOf: with the app's coerceTypes, anyOf lets ajv coerce a
// rejected 0 (or '') to null in the null branch, which would silently clear the override.
const OverrideSchema = Type.Object(
  {
    standardDistanceM: Type.Optional(Type.Unsafe<number | null>({ type: ['number', 'null'], exclusiveMinimum: 0, maximum: 10000, description: 'Walking-distance standard in metres (0 < m ≤ 10000); null = default' })),
    lifeCircleTier: Type.Optional(Type.Unsafe<(typeof TIERS)[number] | null>({ type: ['string', 'null'], enum: [...TIERS, null], description: '5min, 10min, 15min or block; null = default' })),
    completeCommunity: Type.Optional(Type.Unsafe<boolean | null>({ type: ['boolean', 'null'], description: 'Required by the complete-community checklist; null = default' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export default async function facilityTypeRoutes(app: FastifyInstance) {
  const repo = facilityTypeRepository(app.db);

  app.get<{ Querystring: { dataset?: string } }>(
    '/api/facility-types',
    { schema: { tags: ['catalog'], summary: 'Facility catalog in force for a city (defaults without dataset), with override flags', querystring: Type.Object({ dataset: Type.Optional(DatasetSchema) }), response: { 200: FacilityCatalogSchema, 400: ErrorSchema } } },
    async (req) => ({ dataset: req.query.dataset ?? null, types: (await repo.effective(req.query.dataset ?? null)).map(served) }),
  );

  app.put<{ Params: { code: string }; Querystring: { dataset: string }; Body: Static<typeof OverrideSchema> }>(
    '/api/facility-types/:code',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Override a facility type for one city (audited)',
        params: Type.Object({ code: Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 100 }) }),
        querystring: Type.Object({ dataset: DatasetSchema }),
        body: OverrideSchema,
        response: { 200: FacilityTypeResultSchema, 400: ErrorSchema },
      },
    },
    async (req) => ({ dataset: req.query.dataset, type: served(await repo.setOverride(req.query.dataset, req.params.code, req.body)) }),
  );
}
