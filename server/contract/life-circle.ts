/**
 * 生活圈 (life circles, GB 50180-2018): request and response schemas of /api/analysis/life-circle…
 * and /api/analysis/isochrone (server/routes/life-circle.ts). Distances metres, times minutes,
 * shares 0–1, lon/lat WGS-84. Parameter defaults: parameters.ts (server only).
 */
import { Type, type Static } from 'typebox';
import { CityScopeSchema, DatasetIdSchema, EffectiveParamsSchema, GeoJsonSchema, Nullable } from './common.ts';
import { FiniteNumber, Lat, Lon } from './geo.ts';
import { LIFE_CIRCLE_PARAMS as P, describeParam } from './parameters.ts';

const speed = () => Type.Optional(FiniteNumber({ minimum: P.speed.min, maximum: P.speed.max, description: describeParam(P.speed) }));
const maxDistance = () => Type.Optional(FiniteNumber({ minimum: P.maxDistance.min, maximum: P.maxDistance.max, description: describeParam(P.maxDistance) }));
const TypeCode = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 100 });
const Tier = Type.Union([Type.Literal('5min'), Type.Literal('10min'), Type.Literal('15min'), Type.Literal('block')]);

/** GET query (also for estates.csv and shortfall/:type). */
export const LifeCircleQuerySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  types: Type.Optional(Type.String({ maxLength: 1000, description: 'Comma-separated facility type codes (default: all with a standard distance)' })),
  tier: Type.Optional(Type.String({ maxLength: 100, description: 'Comma-separated tiers: 5min,10min,15min,block' })),
  speed: speed(),
  maxDistance: maxDistance(),
}, { additionalProperties: false });
export type LifeCircleQuery = Static<typeof LifeCircleQuerySchema>;

export const LifeCircleBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  types: Type.Optional(Type.Array(TypeCode, { maxItems: 100 })),
  tiers: Type.Optional(Type.Array(Tier, { maxItems: 4 })),
  speed: speed(),
  maxDistance: maxDistance(),
  save: Type.Optional(Type.Boolean({ description: 'Store the run (city, metric CRS, effective parameters, catalog and every result)' })),
}, { additionalProperties: false });
export type LifeCircleBody = Static<typeof LifeCircleBodySchema>;

export const ChecklistItemSchema = Type.Object({
  type: Type.String(),
  standardM: Type.Number(),
  status: Type.Union([Type.Literal('met'), Type.Literal('not_met'), Type.Literal('none')]),
  distanceM: Nullable(Type.Number()),
  minutes: Nullable(Type.Number()),
  facilityId: Nullable(Type.Integer()),
  reason: Type.Optional(Type.Union([Type.Literal('none_within'), Type.Literal('no_facility'), Type.Literal('off_network'), Type.Literal('isolated_network')])),
  note: Type.Optional(Type.String()),
});
export type ChecklistItem = Static<typeof ChecklistItemSchema>;

const AreaRef = Nullable(Type.Object({ id: Type.Integer(), name: Type.String() }));

export const LifeCircleEstateSchema = Type.Object({
  id: Type.Integer(),
  /** Own name, else derived from the nearest street (nameDerived); null when neither. */
  name: Nullable(Type.String()),
  nameEn: Nullable(Type.String()),
  nameDerived: Type.Boolean(),
  residents: Nullable(Type.Number()),
  isOld: Type.Boolean(),
  district: AreaRef,
  subdistrict: AreaRef,
  snapDistanceM: Nullable(Type.Number()),
  /** The walking-network piece the estate snapped to; `isolated`: below the isolated share of the city's graph. */
  network: Type.Object({ componentVertices: Nullable(Type.Integer()), isolated: Type.Boolean() }),
  checklist: Type.Array(ChecklistItemSchema),
  completeCommunity: Type.Object({ required: Type.Integer(), present: Type.Integer(), score: Type.Number(), missing: Type.Array(Type.String()) }),
});
export type LifeCircleEstate = Static<typeof LifeCircleEstateSchema>;

export const TypeShareSchema = Type.Object({
  type: Type.String(), estates: Type.Integer(), met: Type.Integer(), share: Nullable(Type.Number()),
  estatesWithResidents: Type.Integer(), residents: Type.Number(), residentsMet: Type.Number(), residentShare: Nullable(Type.Number()),
  /** "none within X m" on the city's network, and on an isolated piece of it (counted apart). */
  noneWithin: Type.Integer(), isolatedNetwork: Type.Integer(),
});
export type TypeShare = Static<typeof TypeShareSchema>;

export const AreaSummarySchema = Type.Object({
  level: Type.Union([Type.Literal('city'), Type.Literal('district'), Type.Literal('subdistrict')]),
  id: Nullable(Type.Integer()),
  /** null for the whole city and for estates outside every unit of the level (the UI names both). */
  name: Nullable(Type.String()),
  estates: Type.Integer(),
  byType: Type.Array(TypeShareSchema),
  completeCommunity: Type.Object({ meanScore: Nullable(Type.Number()), allPresent: Type.Integer() }),
  mostMissing: Type.Array(Type.Object({ type: Type.String(), estatesMissing: Type.Integer(), share: Type.Number() })),
});
export type AreaSummary = Static<typeof AreaSummarySchema>;

export const CatalogRowSchema = Type.Object({
  code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), category: Type.String(),
  tier: Nullable(Tier), standardDistanceM: Nullable(Type.Number()), completeCommunity: Type.Boolean(), confidence: Type.String(),
  /** The standard and clause the distance comes from, as a planner cites it. */
  source: Nullable(Type.String()),
  overridden: Type.Object({ standardDistanceM: Type.Boolean(), lifeCircleTier: Type.Boolean(), completeCommunity: Type.Boolean() }),
});
export type CatalogRow = Static<typeof CatalogRowSchema>;

export const LifeCircleReportSchema = Type.Object({
  runId: Type.Optional(Type.Integer()),
  city: CityScopeSchema,
  /** Every parameter with its origin (default / city / request). */
  effective: EffectiveParamsSchema,
  method: Type.Object({ origin: Type.String(), direction: Type.String() }),
  graph: Type.Object({ vertices: Type.Integer(), edges: Type.Integer(), components: Type.Integer(), largestComponent: Type.Integer(), builtAt: Type.String() }),
  catalog: Type.Array(CatalogRowSchema),
  completeCommunityTypes: Type.Array(Type.String()),
  /** Walking-graph vertices of the city, the isolated-component share and how many estates it flags. */
  network: Type.Object({ cityVertices: Type.Integer(), isolatedComponentShare: Type.Number(), isolatedEstates: Type.Integer() }),
  estates: Type.Array(LifeCircleEstateSchema),
  summary: Type.Array(AreaSummarySchema),
  timing: Type.Object({ totalMs: Type.Number(), searches: Type.Integer(), searchMs: Type.Number() }),
});
export type LifeCircleReport = Static<typeof LifeCircleReportSchema>;

export const ShortfallParamsSchema = Type.Object({ type: TypeCode });
export const ShortfallSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    id: Type.Integer(),
    geometry: Nullable(GeoJsonSchema),
    properties: Type.Object({
      name: Nullable(Type.String()), nameDerived: Type.Boolean(), residents: Nullable(Type.Number()), type: Type.String(), standardM: Type.Number(),
      distanceM: Nullable(Type.Number()), gapM: Nullable(Type.Number()), status: Type.String(), note: Nullable(Type.String()),
    }),
  })),
  standardM: Nullable(Type.Number()),
  city: CityScopeSchema,
  effective: EffectiveParamsSchema,
});

export const IsochroneQuerySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  lon: Lon(),
  lat: Lat(),
  minutes: Type.String({ default: '5,10,15', pattern: '^\\s*\\d+(\\.\\d+)?(\\s*,\\s*\\d+(\\.\\d+)?){0,4}\\s*$', description: 'Up to 5 comma-separated minute limits' }),
  speed: speed(),
}, { additionalProperties: false });
export type IsochroneQuery = Static<typeof IsochroneQuerySchema>;

export const IsochroneSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    properties: Type.Object({ minutes: Type.Number(), distanceM: Type.Number(), areaM2: Type.Number(), facilityCounts: Type.Record(Type.String(), Type.Integer()) }),
    geometry: GeoJsonSchema,
  })),
  origin: Type.Object({ lon: Type.Number(), lat: Type.Number(), snapped: Type.Array(Type.Number()), snapDistanceM: Type.Number() }),
  speedMPerMin: Type.Number(),
  method: Type.String(),
  city: CityScopeSchema,
  effective: EffectiveParamsSchema,
});
export type Isochrone = Static<typeof IsochroneSchema>;

export const LifeCircleWhatIfBodySchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  type: TypeCode,
  lon: Lon(),
  lat: Lat(),
  speed: speed(),
  maxDistance: maxDistance(),
}, { additionalProperties: false });
export type LifeCircleWhatIfBody = Static<typeof LifeCircleWhatIfBodySchema>;

export const LifeCircleWhatIfSchema = Type.Object({
  type: Type.String(),
  standardM: Type.Number(),
  facility: Type.Object({ lon: Type.Number(), lat: Type.Number(), snapped: Type.Array(Type.Number()), snapDistanceM: Type.Number(), saved: Type.Boolean() }),
  newlyCovered: Type.Array(Type.Object({
    id: Type.Integer(), name: Nullable(Type.String()), nameDerived: Type.Boolean(), residents: Nullable(Type.Number()),
    beforeM: Nullable(Type.Number()), afterM: Type.Number(), afterMinutes: Type.Number(),
  })),
  estates: Type.Integer(),
  metBefore: Type.Integer(),
  metAfter: Type.Integer(),
  shareBefore: Nullable(Type.Number()),
  shareAfter: Nullable(Type.Number()),
  residentsBefore: Type.Number(),
  residentsAfter: Type.Number(),
  searchMs: Type.Number(),
  city: CityScopeSchema,
  effective: EffectiveParamsSchema,
});
export type LifeCircleWhatIf = Static<typeof LifeCircleWhatIfSchema>;
