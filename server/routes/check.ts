/**
 * Health-check routes (城市体检: 体检 → 评价 → 监测预警, issue 11). Handlers validate, call the
 * repository or service, return; SQL lives in server/repositories/check-repository.ts and
 * sql/functions/analysis/check_*.sql, schemas in server/contract/check.ts. Every request names its
 * city (`dataset`: default the only city loaded, else 400 naming them).
 *
 *   GET  /api/check/catalogue                       indicators in force for the city (with its thresholds)
 *   POST /api/check/catalogue                       add a local indicator (地方特色指标), audited → 201
 *   PUT  /api/check/catalogue/:code/threshold       the city's target / yellow / red (null clears), audited
 *   GET  /api/check/cycles                          the city's cycles
 *   POST /api/check/cycles                          create a draft cycle {year, framework} → 201
 *   GET  /api/check/cycles/:cycleId                 one cycle with its steps and inputs
 *   POST /api/check/cycles/:cycleId/compute         compute every indicator at every level (draft only)
 *   POST /api/check/cycles/:cycleId/publish         draft → published (values final)
 *   GET  /api/check/cycles/:cycleId/values[.csv|.geojson]   values with grade, warning, rule, year-on-year change
 *   GET  /api/check/cycles/:cycleId/index           city health index (method and weights shown)
 *   GET  /api/check/trend                           one indicator and unit over the last cycles
 *   GET  /api/check/problems[.geojson|.csv]         the problem ledger (问题台账)
 *   POST /api/check/problems/:problemId             annotate / dismiss / merge, audited
 *   POST /api/check/manual-values                   CSV / XLSX of statistical / survey values (file as the body)
 *   POST /api/check/manual-values/upload            the same from the browser (base64 in JSON)
 *   POST /api/check/manual-values/entry             one value entered in the UI
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { LifeCircleService } from '../analysis/life-circle/life-circle-service.ts';
import { healthIndex } from '../check/health-index.ts';
import { readManualFile } from '../check/manual-values-file.ts';
import { activeIndicators, computeCycle } from '../check/cycle-service.ts';
import {
  CatalogueQuerySchema, CatalogueSchema, CodeParamsSchema, CycleBodySchema, CycleListQuerySchema, CycleListSchema, CycleParamsSchema, CycleSchema,
  IndexQuerySchema, IndexSchema, IndicatorSchema, LocalIndicatorBodySchema, ManualEntryBodySchema, ManualImportErrorSchema, ManualImportQuerySchema, ManualImportResultSchema, ManualUploadBodySchema, ProblemActionSchema,
  ProblemListSchema, ProblemParamsSchema, ProblemQuerySchema, ProblemSchema, ThresholdBodySchema, TrendQuerySchema, TrendSchema, ValueListSchema,
  ValuesQuerySchema, type Cycle,
} from '../contract/check.ts';
import { ErrorSchema } from '../contract/common.ts';
import { HttpError, badRequest, notFound } from '../errors.ts';
import { checkRepository, problemsToCsv, valuesToCsv } from '../repositories/check-repository.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { lifeCircleRepository } from '../repositories/life-circle-repository.ts';

const tags = ['health check'];
const errors = { 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema };
type CycleParams = Static<typeof CycleParamsSchema>;

/** "code:weight,code:weight" → weights by code. */
function parseExpert(s: string | undefined): Record<string, number> | undefined {
  if (s === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const part of s.split(',').filter(Boolean)) {
    const m = /^([a-z][a-z0-9_]*):([0-9]*\.?[0-9]+)$/.exec(part.trim());
    if (!m) throw badRequest(`expert weights must read code:weight,… with weights ≥ 0; got "${part}"`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** CPU deadline of the life-circle report inside a cycle: a batch computation, not one click. */
const CYCLE_LIFE_CIRCLE_DEADLINE_MS = 120_000;

export default async function checkRoutes(app: FastifyInstance) {
  const repo = checkRepository(app.db);
  const cities = cityRepository(app.db);
  // The cycle's own life-circle service over the shared walking graph (its access table is cached per graph/data version).
  const lifeCircle = new LifeCircleService(lifeCircleRepository(app.analysisDb), app.walkGraph, cities, { deadlineMs: CYCLE_LIFE_CIRCLE_DEADLINE_MS });
  const city = async (dataset: string | undefined) => (await cities.resolve(dataset, { mixedYears: true })).dataset;
  const cycleOf = async (id: number): Promise<Cycle> => {
    const c = await repo.cycle(id);
    if (!c) throw notFound(`No check cycle ${id}`);
    return c;
  };
  /** Writes addressed by id name no city: an account limited to one city may change only its own (as server/plugins/auth.ts does for `dataset`). */
  const mayWrite = (req: FastifyRequest, dataset: string) => {
    const user = req.user;
    if (user?.dataset && user.dataset !== dataset) throw new HttpError(403, `${user.username} may change only the city ${user.dataset}, not ${dataset}.`, 'CITY_SCOPE');
  };

  app.addContentTypeParser(['text/csv', 'text/plain', XLSX_TYPE], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get<{ Querystring: Static<typeof CatalogueQuerySchema> }>('/api/check/catalogue',
    { schema: { tags, summary: 'Indicator catalogue in force for a city: unit, direction, formula, thresholds with origin, sources and confidence', querystring: CatalogueQuerySchema, response: { 200: CatalogueSchema, ...errors } } },
    async (req) => {
      const dataset = await city(req.query.dataset);
      const framework = req.query.framework ?? '2024';
      return { dataset, framework, indicators: await repo.catalogue(dataset, framework) };
    });

  app.post<{ Body: Static<typeof LocalIndicatorBodySchema> }>('/api/check/catalogue',
    { schema: { tags, summary: 'Add a local indicator (地方特色指标) of the city, values entered per unit and year; audited', body: LocalIndicatorBodySchema, response: { 201: IndicatorSchema, ...errors } } },
    async (req, reply) => reply.code(201).send(await repo.addLocal(await city(req.body.dataset), req.body)));

  app.put<{ Params: Static<typeof CodeParamsSchema>; Body: Static<typeof ThresholdBodySchema> }>('/api/check/catalogue/:code/threshold',
    { schema: { tags, summary: 'Set the city\'s target / yellow / red thresholds of an indicator (null clears); audited', params: CodeParamsSchema, body: ThresholdBodySchema, response: { 200: IndicatorSchema, ...errors } } },
    async (req) => repo.setThreshold(await city(req.body.dataset), req.params.code, req.body));

  app.get<{ Querystring: Static<typeof CycleListQuerySchema> }>('/api/check/cycles',
    { schema: { tags, summary: 'Check cycles (一年一体检) of a city, newest first', querystring: CycleListQuerySchema, response: { 200: CycleListSchema, ...errors } } },
    async (req) => {
      const dataset = await city(req.query.dataset);
      return { dataset, cycles: await repo.cycles(dataset) };
    });

  app.post<{ Body: Static<typeof CycleBodySchema> }>('/api/check/cycles',
    { schema: { tags, summary: 'Create a draft check cycle of a city for a year', body: CycleBodySchema, response: { 201: CycleSchema, ...errors } } },
    async (req, reply) => reply.code(201).send(await repo.createCycle(await city(req.body.dataset), req.body.year, req.body.framework ?? '2024', req.body.title, req.body.gradeScheme)));

  app.get<{ Params: CycleParams }>('/api/check/cycles/:cycleId',
    { schema: { tags, summary: 'One check cycle with the steps of its last computation and the import runs it read', params: CycleParamsSchema, response: { 200: CycleSchema, ...errors } } },
    async (req) => cycleOf(req.params.cycleId));

  app.post<{ Params: CycleParams }>('/api/check/cycles/:cycleId/compute',
    { schema: { tags, summary: 'Compute every indicator of the cycle at every level (draft cycles only); updates the problem ledger', params: CycleParamsSchema, response: { 200: CycleSchema, ...errors } } },
    async (req) => {
      mayWrite(req, (await cycleOf(req.params.cycleId)).dataset);
      await computeCycle(app.analysisDb, req.params.cycleId, { lifeCircle });
      return cycleOf(req.params.cycleId);
    });

  app.post<{ Params: CycleParams }>('/api/check/cycles/:cycleId/publish',
    { schema: { tags, summary: 'Publish a computed cycle (draft → published); its values become final', params: CycleParamsSchema, response: { 200: CycleSchema, ...errors } } },
    async (req) => {
      mayWrite(req, (await cycleOf(req.params.cycleId)).dataset);
      return repo.publish(req.params.cycleId);
    });

  app.get<{ Params: CycleParams; Querystring: Static<typeof ValuesQuerySchema> }>('/api/check/cycles/:cycleId/values',
    { schema: { tags, summary: 'Values of a cycle (filter by indicator, unit kind, unit, warning) with grade, warning, rule fired and year-on-year change', params: CycleParamsSchema, querystring: ValuesQuerySchema, response: { 200: ValueListSchema, ...errors } } },
    async (req) => {
      const c = await cycleOf(req.params.cycleId);
      return { cycleId: c.id, year: c.year, dataset: c.dataset, values: await repo.values(c.id, req.query) };
    });

  app.get<{ Params: CycleParams; Querystring: Static<typeof ValuesQuerySchema> }>('/api/check/cycles/:cycleId/values.csv',
    { schema: { tags, summary: 'Values of a cycle as CSV', params: CycleParamsSchema, querystring: ValuesQuerySchema, produces: ['text/csv'] } },
    async (req, reply) => {
      const c = await cycleOf(req.params.cycleId);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="check-${c.dataset}-${c.year}-values.csv"`)
        .send(valuesToCsv(await repo.values(c.id, req.query)));
    });

  app.get<{ Params: CycleParams; Querystring: Static<typeof ValuesQuerySchema> }>('/api/check/cycles/:cycleId/values.geojson',
    { schema: { tags, summary: 'Values of a cycle with their unit geometry (choropleth) as GeoJSON', params: CycleParamsSchema, querystring: ValuesQuerySchema, produces: ['application/geo+json'] } },
    async (req, reply) => {
      const c = await cycleOf(req.params.cycleId);
      return reply.type('application/geo+json').send(await repo.valuesGeoJson(c.id, c.dataset, req.query));
    });

  app.get<{ Params: CycleParams; Querystring: Static<typeof IndexQuerySchema> }>('/api/check/cycles/:cycleId/index',
    { schema: { tags, summary: 'City health index (城市健康指数): normalised, weighted, by dimension, with obstacle degrees; method and weights shown', params: CycleParamsSchema, querystring: IndexQuerySchema, response: { 200: IndexSchema, ...errors } } },
    async (req) => {
      const c = await cycleOf(req.params.cycleId);
      const level = req.query.level ?? 'city';
      const weights = req.query.weights ?? 'equal';
      const expert = parseExpert(req.query.expert);
      if (weights === 'expert' && !expert) throw badRequest('weights=expert needs expert=code:weight,…');
      const defs = await activeIndicators(app.db, c.dataset, c.framework);
      const values = await repo.values(c.id, { unitKind: level });
      if (weights === 'entropy' && new Set(values.map((v) => v.unitId)).size < 2) {
        throw badRequest(`entropy weights need at least two units; level ${level} has ${new Set(values.map((v) => v.unitId)).size} in this cycle (try level=subdistrict or community)`);
      }
      return healthIndex(defs, values, { cycleId: c.id, year: c.year, level, norm: req.query.norm ?? 'target', weights, expertWeights: expert, aggregate: req.query.aggregate ?? 'sum', framework: c.framework });
    });

  app.get<{ Querystring: Static<typeof TrendQuerySchema> }>('/api/check/trend',
    { schema: { tags, summary: 'One indicator of one unit over the last cycles (五年一评估)', querystring: TrendQuerySchema, response: { 200: TrendSchema, ...errors } } },
    async (req) => {
      const dataset = await city(req.query.dataset);
      const unitKind = req.query.unitKind ?? 'city';
      if ((unitKind === 'city') !== (req.query.unitId === undefined)) throw badRequest('unitId is required for every unit kind but city, and not allowed for the city');
      const unitId = req.query.unitId ?? null;
      return { dataset, indicator: req.query.indicator, unitKind, unitId, points: await repo.trend(dataset, req.query.indicator, unitKind, unitId, req.query.years ?? 5) };
    });

  app.get<{ Querystring: Static<typeof ProblemQuerySchema> }>('/api/check/problems',
    { schema: { tags, summary: 'The problem ledger (问题台账) of a city, filterable by indicator, unit kind, severity and status', querystring: ProblemQuerySchema, response: { 200: ProblemListSchema, ...errors } } },
    async (req) => {
      const { dataset, ...f } = req.query;
      const id = await city(dataset);
      return { dataset: id, problems: await repo.problems(id, f) };
    });

  app.get<{ Querystring: Static<typeof ProblemQuerySchema> }>('/api/check/problems.geojson',
    { schema: { tags, summary: 'The problem ledger as GeoJSON', querystring: ProblemQuerySchema, produces: ['application/geo+json'] } },
    async (req, reply) => {
      const { dataset, ...f } = req.query;
      return reply.type('application/geo+json').send(await repo.problemsGeoJson(await city(dataset), f));
    });

  app.get<{ Querystring: Static<typeof ProblemQuerySchema> }>('/api/check/problems.csv',
    { schema: { tags, summary: 'The problem ledger as CSV', querystring: ProblemQuerySchema, produces: ['text/csv'] } },
    async (req, reply) => {
      const { dataset, ...f } = req.query;
      const id = await city(dataset);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="check-${id}-problems.csv"`)
        .send(problemsToCsv(await repo.problems(id, f)));
    });

  app.post<{ Params: Static<typeof ProblemParamsSchema>; Body: Static<typeof ProblemActionSchema> }>('/api/check/problems/:problemId',
    { schema: { tags, summary: 'Annotate (optionally: in treatment), dismiss or merge a problem, with a reason; audited', params: ProblemParamsSchema, body: ProblemActionSchema, response: { 200: ProblemSchema, ...errors } } },
    async (req) => {
      const dataset = await repo.problemCity(req.params.problemId);
      if (dataset === undefined) throw notFound(`No problem ${req.params.problemId}`);
      mayWrite(req, dataset);
      return repo.problemAction(req.params.problemId, req.body);
    });

  /** Reads, checks and stores a manual-values file; 400 with the row-level issues when any (nothing stored). */
  const importManual = async (reply: FastifyReply, q: { dataset?: string; source: string; fileName?: string }, bytes: Buffer, format: 'csv' | 'xlsx') => {
    const dataset = await city(q.dataset);
    const parsed = await readManualFile(bytes, format);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const result = parsed.errors.length
      ? { stored: 0, errors: parsed.errors }
      : await repo.storeManual(dataset, parsed.rows, { source: q.source, fileName: q.fileName, sha256 });
    const first = result.errors[0];
    return reply.code(result.errors.length ? 400 : 200).send({
      dataset, rows: parsed.rows.length + new Set(parsed.errors.filter((e) => e.row > 0).map((e) => e.row)).size, stored: result.stored, errors: result.errors,
      ...(first ? { message: `nothing stored: ${result.errors.length} issue(s); first: row ${first.row}, ${first.field}: ${first.message}` } : {}),
    });
  };

  app.post<{ Querystring: Static<typeof ManualImportQuerySchema>; Body: Buffer }>('/api/check/manual-values',
    { schema: { tags, summary: 'Import statistical / survey values (CSV or XLSX body: indicator, unit_kind, unit_id, year, value) with their source; all rows or none', querystring: ManualImportQuerySchema, consumes: ['text/csv', XLSX_TYPE], response: { 200: ManualImportResultSchema, 400: ManualImportErrorSchema, 403: ErrorSchema } } },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) throw badRequest(`send the file as the request body with content-type text/csv or ${XLSX_TYPE}`);
      return importManual(reply, req.query, req.body, req.headers['content-type']?.startsWith(XLSX_TYPE) ? 'xlsx' : 'csv');
    });

  app.post<{ Body: Static<typeof ManualUploadBodySchema> }>('/api/check/manual-values/upload',
    { schema: { tags, summary: 'The same import from the browser: the file base64-encoded in JSON', body: ManualUploadBodySchema, response: { 200: ManualImportResultSchema, 400: ManualImportErrorSchema, 403: ErrorSchema } } },
    async (req, reply) => importManual(reply, req.body, Buffer.from(req.body.contentBase64, 'base64'), req.body.format));

  app.post<{ Body: Static<typeof ManualEntryBodySchema> }>('/api/check/manual-values/entry',
    { schema: { tags, summary: 'Enter one statistical / survey value (one unit, one year) with its source; audited', body: ManualEntryBodySchema, response: { 200: ManualImportResultSchema, 400: ManualImportErrorSchema, 403: ErrorSchema } } },
    async (req, reply) => {
      const dataset = await city(req.body.dataset);
      const { indicator, unitKind, unitId, year, value, source } = req.body;
      if ((unitKind === 'city') !== (unitId === undefined)) throw badRequest('unitId is required for every unit kind but city, and not allowed for the city');
      const result = await repo.storeManual(dataset, [{ code: indicator, unitKind, unitId: unitId ?? null, year, value, row: 1 }], { source });
      const first = result.errors[0];
      return reply.code(first ? 400 : 200).send({ dataset, rows: 1, stored: result.stored, errors: result.errors, ...(first ? { message: `nothing stored: ${first.field}: ${first.message}` } : {}) });
    });
}
