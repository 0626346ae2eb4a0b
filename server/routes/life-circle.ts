/**
 * Life-circle routes (生活圈, issue 6). Everything is answered from the in-memory walking graph
 * (server/plugins/walk-graph.ts) through LifeCircleService; handlers validate, call, return.
 * Every route is per city: `dataset` (default: the only city loaded, else 400 naming them); every
 * result reports its city, metric CRS and effective parameters with their origin.
 * Schemas: server/contract/life-circle.ts.
 *
 *   GET|POST /api/analysis/life-circle                 checklist per estate + shares by area (JSON)
 *   GET      /api/analysis/life-circle/estates.csv     one row per estate
 *   GET      /api/analysis/life-circle/shortfall/:type estates missing a type (GeoJSON)
 *   GET      /api/analysis/isochrone                   5/10/15-minute polygons + facility counts
 *   POST     /api/analysis/life-circle/what-if         a proposed facility: estates newly covered
 */
import type { FastifyInstance } from 'fastify';
import { LifeCircleService } from '../analysis/life-circle/life-circle-service.ts';
import { LifeCircleParamError, estatesCsv } from '../analysis/life-circle/life-circle-report.ts';
import { ErrorSchema } from '../contract/common.ts';
import {
  IsochroneQuerySchema, IsochroneSchema, LifeCircleBodySchema, LifeCircleQuerySchema, LifeCircleReportSchema, LifeCircleWhatIfBodySchema,
  LifeCircleWhatIfSchema, ShortfallParamsSchema, ShortfallSchema,
  type IsochroneQuery, type LifeCircleBody, type LifeCircleQuery, type LifeCircleWhatIfBody,
} from '../contract/life-circle.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { lifeCircleRepository } from '../repositories/life-circle-repository.ts';

const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
const tags = ['analysis'];
const errors = { 400: ErrorSchema, 503: ErrorSchema };

export interface LifeCircleRouteOptions {
  /** CPU deadline of one analysis request in ms (→ 503 + Retry-After); see LifeCircleService. */
  deadlineMs?: number;
}

export default async function lifeCircleRoutes(app: FastifyInstance, opts: LifeCircleRouteOptions = {}) {
  const repo = lifeCircleRepository(app.analysisDb); // heavy runs queue on the analysis pool (server/plugins/db.ts)
  const service = new LifeCircleService(repo, app.walkGraph, cityRepository(app.db), { deadlineMs: opts.deadlineMs });
  const fromQuery = (q: LifeCircleQuery) => service.scoped({ dataset: q.dataset, types: list(q.types), tiers: list(q.tier), speed: q.speed, maxDistance: q.maxDistance });

  app.get<{ Querystring: LifeCircleQuery }>(
    '/api/analysis/life-circle',
    { schema: { tags, summary: 'Life-circle checklist per estate and shares by district/subdistrict, for one city', querystring: LifeCircleQuerySchema, response: { 200: LifeCircleReportSchema, ...errors } } },
    async (req) => service.report(await fromQuery(req.query)),
  );

  app.post<{ Body: LifeCircleBody }>(
    '/api/analysis/life-circle',
    { schema: { tags, summary: 'Life-circle analysis of one city (optionally stored as a run)', body: LifeCircleBodySchema, response: { 200: LifeCircleReportSchema, ...errors } } },
    async (req) => {
      const t0 = performance.now();
      const scoped = await service.scoped(req.body);
      const report = await service.report(scoped);
      if (!req.body.save) return report;
      const rows = report.estates.flatMap((e) =>
        e.checklist.map((c) => ({ estateId: e.id, type: c.type, distanceM: c.distanceM, standardM: c.standardM, met: c.status === 'met', reason: c.reason ?? null, facilityId: c.facilityId })),
      );
      const runId = await repo.saveRun({
        params: { ...scoped.params, ...report.method }, catalog: report.catalog, graph: report.graph, summary: report.summary,
        durationMs: performance.now() - t0, rows, estateCount: report.estates.length,
        dataset: scoped.city.dataset, metricCrs: scoped.city.metricCrs, effective: scoped.effective,
      });
      return { runId, ...report };
    },
  );

  app.get<{ Querystring: LifeCircleQuery }>(
    '/api/analysis/life-circle/estates.csv',
    { schema: { tags, summary: 'Life-circle checklist of one city, one CSV row per estate', querystring: LifeCircleQuerySchema, produces: ['text/csv'] } },
    async (req, reply) => {
      const report = await service.report(await fromQuery(req.query));
      reply.header('content-disposition', `attachment; filename="life-circle-${report.city.dataset}-estates.csv"`);
      return reply.type('text/csv; charset=utf-8').send(estatesCsv(report));
    },
  );

  app.get<{ Params: { type: string }; Querystring: LifeCircleQuery }>(
    '/api/analysis/life-circle/shortfall/:type',
    { schema: { tags, summary: 'Estates of one city not within the standard distance of a facility type (GeoJSON)', params: ShortfallParamsSchema, querystring: LifeCircleQuerySchema, response: { 200: ShortfallSchema, ...errors } } },
    async (req, reply) => {
      const scoped = await service.scoped({ dataset: req.query.dataset, types: [req.params.type], speed: req.query.speed, maxDistance: req.query.maxDistance });
      const report = await service.report(scoped);
      const short = report.estates.filter((e) => e.checklist[0].status !== 'met');
      const geoms = await repo.estateGeometries(short.map((e) => e.id));
      reply.type('application/geo+json');
      return {
        type: 'FeatureCollection' as const,
        features: short.map((e) => {
          const c = e.checklist[0];
          return {
            type: 'Feature' as const,
            id: e.id,
            geometry: geoms.get(e.id) ?? null,
            properties: {
              name: e.name, nameDerived: e.nameDerived, residents: e.residents, type: c.type, standardM: c.standardM, distanceM: c.distanceM,
              gapM: c.distanceM === null ? null : Math.round((c.distanceM - c.standardM) * 10) / 10, status: c.status, note: c.note ?? null,
            },
          };
        }),
        standardM: report.catalog[0]?.standardDistanceM ?? null,
        city: report.city,
        effective: report.effective,
      };
    },
  );

  app.get<{ Querystring: IsochroneQuery }>(
    '/api/analysis/isochrone',
    { schema: { tags, summary: 'Walking isochrones from a point with facility counts (speed from the city\'s settings)', querystring: IsochroneQuerySchema, response: { 200: IsochroneSchema, ...errors } } },
    async (req) => {
      const minutes = req.query.minutes.split(',').map(Number);
      if (minutes.some((m) => !(m > 0 && m <= 60))) throw new LifeCircleParamError('minutes must be between 0 and 60');
      return service.isochrone(req.query.lon, req.query.lat, minutes, await service.scoped({ dataset: req.query.dataset, speed: req.query.speed }));
    },
  );

  app.post<{ Body: LifeCircleWhatIfBody }>(
    '/api/analysis/life-circle/what-if',
    { config: { auth: 'read' }, schema: { tags, summary: 'A proposed facility (not saved): estates of the city it brings within standard', body: LifeCircleWhatIfBodySchema, response: { 200: LifeCircleWhatIfSchema, ...errors } } },
    async (req) => service.whatIf(req.body.type, req.body.lon, req.body.lat, await service.scoped(req.body)),
  );
}
