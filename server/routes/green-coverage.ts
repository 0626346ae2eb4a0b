/**
 * Park service-radius coverage routes (公园绿地服务半径覆盖率, issue 5). Handlers validate, call the
 * repository, return; SQL lives in sql/functions/analysis/green_*.sql.
 *
 *   POST /api/analysis/green-coverage                          compute + store a run → summary, units, estates
 *   GET  /api/analysis/green-coverage/:runId                   a stored run
 *   GET  /api/analysis/green-coverage/:runId/shortfall.geojson ?layer=uncovered_official|uncovered_walking|detour
 *   GET  /api/analysis/green-coverage/:runId/estates.csv       estate table as CSV
 *   POST /api/analysis/green-coverage/:runId/what-if           extra park polygons (not saved) → before/after
 *   POST /api/analysis/green-coverage/:runId/scenarios         save a named what-if scenario (audited) → 201
 *   GET  /api/analysis/green-coverage/:runId/scenarios         saved scenarios of a run
 *   POST /api/analysis/green-coverage/:runId/pocket-parks      greedy pocket-park sites with marginal gains
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { FiniteNumber, GeoJsonPolygonInput } from '../contract/geo.ts';
import { notFound } from '../errors.ts';
import { estatesToCsv, greenCoverageRepository } from '../repositories/green-coverage-repository.ts';
import { polygonInput } from '../validation/geojson.ts';

const RulesSchema = Type.Object({
  largeMinM2: Type.Optional(FiniteNumber({ exclusiveMinimum: 0, description: 'm², default 5000 (CONFIRMED [S1])' })),
  largeRadiusM: Type.Optional(FiniteNumber({ minimum: 1, maximum: 5000, description: 'm, default 500' })),
  smallMinM2: Type.Optional(FiniteNumber({ exclusiveMinimum: 0, description: 'm², default 2000' })),
  smallRadiusM: Type.Optional(FiniteNumber({ minimum: 1, maximum: 5000, description: 'm, default 300' })),
  smallMinInclusive: Type.Optional(Type.Boolean({ description: 'default true: a 2000 m² park counts' })),
  eligibleKinds: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z_]+$' }), { maxItems: 20, description: 'default: is_park' })),
  historicVariant: Type.Optional(Type.Boolean({ description: 'UNCONFIRMED rule, default false' })),
  historicMinM2: Type.Optional(FiniteNumber({ exclusiveMinimum: 0 })),
  historicRadiusM: Type.Optional(FiniteNumber({ minimum: 1, maximum: 5000 })),
  accessWidthM: Type.Optional(FiniteNumber({ minimum: 1, maximum: 500, description: 'walking mode, default 50 m' })),
  snapM: Type.Optional(FiniteNumber({ minimum: 0, maximum: 500 })),
  distanceCapM: Type.Optional(FiniteNumber({ minimum: 100, maximum: 20000 })),
  estateCoveredMinShare: Type.Optional(FiniteNumber({ minimum: 0, maximum: 1 })),
}, { additionalProperties: false });

const RunBodySchema = Type.Object({
  mode: Type.Optional(Type.Union([Type.Literal('official'), Type.Literal('walking'), Type.Literal('both')], { default: 'both' })),
  target: Type.Optional(Type.Union([Type.Literal('residential_land'), Type.Literal('estate'), Type.Literal('residential_building')])),
  datasetId: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]*$' })),
  rules: Type.Optional(RulesSchema),
}, { additionalProperties: false });

const RunParams = Type.Object({ runId: Type.Integer({ minimum: 1 }) });
const ShortfallQuery = Type.Object({
  layer: Type.Union([Type.Literal('uncovered_official'), Type.Literal('uncovered_walking'), Type.Literal('detour')], { default: 'uncovered_official' }),
});
const GeoJsonSchema = GeoJsonPolygonInput();
const WhatIfBody = Type.Object({ parks: GeoJsonSchema }, { additionalProperties: false });
const ScenarioBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: 'scenario name' }),
  parks: GeoJsonSchema,
}, { additionalProperties: false });
const PocketBody = Type.Object({
  k: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  minAreaM2: Type.Optional(FiniteNumber({ minimum: 0 })),
  mode: Type.Optional(Type.Union([Type.Literal('official'), Type.Literal('walking')])),
  candidates: Type.Optional(GeoJsonSchema),
  candidateKinds: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z_]+$' }), { maxItems: 20 })),
}, { additionalProperties: false });

type Params = Static<typeof RunParams>;
const tags = ['analysis'];

export default async function greenCoverageRoutes(app: FastifyInstance) {
  const repo = greenCoverageRepository(app.db);
  const found = <T>(x: T | undefined, runId: number): T => {
    if (x === undefined) throw notFound(`No green-coverage run ${runId}`);
    return x;
  };

  app.post<{ Body: Static<typeof RunBodySchema> }>('/api/analysis/green-coverage',
    { schema: { tags, summary: 'Park service-radius coverage (official buffer / walking network); stored with its rule version', body: RunBodySchema } },
    async (req) => repo.run(req.body));

  app.get<{ Params: Params }>('/api/analysis/green-coverage/:runId',
    { schema: { tags, summary: 'A stored green-coverage run', params: RunParams } },
    async (req) => found(await repo.get(req.params.runId), req.params.runId));

  app.get<{ Params: Params; Querystring: Static<typeof ShortfallQuery> }>('/api/analysis/green-coverage/:runId/shortfall.geojson',
    { schema: { tags, summary: 'Uncovered residential land (盲区) or detour layer as GeoJSON', params: RunParams, querystring: ShortfallQuery } },
    async (req, reply) => reply.type('application/geo+json').send(await repo.shortfall(found(await repo.get(req.params.runId), req.params.runId).runId, req.query.layer)));

  app.get<{ Params: Params }>('/api/analysis/green-coverage/:runId/estates.csv',
    { schema: { tags, summary: 'Estate coverage table as CSV', params: RunParams } },
    async (req, reply) => reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="green-coverage-${req.params.runId}-estates.csv"`)
      .send(estatesToCsv(found(await repo.get(req.params.runId), req.params.runId).estates)));

  app.post<{ Params: Params; Body: Static<typeof WhatIfBody> }>('/api/analysis/green-coverage/:runId/what-if',
    { schema: { tags, summary: 'Coverage with extra park polygons (nothing saved)', params: RunParams, body: WhatIfBody } },
    async (req) => repo.whatIf(req.params.runId, polygonInput(req.body.parks, 'parks')));

  app.post<{ Params: Params; Body: Static<typeof ScenarioBody> }>('/api/analysis/green-coverage/:runId/scenarios',
    { schema: { tags, summary: 'Save a named what-if scenario (extra parks + before/after summary); audited', params: RunParams, body: ScenarioBody } },
    async (req, reply) => {
      found(await repo.get(req.params.runId), req.params.runId);
      return reply.code(201).send(await repo.saveScenario(req.params.runId, req.body.name, polygonInput(req.body.parks, 'parks')));
    });

  app.get<{ Params: Params }>('/api/analysis/green-coverage/:runId/scenarios',
    { schema: { tags, summary: 'Saved what-if scenarios of a run', params: RunParams } },
    async (req) => {
      found(await repo.get(req.params.runId), req.params.runId);
      return { runId: req.params.runId, scenarios: await repo.scenarios(req.params.runId) };
    });

  app.post<{ Params: Params; Body: Static<typeof PocketBody> }>('/api/analysis/green-coverage/:runId/pocket-parks',
    { schema: { tags, summary: 'Pocket-park (口袋公园) sites by greedy maximum coverage', params: RunParams, body: PocketBody } },
    async (req) => {
      const candidates = req.body.candidates === undefined ? undefined : polygonInput(req.body.candidates, 'candidates');
      return { runId: req.params.runId, picks: await repo.pocketParks(req.params.runId, { ...req.body, candidates }) };
    });
}
