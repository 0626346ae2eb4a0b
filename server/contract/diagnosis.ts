/**
 * 诊断 (diagnosis): where the city is sick and why — request and response schemas of
 * /api/analysis/diagnosis… and /api/analysis/waterlogging… (server/routes/diagnosis.ts).
 * Units: distances metres, areas m², densities per km² of built-up area (建成区), shares 0–1,
 * geometry GeoJSON EPSG:4326. Parameter defaults live here, once (DIAGNOSIS_PARAMS); the client
 * sends only what the planner changed. Indicator definitions: sql/functions/analysis/diagnosis_unit_indicators.sql.
 */
import { Type, type Static } from 'typebox';
import { CityScopeSchema, DatasetIdSchema, EffectiveParamsSchema, Nullable } from './common.ts';
import { FiniteNumber } from './geo.ts';
import { describeParam, type ParamSpec } from './parameters.ts';

/** Diagnosis parameters (indicators.md §8, §11, §12); settings keys may be set per city. */
export const DIAGNOSIS_PARAMS = {
  unitKind: { default: 'hexagon', source: 'hexagon grid (ST_HexagonGrid); square, community (社区) or subdistrict (街道) instead' },
  cellSizeM: { default: 100, setting: 'diagnosis_cell_size_m', unit: 'm', min: 50, max: 5000, source: 'hexagon edge (= circumradius) or square side; 100/250/500 m are the usual choices (design default)' },
  minCellShare: { default: 0.1, setting: 'diagnosis_min_cell_share', min: 0, max: 1, source: 'a grid cell is a unit when at least this share of it is built-up (design default)' },
  closingM: { default: 100, setting: 'diagnosis_built_up_closing_m', unit: 'm', min: 0, max: 1000, source: 'derived 建成区: closing of buildings, estates and residential land by this distance (design rule; a ledger polygon wins)' },
  weightsScheme: { default: 'queen', source: 'spatial weights: queen or rook contiguity, knn, or distance band' },
  knnK: { default: 6, setting: 'diagnosis_knn_k', min: 1, max: 50, source: 'k of k-nearest-neighbour weights' },
  bandM: { default: 1000, setting: 'diagnosis_distance_band_m', unit: 'm', min: 1, max: 20000, source: 'distance band ≥ the largest service radius of the indicators (1000 m: the 15-minute tier; indicators.md §11.3)' },
  norm: { default: 'minmax', source: 'min–max within the units (indicators.md §11.1); target-based is comparable across years' },
  weightMethod: { default: 'equal', source: 'equal weights; expert (per indicator) or entropy (熵权法, §11.2)' },
  permutations: { default: 999, setting: 'diagnosis_permutations', min: 0, max: 9999, source: 'conditional permutations for pseudo p-values (499/999 usual; 0 = analytic only)' },
  seed: { default: 20250101, min: 0, max: 4294967295, source: 'seed of the permutation generator: the same seed gives the same p-values' },
  alpha: { default: 0.05, setting: 'diagnosis_fdr_alpha', min: 0.001, max: 0.5, source: 'false discovery rate of the Benjamini–Hochberg correction' },
  waterloggingDistanceM: { default: 500, setting: 'waterlogging_exposure_distance_m', unit: 'm', min: 0, max: 10000, source: 'exposure: points within this distance of the estate or unit (design default)' },
} as const satisfies Record<string, ParamSpec>;

/** What an indicator of the diagnosis is, and whether it enters the disease score by default. */
export interface DiagnosisIndicatorDef {
  code: string;
  direction: 'benefit' | 'cost';
  unit: string;
  /** Target for target-based normalisation (design defaults, UNCONFIRMED as standards). */
  target: number;
  /** In the composite unless the request names its own criteria. */
  inComposite: boolean;
}

/** The per-unit indicators (labels: client/i18n/diagnosis-messages.ts). */
export const DIAGNOSIS_INDICATORS: readonly DiagnosisIndicatorDef[] = [
  { code: 'green_shortfall_share', direction: 'cost', unit: 'share', target: 0.1, inComposite: true },
  { code: 'old_estate_share', direction: 'cost', unit: 'share', target: 0.2, inComposite: true },
  { code: 'waterlogging_density', direction: 'cost', unit: '/km²', target: 0.5, inComposite: true },
  { code: 'missing_facility_types', direction: 'cost', unit: 'types', target: 1, inComposite: true },
  { code: 'estate_age_years', direction: 'cost', unit: 'years', target: 25, inComposite: false },
  { code: 'waterlogging_severity', direction: 'cost', unit: '/km²', target: 1, inComposite: false },
  { code: 'heritage_share', direction: 'cost', unit: 'share', target: 0.5, inComposite: false },
];

/** The indicator codes as literals (the same list as DIAGNOSIS_INDICATORS; a test checks they agree). */
export const IndicatorCodeSchema = Type.Union([
  Type.Literal('green_shortfall_share'), Type.Literal('old_estate_share'), Type.Literal('waterlogging_density'), Type.Literal('missing_facility_types'),
  Type.Literal('estate_age_years'), Type.Literal('waterlogging_severity'), Type.Literal('heritage_share'),
]);
const IndicatorCode = IndicatorCodeSchema;
const num = (spec: ParamSpec) => Type.Optional(FiniteNumber({ minimum: spec.min, maximum: spec.max, description: describeParam(spec) }));
const P = DIAGNOSIS_PARAMS;

export const DiagnosisCriterionSchema = Type.Object({
  code: IndicatorCode,
  weight: Type.Optional(FiniteNumber({ minimum: 0, maximum: 1000, description: 'expert weight (any scale; normalised to sum 1)' })),
  target: Type.Optional(FiniteNumber({ exclusiveMinimum: 0, description: 'target for target-based normalisation, in the indicator\'s unit' })),
}, { additionalProperties: false });
export type DiagnosisCriterion = Static<typeof DiagnosisCriterionSchema>;

/** How the disease score and the hotspot statistics are computed from a run's stored indicators. */
export const DiagnosisMethodSchema = Type.Object({
  criteria: Type.Optional(Type.Array(DiagnosisCriterionSchema, { minItems: 1, maxItems: 10, description: 'indicators in the disease score (default: those marked inComposite)' })),
  norm: Type.Optional(Type.Union([Type.Literal('minmax'), Type.Literal('target')], { description: describeParam(P.norm) })),
  weightMethod: Type.Optional(Type.Union([Type.Literal('equal'), Type.Literal('expert'), Type.Literal('entropy')], { description: describeParam(P.weightMethod) })),
  permutations: num(P.permutations),
  seed: num(P.seed),
  alpha: num(P.alpha),
}, { additionalProperties: false });
export type DiagnosisMethod = Static<typeof DiagnosisMethodSchema>;

export const DiagnosisRunBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  unitKind: Type.Optional(Type.Union([Type.Literal('hexagon'), Type.Literal('square'), Type.Literal('community'), Type.Literal('subdistrict')], { description: describeParam(P.unitKind) })),
  cellSizeM: num(P.cellSizeM),
  minCellShare: num(P.minCellShare),
  closingM: num(P.closingM),
  weightsScheme: Type.Optional(Type.Union([Type.Literal('queen'), Type.Literal('rook'), Type.Literal('knn'), Type.Literal('distance')], { description: describeParam(P.weightsScheme) })),
  knnK: num(P.knnK),
  bandM: num(P.bandM),
  waterloggingDistanceM: num(P.waterloggingDistanceM),
  cycleId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'a computed check cycle (体检周期) of the same city: 社区/街道 units reuse its stored indicator values, and ages count from its year; unknown → 404, another city or not computed → 400' })),
  ...DiagnosisMethodSchema.properties,
}, { additionalProperties: false });
export type DiagnosisRunBody = Static<typeof DiagnosisRunBodySchema>;

const N = Nullable(Type.Number());
export const LisaQuadrantSchema = Type.Union([Type.Literal('HH'), Type.Literal('LL'), Type.Literal('HL'), Type.Literal('LH'), Type.Literal('ns')]);

/** One unit's result: indicators, score and statistics (geometry: units.geojson). */
export const DiagnosisUnitSchema = Type.Object({
  unitNo: Type.Integer({ description: '0-based row of the weights matrix' }),
  gridI: Nullable(Type.Integer()), gridJ: Nullable(Type.Integer()),
  adminUnitId: Nullable(Type.Integer()), name: Nullable(Type.String()),
  areaM2: Type.Number(), builtUpM2: Type.Number(),
  indicators: Type.Record(Type.String(), N),
  score: N, disease: N,
  giZ: N, giP: N, giPSim: N,
  giBin: Nullable(Type.Integer({ minimum: -3, maximum: 3, description: '±3/±2/±1 = hot/cold spot at 99/95/90 % confidence, 0 = not significant' })),
  giFdr: Nullable(Type.Boolean({ description: 'significant after Benjamini–Hochberg at alpha' })),
  lisaI: N, lisaZ: N, lisaP: N, lisaPSim: N,
  lisaQuadrant: Nullable(LisaQuadrantSchema), lisaFdr: Nullable(Type.Boolean()),
  neighbours: Type.Integer(),
});
export type DiagnosisUnit = Static<typeof DiagnosisUnitSchema>;

export const DiagnosisSummarySchema = Type.Object({
  units: Type.Integer(),
  scored: Type.Integer({ description: 'units with a disease score (the statistics run on these)' }),
  islands: Type.Array(Type.Integer(), { description: 'unit numbers with no neighbour: their Gi* is the unit alone and local Moran undefined (null)' }),
  globalMoran: Type.Object({ I: N, expected: N, variance: N, z: N, p: N }),
  hot: Type.Integer(), cold: Type.Integer(), giFdrSignificant: Type.Integer(),
  quadrants: Type.Record(Type.String(), Type.Integer()),
  weights: Type.Array(Type.Object({ code: Type.String(), weight: Type.Number() })),
  builtUpM2: Type.Number(), builtUpSource: Type.String(),
  pairs: Type.Integer(),
});

/** The check cycle a run reused, or null. */
export const DiagnosisCycleSchema = Type.Object({
  cycleId: Type.Integer(), year: Type.Integer(), status: Type.String({ description: 'draft or published' }),
  computedAt: Nullable(Type.String()), publishedAt: Nullable(Type.String()),
});
export type DiagnosisCycle = Static<typeof DiagnosisCycleSchema>;

export const InputOriginSchema = Type.Union([Type.Literal('cycle'), Type.Literal('computed')]);

/** Where one indicator's values came from: the check cycle (with the map applied) or the diagnosis's own computation. */
export const DiagnosisInputSchema = Type.Object({
  code: Type.String(),
  origin: Type.Union([Type.Literal('cycle'), Type.Literal('computed'), Type.Literal('mixed')], { description: 'mixed: the cycle had no value for some units, which were computed' }),
  cycleIndicator: Nullable(Type.String({ description: 'the health-check indicator read (app.indicator_value.indicator)' })),
  transform: Nullable(Type.String()),
  unitsFromCycle: Type.Integer(),
  unitsComputed: Type.Integer(),
});
export type DiagnosisInput = Static<typeof DiagnosisInputSchema>;

export const DiagnosisRunSchema = Type.Object({
  runId: Type.Integer(),
  city: CityScopeSchema,
  cycle: Nullable(DiagnosisCycleSchema),
  inputs: Type.Array(DiagnosisInputSchema, { description: 'provenance of every indicator of the run' }),
  unitKind: Type.String(),
  cellSizeM: N,
  effective: EffectiveParamsSchema,
  criteria: Type.Array(Type.Object({ code: Type.String(), direction: Type.String(), target: N, weight: N })),
  coverageRunId: N,
  summary: DiagnosisSummarySchema,
  durationMs: N,
  createdAt: Type.String(),
  units: Type.Array(DiagnosisUnitSchema),
});
export type DiagnosisRun = Static<typeof DiagnosisRunSchema>;

export const DiagnosisRunParamsSchema = Type.Object({ runId: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
export const DiagnosisUnitParamsSchema = Type.Object({
  runId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  unitNo: Type.Integer({ minimum: 0, maximum: 2147483647 }),
});

/** "Why is this cell hot?": its indicators with their normalised values and obstacle degrees, and the neighbours used. */
export const DiagnosisExplainSchema = Type.Object({
  runId: Type.Integer(),
  unit: DiagnosisUnitSchema,
  factors: Type.Array(Type.Object({
    code: Type.String(), value: N, normalised: N, weight: N,
    obstacle: Nullable(Type.Number({ description: '障碍度: this indicator\'s share of the unit\'s distance from perfect health' })),
    cityMean: N,
    origin: InputOriginSchema,
  })),
  neighbours: Type.Array(Type.Object({ unitNo: Type.Integer(), disease: N, giBin: Nullable(Type.Integer()) })),
  neighbourMeanDisease: N,
  cityMeanDisease: N,
});
export type DiagnosisExplain = Static<typeof DiagnosisExplainSchema>;

/** Recompute with other criteria or weights (nothing stored): the units' new scores and classes. */
export const DiagnosisRecomputeSchema = Type.Object({
  runId: Type.Integer(),
  effective: EffectiveParamsSchema,
  criteria: DiagnosisRunSchema.properties.criteria,
  summary: DiagnosisSummarySchema,
  units: Type.Array(Type.Pick(DiagnosisUnitSchema, ['unitNo', 'score', 'disease', 'giZ', 'giP', 'giPSim', 'giBin', 'giFdr', 'lisaI', 'lisaZ', 'lisaP', 'lisaPSim', 'lisaQuadrant', 'lisaFdr'])),
});
export type DiagnosisRecompute = Static<typeof DiagnosisRecomputeSchema>;

/** Waterlogging per unit of a run: GET /api/analysis/diagnosis/{runId}/waterlogging. */
export const DiagnosisWaterloggingSchema = Type.Object({
  runId: Type.Integer(),
  unitKind: Type.String(),
  city: CityScopeSchema,
  effective: EffectiveParamsSchema,
  units: Type.Array(Type.Object({
    unitNo: Type.Integer(), gridI: Nullable(Type.Integer()), gridJ: Nullable(Type.Integer()),
    adminUnitId: Nullable(Type.Integer()), name: Nullable(Type.String()), builtUpM2: Type.Number(),
    pointsWithin: Type.Integer({ description: 'points of any status within waterloggingDistanceM of the unit (geodesic; 0 m = inside)' }),
    untreatedWithin: Type.Integer({ description: 'of which untreated or in progress' }),
    severityWeighted: Type.Number({ description: 'untreated points within, weighted low 1, medium 2, high 3, severe 4, unknown 1' }),
    densityPerKm2: Nullable(Type.Number({ description: 'untreatedWithin per km² of the unit\'s built-up area' })),
    byStatus: Type.Record(Type.String(), Type.Integer()),
  })),
});
export type DiagnosisWaterlogging = Static<typeof DiagnosisWaterloggingSchema>;

export const WaterloggingQuerySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  distanceM: Type.Optional(FiniteNumber({ minimum: P.waterloggingDistanceM.min, maximum: P.waterloggingDistanceM.max, description: describeParam(P.waterloggingDistanceM) })),
}, { additionalProperties: false });

export const WaterloggingEstateSchema = Type.Object({
  estateId: Type.Integer(), name: Nullable(Type.String()),
  pointsWithin: Type.Integer(), untreatedWithin: Type.Integer(), severityWeighted: Type.Number(),
  nearestUntreatedId: Nullable(Type.Integer()), nearestUntreatedName: Nullable(Type.String()), nearestUntreatedM: N,
});

export const WaterloggingReportSchema = Type.Object({
  city: CityScopeSchema,
  effective: EffectiveParamsSchema,
  summary: Type.Object({
    total: Type.Integer(), untreated: Type.Integer(), untreatedInBuiltUp: Type.Integer(),
    builtUpKm2: N, builtUpSource: Nullable(Type.String()), densityPerKm2: N,
    byStatus: Type.Record(Type.String(), Type.Integer()), byDepth: Type.Record(Type.String(), Type.Integer()),
    byRecurrence: Type.Record(Type.String(), Type.Integer()), byLocationType: Type.Record(Type.String(), Type.Integer()),
    treated: Type.Array(Type.Object({
      sourceId: Type.String(), name: Type.String(), closedAt: Type.String({ description: 'first closing after the point was recorded untreated or in progress' }),
      checkYear: Type.Integer(),
    }), { description: 'points now closed (已销号) that the history shows untreated or in progress before' }),
  }),
  estates: Type.Array(WaterloggingEstateSchema),
});
export type WaterloggingReport = Static<typeof WaterloggingReportSchema>;

/** PATCH /api/waterlogging-points/:pointId — the one way to change a point's status (who: the signed-in user). */
export const WaterloggingPointPatchSchema = Type.Object({
  status: Type.Union([Type.Literal('untreated'), Type.Literal('in_progress'), Type.Literal('closed')], {
    description: '未治理 untreated → 治理中 in_progress → 已销号 closed, or back to untreated; another move → 409' }),
  note: Type.Optional(Type.String({ maxLength: 500, description: 'why (kept in the status history)' })),
  remediationProjectId: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 9007199254740991, description: 'the renewal project that treats the point (same city); null unlinks' }))),
}, { additionalProperties: false });
export type WaterloggingPointPatch = Static<typeof WaterloggingPointPatchSchema>;
export const WaterloggingPointParamsSchema = Type.Object({ pointId: Type.Integer({ minimum: 1, maximum: 9007199254740991 }) });

export const WaterloggingHistorySchema = Type.Object({
  pointId: Type.Integer(), sourceId: Type.String(), status: Type.String(),
  changes: Type.Array(Type.Object({
    fromStatus: Nullable(Type.String()), toStatus: Type.String(), changedAt: Type.String(), actor: Type.String(),
    checkYear: Type.Integer(), importRunId: Nullable(Type.Integer()), note: Nullable(Type.String()),
  })),
});
export type WaterloggingHistory = Static<typeof WaterloggingHistorySchema>;

/** A point after a status change: its ledger fields and its whole status history. */
export const WaterloggingPointSchema = Type.Object({
  ...WaterloggingHistorySchema.properties,
  name: Type.String(),
  remediationProjectId: Nullable(Type.Integer()),
  updatedAt: Type.String(),
});
export type WaterloggingPoint = Static<typeof WaterloggingPointSchema>;
