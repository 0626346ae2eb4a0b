/**
 * Diagnosis (诊断) and waterlogging (内涝) routes. Handlers validate, call the repository, return;
 * SQL lives in sql/functions/analysis/diagnosis_*.sql and waterlogging_*.sql, schemas in
 * server/contract/diagnosis.ts, scoring and statistics in server/diagnosis/diagnosis-engine.ts.
 * A run is per city (`dataset`: default the only city, else 400 naming them) and stores its city,
 * metric CRS and effective parameters with their origin.
 *
 *   POST /api/analysis/diagnosis                          units + indicators + disease score + Gi* and LISA → stored run
 *   GET  /api/analysis/diagnosis/:runId                   a stored run
 *   GET  /api/analysis/diagnosis/:runId/units.geojson     units with scores and classes (EPSG:4326)
 *   GET  /api/analysis/diagnosis/:runId/units.csv         the same as CSV
 *   GET  /api/analysis/diagnosis/:runId/units/:unitNo     why is this unit hot: factors, obstacle degrees, neighbours
 *   GET  /api/analysis/diagnosis/:runId/waterlogging      waterlogging per unit: points within the distance, untreated, severity-weighted, density
 *   POST /api/analysis/diagnosis/:runId/recompute         other criteria / weights over the stored indicators (nothing stored)
 *   GET  /api/analysis/waterlogging                       points by status/depth/recurrence, density, exposure per estate
 *   PATCH /api/waterlogging-points/:pointId               status move (illegal → 409), note, remediation project (history + audit by trigger)
 *   GET  /api/waterlogging-points/:pointId/history        a point's status history
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { ErrorSchema } from '../contract/common.ts';
import {
  DIAGNOSIS_PARAMS, DiagnosisExplainSchema, DiagnosisMethodSchema, DiagnosisRecomputeSchema, DiagnosisRunBodySchema,
  DiagnosisRunParamsSchema, DiagnosisRunSchema, DiagnosisWaterloggingSchema, DiagnosisUnitParamsSchema, WaterloggingHistorySchema, WaterloggingPointParamsSchema,
  WaterloggingPointPatchSchema, WaterloggingPointSchema, WaterloggingQuerySchema, WaterloggingReportSchema,
  type DiagnosisMethod, type DiagnosisRunBody, type WaterloggingPointPatch,
} from '../contract/diagnosis.ts';
import { notFound } from '../errors.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { diagnosisRepository, unitsToCsv } from '../repositories/diagnosis-repository.ts';
import { DiagnosisService } from '../diagnosis/diagnosis-service.ts';

const tags = ['analysis'];
const errors = { 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema };
type RunParams = Static<typeof DiagnosisRunParamsSchema>;

export interface DiagnosisRouteOptions {
  /** CPU deadline of the statistics of one request in ms (→ 503 + Retry-After). */
  deadlineMs?: number;
}

export default async function diagnosisRoutes(app: FastifyInstance, opts: DiagnosisRouteOptions = {}) {
  const repo = diagnosisRepository(app.analysisDb); // heavy runs queue on the analysis pool (server/plugins/db.ts)
  const writes = diagnosisRepository(app.db);
  // Read-only reports over notified layer tables may come from a read replica (server/plugins/replica.ts).
  const reads = diagnosisRepository(app.replicas.readDb);
  const service = new DiagnosisService(repo, cityRepository(app.db), { deadlineMs: opts.deadlineMs });
  const found = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw notFound(what);
    return x;
  };

  app.post<{ Body: DiagnosisRunBody }>('/api/analysis/diagnosis',
    { config: { auth: 'read' }, schema: { tags, summary: 'Diagnosis of one city: units (grid or 社区/街道) clipped to the built-up area, indicators, disease score, Gi* and local Moran with FDR; stored', body: DiagnosisRunBodySchema, response: { 200: DiagnosisRunSchema, ...errors } } },
    async (req) => service.run(req.body));

  app.get<{ Params: RunParams }>('/api/analysis/diagnosis/:runId',
    { schema: { tags, summary: 'A stored diagnosis run', params: DiagnosisRunParamsSchema, response: { 200: DiagnosisRunSchema, ...errors } } },
    async (req) => found(await repo.get(req.params.runId), `No diagnosis run ${req.params.runId}`));

  app.get<{ Params: RunParams }>('/api/analysis/diagnosis/:runId/units.geojson',
    { schema: { tags, summary: 'Units of a diagnosis run with scores, z, p and classes as GeoJSON (EPSG:4326)', params: DiagnosisRunParamsSchema, produces: ['application/geo+json'] } },
    async (req, reply) => {
      found(await repo.head(req.params.runId), `No diagnosis run ${req.params.runId}`);
      return reply.type('application/geo+json').header('content-disposition', `inline; filename="diagnosis-${req.params.runId}-units.geojson"`)
        .send(await repo.unitsGeoJson(req.params.runId));
    });

  app.get<{ Params: RunParams }>('/api/analysis/diagnosis/:runId/units.csv',
    { schema: { tags, summary: 'Units of a diagnosis run as CSV', params: DiagnosisRunParamsSchema, produces: ['text/csv'] } },
    async (req, reply) => {
      found(await repo.head(req.params.runId), `No diagnosis run ${req.params.runId}`);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="diagnosis-${req.params.runId}-units.csv"`)
        .send(unitsToCsv(await repo.units(req.params.runId)));
    });

  app.get<{ Params: Static<typeof DiagnosisUnitParamsSchema> }>('/api/analysis/diagnosis/:runId/units/:unitNo',
    { schema: { tags, summary: 'Why is this unit hot? Its indicators, normalised values, weights and obstacle degrees (障碍度), and the neighbours used', params: DiagnosisUnitParamsSchema, response: { 200: DiagnosisExplainSchema, ...errors } } },
    async (req) => found(await repo.explain(req.params.runId, req.params.unitNo), `No unit ${req.params.unitNo} in diagnosis run ${req.params.runId}`));

  app.get<{ Params: RunParams }>('/api/analysis/diagnosis/:runId/waterlogging',
    { schema: { tags, summary: 'Waterlogging (内涝) per unit of a run: points within waterloggingDistanceM (all, untreated, by status), severity-weighted, untreated per km² of built-up area; with the parameters', params: DiagnosisRunParamsSchema, response: { 200: DiagnosisWaterloggingSchema, ...errors } } },
    async (req) => found(await repo.unitWaterlogging(req.params.runId), `No diagnosis run ${req.params.runId}`));

  app.post<{ Params: RunParams; Body: DiagnosisMethod }>('/api/analysis/diagnosis/:runId/recompute',
    { config: { auth: 'read' }, schema: { tags, summary: 'Disease score and hotspot classes with other indicators or weights over a stored run (nothing stored)', params: DiagnosisRunParamsSchema, body: DiagnosisMethodSchema, response: { 200: DiagnosisRecomputeSchema, ...errors } } },
    async (req) => service.recompute(req.params.runId, req.body));

  app.get<{ Querystring: Static<typeof WaterloggingQuerySchema> }>('/api/analysis/waterlogging',
    { schema: { tags, summary: 'Waterlogging points of a city by status, depth and recurrence, density per km² of built-up area, exposure per estate', querystring: WaterloggingQuerySchema, response: { 200: WaterloggingReportSchema, ...errors } } },
    async (req) => {
      const { city, values, effective } = await cityRepository(app.db).scoped(req.query.dataset, {
        waterloggingDistanceM: DIAGNOSIS_PARAMS.waterloggingDistanceM, closingM: DIAGNOSIS_PARAMS.closingM,
      }, { waterloggingDistanceM: req.query.distanceM });
      return reads.waterlogging(city, values.waterloggingDistanceM, values.closingM, effective);
    });

  app.patch<{ Params: Static<typeof WaterloggingPointParamsSchema>; Body: WaterloggingPointPatch }>('/api/waterlogging-points/:pointId',
    { schema: { tags: ['layers'], summary: 'Change a waterlogging point\'s status 未治理 → 治理中 → 已销号 (or reopen) and its remediation project; illegal move → 409; history + audit name the signed-in user; tiles refreshed', params: WaterloggingPointParamsSchema, body: WaterloggingPointPatchSchema, response: { 200: WaterloggingPointSchema, ...errors, 409: ErrorSchema } } },
    async (req) => {
      const scope = req.user?.dataset ? { username: req.user.username, city: req.user.dataset } : undefined;
      return found(await writes.patchPoint(req.params.pointId, req.body, scope), `No waterlogging point ${req.params.pointId}`);
    });

  app.get<{ Params: Static<typeof WaterloggingPointParamsSchema> }>('/api/waterlogging-points/:pointId/history',
    { schema: { tags: ['layers'], summary: 'A waterlogging point\'s status history (time, actor, note), across check years of the same ledger id', params: WaterloggingPointParamsSchema, response: { 200: WaterloggingHistorySchema, ...errors } } },
    async (req) => found(await repo.pointHistory(req.params.pointId), `No waterlogging point ${req.params.pointId}`));
}

