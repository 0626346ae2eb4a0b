/**
 * Park service-radius coverage routes (公园绿地服务半径覆盖率, issue 5). Handlers validate, call the
 * repository, return; SQL lives in sql/functions/analysis/green_*.sql, schemas in
 * server/contract/green-coverage.ts. A run is per city (`dataset`: default the only city loaded,
 * else 400 naming them) and stores its city, metric CRS and effective parameters with their origin.
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
import type { Static } from 'typebox';
import { ErrorSchema } from '../contract/common.ts';
import {
  CoverageRunBodySchema, CoverageRunSchema, PocketBodySchema, PocketResultSchema, RunParamsSchema, ScenarioBodySchema, ScenarioListSchema,
  ScenarioSchema, ShortfallQuerySchema, WhatIfBodySchema, WhatIfResultSchema, type CoverageRunBody, type PocketBody,
} from '../contract/green-coverage.ts';
import { GREEN_COVERAGE_PARAMS } from '../contract/parameters.ts';
import { notFound } from '../errors.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { estatesToCsv, greenCoverageRepository } from '../repositories/green-coverage-repository.ts';
import { polygonInput } from '../validation/geojson.ts';

type Params = Static<typeof RunParamsSchema>;
const tags = ['analysis'];
const errors = { 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema };

export default async function greenCoverageRoutes(app: FastifyInstance) {
  const repo = greenCoverageRepository(app.analysisDb); // heavy runs queue on the analysis pool (server/plugins/db.ts)
  const cities = cityRepository(app.db);
  const found = <T>(x: T | undefined, runId: number): T => {
    if (x === undefined) throw notFound(`No green-coverage run ${runId}`);
    return x;
  };

  app.post<{ Body: CoverageRunBody }>('/api/analysis/green-coverage',
    { config: { auth: 'read' }, schema: { tags, summary: 'Park service-radius coverage of one city (official buffer / walking network); stored with its rule version and effective parameters', body: CoverageRunBodySchema, response: { 200: CoverageRunSchema, ...errors } } },
    async (req) => {
      const { mode, target, rules } = req.body;
      const { city, values: { mode: m, target: t, ...r }, effective } = await cities.scoped(req.body.dataset, GREEN_COVERAGE_PARAMS, { mode, target, ...rules });
      return found(await repo.run({ dataset: city.dataset, mode: m, target: t, rules: r, effective }), 0);
    });

  app.get<{ Params: Params }>('/api/analysis/green-coverage/:runId',
    { schema: { tags, summary: 'A stored green-coverage run', params: RunParamsSchema, response: { 200: CoverageRunSchema, ...errors } } },
    async (req) => found(await repo.get(req.params.runId), req.params.runId));

  app.get<{ Params: Params; Querystring: Static<typeof ShortfallQuerySchema> }>('/api/analysis/green-coverage/:runId/shortfall.geojson',
    { schema: { tags, summary: 'Uncovered residential land (盲区) or detour layer as GeoJSON', params: RunParamsSchema, querystring: ShortfallQuerySchema, produces: ['application/geo+json'] } },
    async (req, reply) => reply.type('application/geo+json').send(await repo.shortfall(found(await repo.get(req.params.runId), req.params.runId).runId, req.query.layer)));

  app.get<{ Params: Params }>('/api/analysis/green-coverage/:runId/estates.csv',
    { schema: { tags, summary: 'Estate coverage table as CSV', params: RunParamsSchema, produces: ['text/csv'] } },
    async (req, reply) => reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="green-coverage-${req.params.runId}-estates.csv"`)
      .send(estatesToCsv(found(await repo.get(req.params.runId), req.params.runId).estates)));

  app.post<{ Params: Params; Body: Static<typeof WhatIfBodySchema> }>('/api/analysis/green-coverage/:runId/what-if',
    { config: { auth: 'read' }, schema: { tags, summary: 'Coverage with extra park polygons (nothing saved)', params: RunParamsSchema, body: WhatIfBodySchema, response: { 200: WhatIfResultSchema, ...errors } } },
    async (req) => repo.whatIf(req.params.runId, polygonInput(req.body.parks, 'parks')));

  app.post<{ Params: Params; Body: Static<typeof ScenarioBodySchema> }>('/api/analysis/green-coverage/:runId/scenarios',
    { schema: { tags, summary: 'Save a named what-if scenario (extra parks + before/after summary); audited', params: RunParamsSchema, body: ScenarioBodySchema, response: { 201: ScenarioSchema, ...errors } } },
    async (req, reply) => {
      found(await repo.get(req.params.runId), req.params.runId);
      return reply.code(201).send(await repo.saveScenario(req.params.runId, req.body.name, polygonInput(req.body.parks, 'parks')));
    });

  app.get<{ Params: Params }>('/api/analysis/green-coverage/:runId/scenarios',
    { schema: { tags, summary: 'Saved what-if scenarios of a run', params: RunParamsSchema, response: { 200: ScenarioListSchema, ...errors } } },
    async (req) => {
      found(await repo.get(req.params.runId), req.params.runId);
      return { runId: req.params.runId, scenarios: await repo.scenarios(req.params.runId) };
    });

  app.post<{ Params: Params; Body: PocketBody }>('/api/analysis/green-coverage/:runId/pocket-parks',
    { config: { auth: 'read' }, schema: { tags, summary: 'Pocket-park (口袋公园) sites by greedy maximum coverage', params: RunParamsSchema, body: PocketBodySchema, response: { 200: PocketResultSchema, ...errors } } },
    async (req) => {
      const candidates = req.body.candidates === undefined ? undefined : polygonInput(req.body.candidates, 'candidates');
      return { runId: req.params.runId, picks: await repo.pocketParks(req.params.runId, { ...req.body, candidates }) };
    });
}
