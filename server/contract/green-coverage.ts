/**
 * 公园绿地服务半径覆盖率 (park service-radius coverage): request and response schemas of
 * /api/analysis/green-coverage… (server/routes/green-coverage.ts). Areas m², distances metres,
 * shares 0–1, percentages 0–100, geometry GeoJSON EPSG:4326. Rule defaults: parameters.ts.
 */
import { Type, type Static } from 'typebox';
import { CityScopeSchema, DatasetIdSchema, EffectiveParamsSchema, GeoJsonSchema, Nullable } from './common.ts';
import { FiniteNumber, GeoJsonPolygonInput } from './geo.ts';
import { GREEN_COVERAGE_PARAMS as P, describeParam } from './parameters.ts';

export const CoverageModeSchema = Type.Union([Type.Literal('official'), Type.Literal('walking'), Type.Literal('both')]);
export const CoverageTargetSchema = Type.Union([Type.Literal('residential_land'), Type.Literal('estate'), Type.Literal('residential_building')]);
export const ShortfallLayerSchema = Type.Union([Type.Literal('uncovered_official'), Type.Literal('uncovered_walking'), Type.Literal('detour')]);

const num = (spec: (typeof P)[keyof typeof P] & { min?: number; max?: number }) =>
  Type.Optional(FiniteNumber({ minimum: spec.min, maximum: spec.max, description: describeParam(spec) }));

/** Rule parameters: send only what the planner changed; the server fills the rest (city setting, default). */
export const CoverageRulesSchema = Type.Object({
  largeMinM2: num(P.largeMinM2),
  largeRadiusM: num(P.largeRadiusM),
  smallMinM2: num(P.smallMinM2),
  smallRadiusM: num(P.smallRadiusM),
  smallMinInclusive: Type.Optional(Type.Boolean({ description: describeParam(P.smallMinInclusive) })),
  eligibleKinds: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z_]+$' }), { maxItems: 20, description: describeParam(P.eligibleKinds) })),
  historicVariant: Type.Optional(Type.Boolean({ description: describeParam(P.historicVariant) })),
  historicMinM2: num(P.historicMinM2),
  historicRadiusM: num(P.historicRadiusM),
  accessWidthM: num(P.accessWidthM),
  snapM: num(P.snapM),
  distanceCapM: num(P.distanceCapM),
  estateCoveredMinShare: num(P.estateCoveredMinShare),
}, { additionalProperties: false });
export type CoverageRules = Static<typeof CoverageRulesSchema>;

export const CoverageRunBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  mode: Type.Optional(Type.Union([Type.Literal('official'), Type.Literal('walking'), Type.Literal('both')], { description: describeParam(P.mode) })),
  target: Type.Optional(Type.Union([Type.Literal('residential_land'), Type.Literal('estate'), Type.Literal('residential_building')], { description: describeParam(P.target) })),
  rules: Type.Optional(CoverageRulesSchema),
}, { additionalProperties: false });
export type CoverageRunBody = Static<typeof CoverageRunBodySchema>;

const N = Nullable(Type.Number());

export const CoverageSummarySchema = Type.Object({
  targetM2: N, officialM2: N, walkingM2: N, officialPct: N, walkingPct: N, detourM2: N,
  residents: N, officialResidentsPct: N, walkingResidentsPct: N,
  eligibleParks: Type.Integer(), estates: Type.Integer(),
});

export const CoverageUnitSchema = Type.Object({
  unitKind: Type.Union([Type.Literal('city'), Type.Literal('district'), Type.Literal('subdistrict'), Type.Literal('community')]),
  unitId: Type.Integer(),
  name: Nullable(Type.String()),
  targetM2: N, officialM2: N, walkingM2: N, officialPct: N, walkingPct: N,
  residents: N, officialResidentsPct: N, walkingResidentsPct: N,
});
export type CoverageUnit = Static<typeof CoverageUnitSchema>;

export const CoverageEstateSchema = Type.Object({
  estateId: Type.Integer(),
  /** Own name, else derived from the nearest street (nameDerived); null when neither. */
  name: Nullable(Type.String()),
  nameEn: Nullable(Type.String()),
  nameDerived: Type.Boolean(),
  residents: N, areaM2: N, officialShare: N, walkingShare: N,
  coveredOfficial: Nullable(Type.Boolean()), coveredWalking: Nullable(Type.Boolean()),
  straightDistanceM: N, straightParkId: Nullable(Type.Integer()), straightParkName: Nullable(Type.String()),
  walkDistanceM: N, nearestParkId: Nullable(Type.Integer()), nearestParkName: Nullable(Type.String()),
});
export type CoverageEstate = Static<typeof CoverageEstateSchema>;

/** The source of a rule as shown to planners: the standard and its clause, with a confidence mark. */
export const RuleSourceSchema = Type.Object({
  standard: Type.String(),
  clause: Type.String(),
  confidence: Type.String(),
});

export const CoverageRunSchema = Type.Object({
  runId: Type.Integer(),
  /** null only for runs stored before runs had a city. */
  city: Nullable(CityScopeSchema),
  mode: CoverageModeSchema,
  target: CoverageTargetSchema,
  /** Every parameter of the run with its origin (default / city / request). */
  effective: EffectiveParamsSchema,
  /** The rule version stored with the run (camelCase keys). */
  ruleVersion: Type.Record(Type.String(), Type.Unknown()),
  ruleSource: RuleSourceSchema,
  summary: CoverageSummarySchema,
  durationMs: N,
  createdAt: Type.String({ format: 'date-time' }),
  units: Type.Array(CoverageUnitSchema),
  estates: Type.Array(CoverageEstateSchema),
});
export type CoverageRun = Static<typeof CoverageRunSchema>;

export const RunParamsSchema = Type.Object({ runId: Type.Integer({ minimum: 1 }) });
export const ShortfallQuerySchema = Type.Object({
  layer: Type.Union([Type.Literal('uncovered_official'), Type.Literal('uncovered_walking'), Type.Literal('detour')], { default: 'uncovered_official' }),
});

export const WhatIfBodySchema = Type.Object({ parks: GeoJsonPolygonInput() }, { additionalProperties: false });
export const WhatIfResultSchema = Type.Object({
  runId: Type.Integer(),
  parks: Type.Array(Type.Object({ id: Type.Union([Type.Integer(), Type.String()]), areaM2: Type.Number(), radiusM: Type.Number() })),
  city: Type.Object({
    targetM2: Type.Number(), officialM2Before: Type.Number(), officialM2After: Type.Number(),
    officialPctBefore: N, officialPctAfter: N, walkingM2Before: N, walkingM2After: N, walkingPctBefore: N, walkingPctAfter: N,
  }),
  units: Type.Array(Type.Object({
    unitKind: Type.String(), unitId: Type.Integer(), name: Nullable(Type.String()), targetM2: N,
    officialPctBefore: N, officialPctAfter: N, walkingPctBefore: N, walkingPctAfter: N,
  })),
  estates: Type.Array(Type.Object({
    estateId: Type.Integer(), name: Nullable(Type.String()),
    officialShareBefore: N, officialShareAfter: N, walkingShareBefore: N, walkingShareAfter: N,
  })),
  newlyCoveredOfficial: Nullable(GeoJsonSchema),
  newlyCoveredWalking: Nullable(GeoJsonSchema),
});
export type WhatIfResult = Static<typeof WhatIfResultSchema>;

export const ScenarioBodySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: 'scenario name' }),
  parks: GeoJsonPolygonInput(),
}, { additionalProperties: false });
export const ScenarioSchema = Type.Object({
  scenarioId: Type.Integer(), runId: Type.Integer(), name: Type.String(),
  parks: Type.Unknown(), summary: Type.Unknown(), createdAt: Type.String({ format: 'date-time' }),
});
export const ScenarioListSchema = Type.Object({ runId: Type.Integer(), scenarios: Type.Array(ScenarioSchema) });

export const PocketBodySchema = Type.Object({
  k: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'default 5' })),
  minAreaM2: Type.Optional(FiniteNumber({ minimum: 0 })),
  mode: Type.Optional(Type.Union([Type.Literal('official'), Type.Literal('walking')], { description: 'default official' })),
  candidates: Type.Optional(GeoJsonPolygonInput()),
  candidateKinds: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z_]+$' }), { maxItems: 20 })),
}, { additionalProperties: false });
export type PocketBody = Static<typeof PocketBodySchema>;
export const PocketParkPickSchema = Type.Object({
  pick: Type.Integer(), candidateId: Type.String(), name: Nullable(Type.String()), kind: Nullable(Type.String()),
  areaM2: Type.Number(), radiusM: Type.Number(), gainM2: Type.Number(), gainPct: Type.Number(), coveragePctAfter: Type.Number(),
  geom: GeoJsonSchema,
});
export type PocketParkPick = Static<typeof PocketParkPickSchema>;
export const PocketResultSchema = Type.Object({ runId: Type.Integer(), picks: Type.Array(PocketParkPickSchema) });
