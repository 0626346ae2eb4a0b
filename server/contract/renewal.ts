/**
 * 城市更新 (renewal): request and response schemas of /api/analysis/renewal/… (ranked candidates,
 * heritage and 2021-rule checks) and /api/renewal/… (project library, ledger edits from the map).
 * Distances metres, areas m², shares 0–1, geometry GeoJSON EPSG:4326. Parameter defaults live in
 * RENEWAL_PARAMS (request → city setting → installation setting → default, reported with origin).
 */
import { Type, type Static } from 'typebox';
import { CityScopeSchema, DatasetIdSchema, EffectiveParamsSchema, GeoJsonSchema, Nullable } from './common.ts';
import { FiniteNumber, GeoJsonPolygonInput, Lat, Lon } from './geo.ts';
import { describeParam, type ParamSpec } from './parameters.ts';

/** Renewal parameters (indicators.md §7, §9.2; settings inserted by migration 131). */
export const RENEWAL_PARAMS = {
  cutoffYear: { default: 2000, setting: 'old_estate_cutoff_year', min: 1900, max: 2200, source: 'built ≤ end of 2000 (国办发〔2020〕23号, CONFIRMED); local rules extend to 2004/2005' },
  onlyOld: { default: true, source: 'candidates are old estates (built ≤ cutoffYear); false ranks every estate with its age' },
  excludeCompleted: { default: true, source: 'estates whose renovation is completed are not candidates' },
  parkMinM2: { default: 2000, setting: 'green_coverage_small_min_m2', unit: 'm²', min: 0, max: 10_000_000, source: 'smallest park with a service radius (indicators.md §4, CONFIRMED [S1])' },
  waterloggingRadiusM: { default: 300, setting: 'renewal_waterlogging_radius_m', unit: 'm', min: 1, max: 5000, source: 'design default (CityCheck)' },
  lowValueRadiusM: { default: 500, setting: 'renewal_low_value_radius_m', unit: 'm', min: 1, max: 5000, source: 'design default (CityCheck)' },
  protectedTouchM: { default: 0, setting: 'renewal_protected_touch_m', unit: 'm', min: 0, max: 500, source: '0 = a protected building sharing at least a boundary point with the site (design choice)' },
  controlZoneMaxHeightM: { default: 24, setting: 'renewal_control_zone_max_height_m', unit: 'm', min: 1, max: 500, source: 'local parameter (UNCONFIRMED: each protection plan sets its own)' },
  controlZoneMaxFar: { default: 2, setting: 'renewal_control_zone_max_far', min: 0.1, max: 20, source: 'local parameter (UNCONFIRMED: each protection plan sets its own)' },
  maxDemolitionShare: { default: 0.2, setting: 'renewal_max_demolition_share', min: 0, max: 1, source: '建科〔2021〕63号: ≤ 20 % of existing floor area (CONFIRMED [S38][S39])' },
  maxDemolitionToBuildRatio: { default: 2, setting: 'renewal_max_demolition_to_build_ratio', min: 0, max: 100, source: '建科〔2021〕63号: 拆建比 ≤ 2 (CONFIRMED [S39][S40]; definition UNCONFIRMED)' },
  minLocalResettlement: { default: 0.5, setting: 'renewal_min_local_resettlement', min: 0, max: 1, source: '建科〔2021〕63号: ≥ 50 % (CONFIRMED draft [S40], final SECONDARY)' },
  blockMinAreaM2: { default: 2000, unit: 'm²', min: 0, max: 10_000_000, source: '街区 smaller than this (slivers between carriageways, traffic islands) are dropped (design choice)' },
  blockMaxAreaM2: { default: 1_000_000, unit: 'm²', min: 1, max: 100_000_000, source: '街区 larger than this (open land the streets do not subdivide) are dropped (design choice)' },
  siteEstateMinShare: { default: 0.25, min: 0, max: 1, source: 'an estate counts for a block or drawn site when this share of it lies inside, or it covers this share of the site: slivers across a street do not (design choice)' },
} as const satisfies Record<string, ParamSpec>;

const num = (spec: ParamSpec) => Type.Optional(FiniteNumber({ minimum: spec.min, maximum: spec.max, description: describeParam(spec) }));
const P = RENEWAL_PARAMS;

export const RenewalParamsSchema = Type.Object({
  cutoffYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200, description: describeParam(P.cutoffYear) })),
  onlyOld: Type.Optional(Type.Boolean({ description: describeParam(P.onlyOld) })),
  excludeCompleted: Type.Optional(Type.Boolean({ description: describeParam(P.excludeCompleted) })),
  parkMinM2: num(P.parkMinM2),
  waterloggingRadiusM: num(P.waterloggingRadiusM),
  lowValueRadiusM: num(P.lowValueRadiusM),
  protectedTouchM: num(P.protectedTouchM),
  controlZoneMaxHeightM: num(P.controlZoneMaxHeightM),
  controlZoneMaxFar: num(P.controlZoneMaxFar),
  maxDemolitionShare: num(P.maxDemolitionShare),
  maxDemolitionToBuildRatio: num(P.maxDemolitionToBuildRatio),
  minLocalResettlement: num(P.minLocalResettlement),
  blockMinAreaM2: num(P.blockMinAreaM2),
  blockMaxAreaM2: num(P.blockMaxAreaM2),
  siteEstateMinShare: num(P.siteEstateMinShare),
}, { additionalProperties: false });
export type RenewalParams = Static<typeof RenewalParamsSchema>;

export const RankMethodSchema = Type.Union([Type.Literal('weighted_sum'), Type.Literal('topsis')]);
/** estate = 小区 of the ledger; block = 街区 derived from the street network (analysis.renewal_blocks); site = a polygon the planner drew. */
export const CandidateKindSchema = Type.Union([Type.Literal('estate'), Type.Literal('block'), Type.Literal('site')]);
export type CandidateKind = Static<typeof CandidateKindSchema>;

export const CandidatesBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  params: Type.Optional(RenewalParamsSchema),
  method: Type.Optional(RankMethodSchema),
  /** Weights by criterion code (any scale ≥ 0; renormalised). Absent codes keep their default weight. */
  weights: Type.Optional(Type.Record(Type.String({ pattern: '^[a-zA-Z]+$', maxLength: 40 }), FiniteNumber({ minimum: 0, maximum: 1000 }))),
  topN: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'top N for the sensitivity view; default 10' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, description: 'candidates returned (ranked); default all' })),
  kinds: Type.Optional(Type.Array(CandidateKindSchema, { minItems: 1, maxItems: 3, uniqueItems: true, description: 'kinds of candidate ranked together; default estates, plus drawn sites when `sites` is sent' })),
  sites: Type.Optional(Type.Array(Type.Object({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    geometry: GeoJsonPolygonInput('drawn site: GeoJSON Polygon/MultiPolygon (EPSG:4326)'),
  }, { additionalProperties: false }), { maxItems: 50, description: 'polygons drawn by the planner, ranked as candidates of kind site (always eligible)' })),
}, { additionalProperties: false });
export type CandidatesBody = Static<typeof CandidatesBodySchema>;

const N = Nullable(Type.Number());

export const RuleCheckSchema = Type.Object({
  rule: Type.String(), value: N, limit: Type.Number(), comparator: Type.String(), pass: Type.Boolean(),
  figures: Type.Record(Type.String(), Type.Number()), text: Type.String(), source: Type.String(), confidence: Type.String(),
});
export type RuleCheck = Static<typeof RuleCheckSchema>;

export const HeritageHitSchema = Type.Object({
  hit: Type.String(), relation: Type.String(), featureId: Type.Integer(), featureName: Nullable(Type.String()),
  districtName: Nullable(Type.String()), overlapM2: N,
});

export const RenewalModeSchema = Type.Union([Type.Literal('micro_renewal_only'), Type.Literal('controlled'), Type.Literal('unconstrained')]);
export const SuggestionSchema = Type.Union([Type.Literal('retain'), Type.Literal('renovate'), Type.Literal('demolish')]);

export const CriterionInfoSchema = Type.Object({
  code: Type.String(), unit: Type.String(), weight: Type.Number(), weightOrigin: Type.Union([Type.Literal('default'), Type.Literal('request')]), source: Type.String(),
});

export const CandidateSchema = Type.Object({
  rank: Type.Integer(),
  kind: CandidateKindSchema,
  /** Unique within the result: estate:<estate id>, block:<block no>, site:<index of the drawn site, from 1>. */
  key: Type.String(),
  /** The estate of an estate candidate; null for blocks and sites. */
  estateId: Nullable(Type.Integer()),
  /** Estates (app.estate ids) the candidate covers: its own for an estate, those overlapped for a block or site. */
  estateIds: Type.Array(Type.Integer()),
  areaM2: Type.Number(),
  /** Share of the candidate's area covered by old estates (1 or 0 for an estate). */
  oldEstateShare: Type.Number(),
  /** Outline of a block or site (estates are drawn from the estates tile layer): null for estates. */
  geometry: Nullable(GeoJsonSchema),
  name: Nullable(Type.String()),
  nameDerived: Type.Boolean(),
  isSample: Type.Boolean(),
  score: N,
  buildYear: Nullable(Type.Integer()),
  isOld: Type.Boolean(),
  renovationStatus: Nullable(Type.String()),
  renovationClass: Type.Array(Type.String()),
  residents: Nullable(Type.Integer()),
  lon: Type.Number(), lat: Type.Number(),
  /** Gi* bin (−3…3: 99/95/90 % cold … hot) of the estate's unit in the city's latest diagnosis run; null without one. */
  hotspotBin: Nullable(Type.Integer()),
  /** Raw criterion values in the order of `criteria`. */
  values: Type.Array(N),
  reasons: Type.Array(Type.Object({ code: Type.String(), value: N, normalised: Type.Number(), share: Type.Number() })),
  constraint: Type.Object({ mode: RenewalModeSchema, demolitionAllowed: Type.Boolean(), hits: Type.Array(HeritageHitSchema) }),
  suggestion: Type.Object({ suggestion: SuggestionSchema, rule: Type.String() }),
});
export type Candidate = Static<typeof CandidateSchema>;

/** Candidates are named by their `key` (estate:12, block:3, site:1). */
export const SensitivitySchema = Type.Object({
  topN: Type.Integer(), delta: Type.Number(), base: Type.Array(Type.String()),
  rows: Type.Array(Type.Object({
    code: Type.String(), factor: Type.Number(), top: Type.Array(Type.String()),
    entered: Type.Array(Type.String()), left: Type.Array(Type.String()), overlap: Type.Number(), moved: Type.Integer(),
  })),
});

export const CandidatesResultSchema = Type.Object({
  city: CityScopeSchema,
  effective: EffectiveParamsSchema,
  method: Type.Object({ rank: RankMethodSchema, norm: Type.String(), missing: Type.String(), direction: Type.String() }),
  criteria: Type.Array(CriterionInfoSchema),
  /** Estates of the city considered before eligibility filters, and why the rest were left out. */
  counts: Type.Object({
    estates: Type.Integer(), candidates: Type.Integer(), notOld: Type.Integer(), completed: Type.Integer(),
    /** Blocks derived (before the old-estate filter) and drawn sites sent; 0 when their kind was not asked for. */
    blocks: Type.Integer(), blocksWithoutOldEstates: Type.Integer(), sites: Type.Integer(),
  }),
  /** How blocks were derived (null when blocks were not asked for); builtUpSource: the clip area, ledger (建成区 ledger) or estate_extent. */
  blocks: Nullable(Type.Object({ rule: Type.String(), builtUpSource: Nullable(Type.String()), roadClasses: Type.Array(Type.String()) })),
  lifeCircleRunId: Nullable(Type.Integer()),
  /** The diagnosis run the disease score and hot-spot class come from (the city's latest); null when none is stored. */
  diagnosisRunId: Nullable(Type.Integer()),
  candidates: Type.Array(CandidateSchema),
  sensitivity: SensitivitySchema,
  /** cached: the criteria were reused from a request moments ago (same city and parameters, no layer edit since). */
  timing: Type.Object({ queryMs: Type.Number(), rankMs: Type.Number(), cached: Type.Boolean() }),
});
export type CandidatesResult = Static<typeof CandidatesResultSchema>;

export const ScenarioSchema = Type.Object({
  existingGfaM2: FiniteNumber({ minimum: 0 }),
  demolishedGfaM2: FiniteNumber({ minimum: 0 }),
  excludedDemolishedGfaM2: Type.Optional(FiniteNumber({ minimum: 0, description: 'illegal buildings and unrepairable dangerous buildings, not counted by the 20 % cap' })),
  newGfaM2: FiniteNumber({ minimum: 0 }),
  householdsTotal: FiniteNumber({ minimum: 0 }),
  householdsResettledLocal: FiniteNumber({ minimum: 0 }),
  proposedMaxHeightM: Type.Optional(FiniteNumber({ minimum: 0, maximum: 1000 })),
  proposedFar: Type.Optional(FiniteNumber({ minimum: 0, maximum: 100 })),
  /** Building ids (app.building) the scenario demolishes, for the 留改拆 suggestion. */
  demolishBuildingIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 5000 })),
}, { additionalProperties: false });
export type ScenarioInput = Static<typeof ScenarioSchema>;

export const ConstraintsBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  /** An estate of the city, or a drawn site (one of the two). */
  estateId: Type.Optional(Type.Integer({ minimum: 1 })),
  site: Type.Optional(GeoJsonPolygonInput('drawn renewal site: GeoJSON Polygon/MultiPolygon (EPSG:4326)')),
  scenario: Type.Optional(ScenarioSchema),
  params: Type.Optional(RenewalParamsSchema),
}, { additionalProperties: false });
export type ConstraintsBody = Static<typeof ConstraintsBodySchema>;

export const ConstraintsResultSchema = Type.Object({
  city: CityScopeSchema,
  effective: EffectiveParamsSchema,
  site: Type.Object({ estateId: Nullable(Type.Integer()), name: Nullable(Type.String()), areaM2: Type.Number(), isOld: Type.Boolean(), geometry: GeoJsonSchema }),
  mode: RenewalModeSchema,
  demolitionAllowed: Type.Boolean(),
  heritage: Type.Array(RuleCheckSchema),
  hits: Type.Array(HeritageHitSchema),
  /** The 2021 rules for the scenario; empty without a scenario. */
  policy: Type.Array(RuleCheckSchema),
  /** All heritage and policy checks pass. */
  pass: Type.Boolean(),
  suggestion: Type.Object({ suggestion: SuggestionSchema, rule: Type.String() }),
  buildings: Type.Array(Type.Object({
    buildingId: Type.Integer(), name: Nullable(Type.String()), heightM: N, buildYear: Nullable(Type.Integer()), footprintM2: Type.Number(),
    isProtected: Type.Boolean(), protectedName: Nullable(Type.String()), inCore: Type.Boolean(), inControl: Type.Boolean(),
    suggestion: SuggestionSchema, rule: Type.String(),
  })),
});
export type ConstraintsResult = Static<typeof ConstraintsResultSchema>;

// ---- project library -------------------------------------------------------------------------

export const StageSchema = Type.Union([Type.Literal('reserve'), Type.Literal('approved'), Type.Literal('implementing'), Type.Literal('completed'), Type.Literal('rechecked'), Type.Literal('closed')]);
const ContentClass = Type.Union([Type.Literal('basic'), Type.Literal('improvement'), Type.Literal('upgrade')]);
const Actor = Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'who makes the change, recorded with it and in the audit log; the signed-in user wins over it, and it is required only when nobody is signed in (sign-in off)' }));
const Reason = Type.String({ minLength: 1, maxLength: 2000 });

const ProjectFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 4000 }))),
  estateIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 })),
  contentClass: Type.Optional(Type.Array(ContentClass, { maxItems: 3, uniqueItems: true })),
  budgetWan: Type.Optional(Nullable(FiniteNumber({ minimum: 0, description: '万元' }))),
  fundingSource: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  department: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  planYear: Type.Optional(Nullable(Type.Integer({ minimum: 1990, maximum: 2200 }))),
  problemRefs: Type.Optional(Type.Array(Type.Union([Type.Integer(), Type.String({ maxLength: 200 })]), { maxItems: 500 })),
  geometry: Type.Optional(Nullable(GeoJsonPolygonInput('project site: GeoJSON Polygon/MultiPolygon (EPSG:4326)'))),
};

export const ProjectCreateSchema = Type.Object({ dataset: Type.Optional(DatasetIdSchema), actor: Actor, reason: Type.Optional(Reason), ...ProjectFields }, { additionalProperties: false });
export type ProjectCreate = Static<typeof ProjectCreateSchema>;
export const ProjectPatchSchema = Type.Object({ actor: Actor, ...Type.Partial(Type.Object(ProjectFields)).properties }, { additionalProperties: false });
export type ProjectPatch = Static<typeof ProjectPatchSchema>;

export const TransitionBodySchema = Type.Object({ to: Type.String({ maxLength: 40 }), actor: Actor, reason: Reason }, { additionalProperties: false });
export type TransitionBody = Static<typeof TransitionBodySchema>;

export const TransitionSchema = Type.Object({ fromStage: Nullable(Type.String()), toStage: Type.String(), actor: Type.String(), reason: Type.String(), at: Type.String() });

/**
 * The expected effect of a project's new park (公园绿地服务半径覆盖率), stored from the coverage what-if
 * on a green-coverage run of its city: the city's covered residential land before/after (m², %), and
 * the estates that pass the run's covered share (estateCoveredMinShare) only with the park. Fields
 * marked optional are absent from effects stored before they existed.
 */
export const GreenCoverageEffectSchema = Type.Object({
  runId: Type.Integer(),
  /** true when no run of the city existed and one was made with the city's settings for this prediction. */
  runCreated: Type.Optional(Type.Boolean()),
  mode: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  city: Type.Object({
    targetM2: Type.Number(), officialM2Before: Type.Number(), officialM2After: Type.Number(),
    officialPctBefore: N, officialPctAfter: N, walkingM2Before: N, walkingM2After: N, walkingPctBefore: N, walkingPctAfter: N,
  }),
  parks: Type.Array(Type.Object({ id: Type.Union([Type.Integer(), Type.String()]), areaM2: Type.Number(), radiusM: Type.Number() })),
  estateCoveredMinShare: Type.Optional(Type.Number()),
  /** Estates covered (share ≥ estateCoveredMinShare) after and not before, by the buffer / the walking network. */
  estatesNewlyCoveredOfficial: Type.Optional(Type.Array(Type.Integer())),
  estatesNewlyCoveredWalking: Type.Optional(Type.Array(Type.Integer())),
  /** The run's parameters with their origin (default / city setting / request). */
  effective: Type.Optional(Nullable(EffectiveParamsSchema)),
  computedAt: Type.String(),
});
export type GreenCoverageEffect = Static<typeof GreenCoverageEffectSchema>;

/** The expected effect of a project's new community facility (生活圈 what-if on the walking network). */
export const LifeCircleEffectSchema = Type.Object({
  type: Type.String(),
  standardM: Type.Number(),
  facility: Type.Object({
    lon: Type.Number(), lat: Type.Number(), snapped: Type.Array(Type.Number()), snapDistanceM: Type.Number(), saved: Type.Boolean(),
    /** true when the location is the project site's point on surface (none was sent). */
    atSite: Type.Optional(Type.Boolean()),
  }),
  /** Estate ids within the type's standard walking distance only with the new facility. */
  newlyCovered: Type.Array(Type.Integer()),
  estates: Type.Integer(), metBefore: Type.Integer(), metAfter: Type.Integer(),
  shareBefore: N, shareAfter: N, residentsBefore: Type.Number(), residentsAfter: Type.Number(),
  searchMs: Type.Number(),
  effective: EffectiveParamsSchema,
  computedAt: Type.String(),
});
export type LifeCircleEffect = Static<typeof LifeCircleEffectSchema>;

export const ExpectedEffectSchema = Type.Object({
  greenCoverage: Type.Optional(GreenCoverageEffectSchema),
  lifeCircle: Type.Optional(LifeCircleEffectSchema),
});
export type ExpectedEffect = Static<typeof ExpectedEffectSchema>;

export const ProjectSchema = Type.Object({
  id: Type.Integer(), dataset: Nullable(Type.String()), name: Type.String(), description: Nullable(Type.String()),
  stage: Type.String(), stageZh: Type.String(), nextStages: Type.Array(Type.String()), loopStep: Type.String(),
  estateIds: Type.Array(Type.Integer()), contentClass: Type.Array(Type.String()),
  budgetWan: N, fundingSource: Nullable(Type.String()), department: Nullable(Type.String()), planYear: Nullable(Type.Integer()),
  checkYear: Type.Integer(),
  problemRefs: Type.Array(Type.Union([Type.Integer(), Type.String()])),
  expectedEffect: ExpectedEffectSchema,
  geometry: Nullable(GeoJsonSchema),
  transitions: Type.Array(TransitionSchema),
  createdAt: Type.String(), updatedAt: Type.String(),
});
export type Project = Static<typeof ProjectSchema>;
export const ProjectListSchema = Type.Object({ projects: Type.Array(ProjectSchema) });
export const ProjectParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const ProjectListQuerySchema = Type.Object({ dataset: Type.Optional(DatasetIdSchema), stage: Type.Optional(StageSchema) }, { additionalProperties: false });

export const RecheckSchema = Type.Object({
  projectId: Type.Integer(), stage: Type.String(),
  verdict: Type.Union([Type.Literal('resolved'), Type.Literal('unresolved'), Type.Literal('no_problems')]),
  problems: Type.Array(Type.Object({
    id: Type.Integer(), indicator: Type.String(), unitKind: Type.String(), unitId: Nullable(Type.Integer()), unitName: Nullable(Type.String()),
    status: Type.String(), severity: Type.String(), value: N, threshold: N, lastYear: Type.Integer(), closedYear: Nullable(Type.Integer()),
  })),
});

export type Recheck = Static<typeof RecheckSchema>;

export const ExpectedEffectBodySchema = Type.Object({
  actor: Actor,
  /** A stored green-coverage run of the project's city to add the project's new park to. */
  coverageRunId: Type.Optional(Type.Integer({ minimum: 1 })),
  /**
   * The project's site (or `parks`) as a new park on `coverageRunId`, else on the city's latest run;
   * a city with no run gets one with its settings first.
   */
  park: Type.Optional(Type.Boolean()),
  /** The new park(s); default the project's own geometry. */
  parks: Type.Optional(GeoJsonPolygonInput()),
  /** A new community facility of the project (生活圈 what-if on the walking network). */
  facility: Type.Optional(Type.Object({
    type: Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 60, description: 'facility type code (GET /api/facility-types)' }),
    /** Both or neither: without them the facility stands at the project site's point on surface. */
    lon: Type.Optional(Lon()), lat: Type.Optional(Lat()),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

// ---- ledger edits from the map ---------------------------------------------------------------

export const EstateLedgerPatchSchema = Type.Object({
  actor: Actor,
  renovationStatus: Type.Optional(Nullable(Type.Union([Type.Literal('not_listed'), Type.Literal('surveyed'), Type.Literal('reserve'), Type.Literal('planned'), Type.Literal('under_works'), Type.Literal('completed')]))),
  renovationClass: Type.Optional(Type.Array(ContentClass, { maxItems: 3, uniqueItems: true })),
  renovationPlanYear: Type.Optional(Nullable(Type.Integer({ minimum: 1990, maximum: 2200 }))),
}, { additionalProperties: false });
export type EstateLedgerPatch = Static<typeof EstateLedgerPatchSchema>;
export const LedgerParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const EstateLedgerSchema = Type.Object({
  id: Type.Integer(), name: Nullable(Type.String()), renovationStatus: Nullable(Type.String()), renovationClass: Type.Array(Type.String()),
  renovationPlanYear: Nullable(Type.Integer()), updatedAt: Type.String(),
});
export type EstateLedger = Static<typeof EstateLedgerSchema>;
