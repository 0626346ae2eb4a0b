/**
 * The health check (城市体检, issue 11): request and response schemas of /api/check/… (server/routes/check.ts).
 * Percentages 0–100, densities per km², counts, per-capita m²/人; geometry GeoJSON EPSG:4326.
 * Grades: pass 达标 / basic 基本达标 / fail 不达标; warnings yellow / red (server/check/evaluate.ts).
 */
import { Type, type Static } from 'typebox';
import { DatasetIdSchema, EffectiveParamsSchema, GeoJsonSchema, Nullable } from './common.ts';
import { FiniteNumber } from './geo.ts';

export const UnitKindSchema = Type.Union(['city', 'district', 'subdistrict', 'community', 'estate', 'building'].map((k) => Type.Literal(k)), {
  description: 'check unit: city 城市, district 区, subdistrict 街道, community 社区, estate 小区, building 住房 (栋)',
});
export const FrameworkSchema = Type.Union([Type.Literal('2021'), Type.Literal('2022'), Type.Literal('2024')], {
  description: '2021/2022: eight dimensions; 2024: the four levels 住房/小区(社区)/街区/城区 (indicators.md §1–3)',
});
const Code = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 60 });
const Direction = Type.Union([Type.Literal('benefit'), Type.Literal('cost')]);
const Origin = Type.Union([Type.Literal('default'), Type.Literal('city')]);
const Grade = Nullable(Type.Union(['pass', 'basic', 'fail', 'very_good', 'good', 'fair', 'poor'].map((g) => Type.Literal(g)), {
  description: 'three grades: pass 达标 / basic 基本达标 / fail 不达标; four grades: very_good 很好 / good 较好 / fair 一般 / poor 较差',
}));
export const GradeSchemeSchema = Type.Union([Type.Literal('three'), Type.Literal('four')], { description: 'three grades (达标/基本达标/不达标, default) or four (很好/较好/一般/较差)' });
const Warning = Nullable(Type.Union([Type.Literal('yellow'), Type.Literal('red')]));
const N = Nullable(Type.Number());

export const IndicatorSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  version: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  dimension: Nullable(Type.String()),
  checkLevel: Nullable(Type.String()),
  levels: Type.Array(Type.String()),
  unit: Type.String(),
  direction: Direction,
  formulaKind: Type.String(),
  engine: Nullable(Type.String()),
  params: Type.Record(Type.String(), Type.Unknown()),
  target: N,
  yellow: N,
  red: N,
  thresholdOrigin: Type.Object({ target: Origin, yellow: Origin, red: Origin }),
  thresholdSource: Nullable(Type.String()),
  sourceIds: Type.Array(Type.String()),
  confidence: Type.String({ description: 'confirmed / secondary / unconfirmed / local (shown as a badge)' }),
  definition: Nullable(Type.String()),
  local: Type.Boolean({ description: 'a local indicator (地方特色指标) of this city' }),
});
export type Indicator = Static<typeof IndicatorSchema>;
export const CatalogueQuerySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  framework: Type.Optional(FrameworkSchema),
}, { additionalProperties: false });
export const CatalogueSchema = Type.Object({ dataset: Type.String(), framework: Type.String(), indicators: Type.Array(IndicatorSchema) });

export const ThresholdBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  target: Type.Optional(Nullable(FiniteNumber())),
  yellow: Type.Optional(Nullable(FiniteNumber())),
  red: Type.Optional(Nullable(FiniteNumber())),
  note: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false, description: 'a city\'s thresholds for one indicator; null clears the override (audited)' });
export const CodeParamsSchema = Type.Object({ code: Code });

export const LocalIndicatorBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  code: Code,
  nameZh: Type.String({ minLength: 1, maxLength: 100 }),
  nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  dimension: Type.Optional(Type.String({ pattern: '^[a-z_]+$', maxLength: 40 })),
  checkLevel: Type.Optional(Type.Union(['housing', 'estate_community', 'block', 'city'].map((k) => Type.Literal(k)))),
  levels: Type.Array(UnitKindSchema, { minItems: 1, maxItems: 6 }),
  unit: Type.String({ minLength: 1, maxLength: 20 }),
  direction: Direction,
  target: Type.Optional(Nullable(FiniteNumber())),
  yellow: Type.Optional(Nullable(FiniteNumber())),
  red: Type.Optional(Nullable(FiniteNumber())),
  definition: Type.Optional(Type.String({ maxLength: 1000 })),
  source: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false, description: 'a local indicator (地方特色指标), entered manually per unit and year (audited)' });

export const CycleBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  year: Type.Integer({ minimum: 1990, maximum: 2200 }),
  framework: Type.Optional(FrameworkSchema),
  gradeScheme: Type.Optional(GradeSchemeSchema),
  title: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
export const CycleStepSchema = Type.Object({
  engine: Type.String(), indicators: Type.Array(Type.String()), ms: Type.Number(), values: Type.Integer(), error: Type.Optional(Type.String()),
});
export const CycleSchema = Type.Object({
  id: Type.Integer(),
  dataset: Type.String(),
  year: Type.Integer(),
  title: Type.String(),
  framework: Type.String(),
  gradeScheme: GradeSchemeSchema,
  status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
  computedAt: Nullable(Type.String()),
  publishedAt: Nullable(Type.String()),
  durationMs: N,
  steps: Type.Array(CycleStepSchema),
  progress: Nullable(Type.Object({ done: Type.Integer(), total: Type.Integer(), step: Type.String(), startedAt: Type.String() }, {
    description: 'a computation running now: engines done of total and the current step; null when none runs',
  })),
  inputs: Type.Record(Type.String(), Type.Array(Type.Integer()), { description: 'import runs read, by layer' }),
  valueCount: Type.Integer(),
  sampleData: Type.Boolean({ description: 'the city\'s data include 示例数据 (sample ledgers)' }),
  effective: EffectiveParamsSchema,
});
export type Cycle = Static<typeof CycleSchema>;
export const CycleListSchema = Type.Object({ dataset: Type.String(), cycles: Type.Array(CycleSchema) });
export const CycleListQuerySchema = Type.Object({ dataset: Type.Optional(DatasetIdSchema) }, { additionalProperties: false });
export const CycleParamsSchema = Type.Object({ cycleId: Type.Integer({ minimum: 1 }) });

export const ValueSchema = Type.Object({
  indicator: Type.String(),
  indicatorVersion: Type.String(),
  unitKind: Type.String(),
  unitId: Nullable(Type.Integer()),
  unitName: Nullable(Type.String()),
  value: N,
  unit: Nullable(Type.String()),
  numerator: N,
  denominator: N,
  origin: Type.Union([Type.Literal('computed'), Type.Literal('manual')]),
  grade: Grade,
  warning: Warning,
  ruleFired: Nullable(Type.String()),
  previousValue: N,
  yoyChange: N,
  inputs: Type.Array(Type.Integer()),
  ruleVersion: Type.Record(Type.String(), Type.Unknown()),
  computedAt: Type.String(),
});
export type CheckValue = Static<typeof ValueSchema>;
export const ValuesQuerySchema = Type.Object({
  indicator: Type.Optional(Code),
  unitKind: Type.Optional(UnitKindSchema),
  unitId: Type.Optional(Type.Integer({ minimum: 1 })),
  warning: Type.Optional(Type.Union([Type.Literal('yellow'), Type.Literal('red'), Type.Literal('any')])),
}, { additionalProperties: false });
export const ValueListSchema = Type.Object({ cycleId: Type.Integer(), year: Type.Integer(), dataset: Type.String(), values: Type.Array(ValueSchema) });

export const TrendQuerySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  indicator: Code,
  unitKind: Type.Optional(UnitKindSchema),
  unitId: Type.Optional(Type.Integer({ minimum: 1 })),
  years: Type.Optional(Type.Integer({ minimum: 2, maximum: 20, description: 'last N cycles (default 5: 五年一评估)' })),
}, { additionalProperties: false });
export const TrendSchema = Type.Object({
  dataset: Type.String(), indicator: Type.String(), unitKind: Type.String(), unitId: Nullable(Type.Integer()),
  points: Type.Array(Type.Object({ year: Type.Integer(), value: N, grade: Grade, warning: Warning })),
});

export const IndexQuerySchema = Type.Object({
  level: Type.Optional(Type.Union(['city', 'district', 'subdistrict', 'community'].map((k) => Type.Literal(k)), { description: 'units scored (default city)' })),
  norm: Type.Optional(Type.Union([Type.Literal('target'), Type.Literal('minmax')], { description: 'default target (indicators.md §11.1)' })),
  weights: Type.Optional(Type.Union([Type.Literal('equal'), Type.Literal('expert'), Type.Literal('entropy')], { description: 'default equal (§11.2)' })),
  expert: Type.Optional(Type.String({ maxLength: 2000, description: 'expert weights, code:weight,… (weights=expert)' })),
  aggregate: Type.Optional(Type.Union([Type.Literal('sum'), Type.Literal('topsis')], { description: 'sum: weighted sum (default); topsis: closeness to the ideal unit (§11.2)' })),
}, { additionalProperties: false });
export const IndexSchema = Type.Object({
  cycleId: Type.Integer(),
  year: Type.Integer(),
  level: Type.String(),
  method: Type.Object({ norm: Type.String(), weights: Type.String(), aggregate: Type.String(), missing: Type.String(), note: Type.String() }),
  criteria: Type.Array(Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), dimension: Nullable(Type.String()), direction: Direction, target: N, weight: Type.Number() })),
  excluded: Type.Array(Type.Object({ code: Type.String(), reason: Type.String() })),
  units: Type.Array(Type.Object({
    unitKind: Type.String(), unitId: Nullable(Type.Integer()), unitName: Nullable(Type.String()),
    index: N,
    dimensions: Type.Record(Type.String(), N, { description: 'index 0–100 per dimension (2021) or level (2024)' }),
    obstacles: Type.Array(Type.Object({ code: Type.String(), degree: Type.Number(), normalised: N })),
  })),
});
export type HealthIndex = Static<typeof IndexSchema>;

export const ProblemSchema = Type.Object({
  id: Type.Integer(),
  dataset: Type.String(),
  indicator: Type.String(),
  unitKind: Type.String(),
  unitId: Nullable(Type.Integer()),
  unitName: Nullable(Type.String()),
  severity: Type.Union([Type.Literal('yellow'), Type.Literal('red')]),
  status: Type.String({ description: 'open 待整治 / in_treatment 整治中 / closed 已销号 / reopened / dismissed / merged' }),
  value: N,
  threshold: N,
  ruleFired: Nullable(Type.String()),
  firstYear: Type.Integer(),
  lastYear: Type.Integer(),
  closedYear: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  mergedInto: Nullable(Type.Integer()),
  history: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  bbox: Nullable(Type.Array(Type.Number())),
});
export type Problem = Static<typeof ProblemSchema>;
export const ProblemQuerySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  indicator: Type.Optional(Code),
  unitKind: Type.Optional(UnitKindSchema),
  severity: Type.Optional(Type.Union([Type.Literal('yellow'), Type.Literal('red')])),
  status: Type.Optional(Type.String({ pattern: '^(open|in_treatment|closed|reopened|dismissed|merged)$' })),
}, { additionalProperties: false });
export const ProblemListSchema = Type.Object({ dataset: Type.String(), problems: Type.Array(ProblemSchema) });
export const ProblemParamsSchema = Type.Object({ problemId: Type.Integer({ minimum: 1 }) });
export const ProblemActionSchema = Type.Union([
  Type.Object({ action: Type.Literal('annotate'), note: Type.String({ minLength: 1, maxLength: 2000 }), inTreatment: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('dismiss'), reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('merge'), into: Type.Integer({ minimum: 1 }), reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
], { description: 'annotate (optionally mark in treatment), dismiss or merge into another problem of the same city; audited with the signed-in user' });

export const ManualImportQuerySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  source: Type.String({ minLength: 1, maxLength: 300, description: 'provenance, e.g. 2025 统计年鉴 or 满意度调查' }),
  fileName: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
export const ManualUploadBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  source: Type.String({ minLength: 1, maxLength: 300, description: 'provenance, e.g. 2025 统计年鉴 or 满意度调查' }),
  fileName: Type.Optional(Type.String({ maxLength: 200 })),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
  contentBase64: Type.String({ minLength: 1, maxLength: 2_000_000, pattern: '^[A-Za-z0-9+/=\\s]+$' }),
}, { additionalProperties: false });
export const ManualEntryBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  indicator: Code,
  unitKind: UnitKindSchema,
  unitId: Type.Optional(Type.Integer({ minimum: 1, description: 'absent for the city' })),
  year: Type.Integer({ minimum: 1990, maximum: 2200 }),
  value: FiniteNumber(),
  source: Type.String({ minLength: 1, maxLength: 300 }),
}, { additionalProperties: false });
export const ManualImportResultSchema = Type.Object({
  dataset: Type.String(), rows: Type.Integer(), stored: Type.Integer(),
  message: Type.Optional(Type.String({ description: 'why nothing was stored (400)' })),
  errors: Type.Array(Type.Object({ row: Type.Integer(), field: Type.String(), message: Type.String() })),
});

/** A refused import: the row-level issues (nothing stored), or the plain error body (e.g. an unknown city). */
export const ManualImportErrorSchema = Type.Object({
  message: Type.String(),
  error: Type.Optional(Type.String()),
  statusCode: Type.Optional(Type.Integer()),
  dataset: Type.Optional(Type.String()),
  rows: Type.Optional(Type.Integer()),
  stored: Type.Optional(Type.Integer()),
  errors: Type.Optional(Type.Array(Type.Object({ row: Type.Integer(), field: Type.String(), message: Type.String() }))),
});

export const ValueGeoJsonSchema = Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Object({ type: Type.Literal('Feature'), geometry: Nullable(GeoJsonSchema), properties: Type.Record(Type.String(), Type.Unknown()) })) });
