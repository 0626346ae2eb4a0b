/**
 * Life-circle routes (生活圈, issue 6). Everything is answered from the in-memory walking graph
 * (server/plugins/walk-graph.ts) through LifeCircleService; handlers validate, call, return.
 *
 *   GET|POST /api/analysis/life-circle                 checklist per estate + shares by area (JSON)
 *   GET      /api/analysis/life-circle/estates.csv     one row per estate
 *   GET      /api/analysis/life-circle/shortfall/:type estates missing a type (GeoJSON)
 *   GET      /api/analysis/isochrone                   5/10/15-minute polygons + facility counts
 *   POST     /api/analysis/life-circle/what-if         a proposed facility: estates newly covered
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { LifeCircleService } from '../analysis/life-circle/life-circle-service.ts';
import { FiniteNumber, Lat, Lon } from '../contract/geo.ts';
import { LifeCircleParamError, estatesCsv } from '../analysis/life-circle/life-circle-report.ts';
import { lifeCircleRepository } from '../repositories/life-circle-repository.ts';

const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

const DatasetSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 100, description: 'app.dataset id (city): only its estates, with its facility catalog (GET /api/facility-types?dataset=…); default: all estates, default catalog' });

const QuerySchema = Type.Object({
  types: Type.Optional(Type.String({ maxLength: 1000, description: 'Comma-separated facility type codes (default: all with a standard distance)' })),
  tier: Type.Optional(Type.String({ maxLength: 100, description: 'Comma-separated tiers: 5min,10min,15min,block' })),
  speed: Type.Optional(FiniteNumber({ minimum: 10, maximum: 300, description: 'Walking speed m/min (default app.setting walking_speed_m_per_min = 80)' })),
  maxDistance: Type.Optional(FiniteNumber({ minimum: 100, maximum: 10000, description: 'Search cut-off in metres (default 2000); beyond it: "none within X m"' })),
  dataset: Type.Optional(DatasetSchema),
});
type Query = Static<typeof QuerySchema>;

const BodySchema = Type.Object({
  types: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), { maxItems: 100 })),
  tiers: Type.Optional(Type.Array(Type.String(), { maxItems: 4 })),
  speed: Type.Optional(FiniteNumber({ minimum: 10, maximum: 300 })),
  maxDistance: Type.Optional(FiniteNumber({ minimum: 100, maximum: 10000 })),
  dataset: Type.Optional(DatasetSchema),
  save: Type.Optional(Type.Boolean({ description: 'Store the run (parameters, catalog and every result) in app.life_circle_run/result' })),
});

const IsochroneSchema = Type.Object({
  lon: Lon(),
  lat: Lat(),
  minutes: Type.String({ default: '5,10,15', pattern: '^\\s*\\d+(\\.\\d+)?(\\s*,\\s*\\d+(\\.\\d+)?){0,4}\\s*$', description: 'Up to 5 comma-separated minute limits' }),
  speed: Type.Optional(FiniteNumber({ minimum: 10, maximum: 300 })),
});

const WhatIfSchema = Type.Object({
  type: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
  lon: Lon(),
  lat: Lat(),
  speed: Type.Optional(FiniteNumber({ minimum: 10, maximum: 300 })),
  maxDistance: Type.Optional(FiniteNumber({ minimum: 100, maximum: 10000 })),
  dataset: Type.Optional(DatasetSchema),
});

export default async function lifeCircleRoutes(app: FastifyInstance) {
  const repo = lifeCircleRepository(app.db);
  const service = new LifeCircleService(repo, app.walkGraph);
  const fromQuery = (q: Query) => service.params({ types: list(q.types), tiers: list(q.tier), speed: q.speed, maxDistance: q.maxDistance, dataset: q.dataset });

  app.get<{ Querystring: Query }>(
    '/api/analysis/life-circle',
    { schema: { tags: ['analysis'], summary: 'Life-circle checklist per estate and shares by district/subdistrict', querystring: QuerySchema } },
    async (req) => service.report(await fromQuery(req.query)),
  );

  app.post<{ Body: Static<typeof BodySchema> }>(
    '/api/analysis/life-circle',
    { schema: { tags: ['analysis'], summary: 'Life-circle analysis (optionally stored as a run)', body: BodySchema } },
    async (req) => {
      const t0 = performance.now();
      const params = await service.params({ types: req.body.types, tiers: req.body.tiers, speed: req.body.speed, maxDistance: req.body.maxDistance, dataset: req.body.dataset });
      const report = await service.report(params);
      if (!req.body.save) return report;
      const rows = report.estates.flatMap((e) =>
        e.checklist.map((c) => ({ estateId: e.id, type: c.type, distanceM: c.distanceM, standardM: c.standardM, met: c.status === 'met', reason: c.reason ?? null, facilityId: c.facilityId })),
      );
      const runId = await repo.saveRun({ params: report.params, catalog: report.catalog, graph: report.graph, summary: report.summary, durationMs: performance.now() - t0, rows, estateCount: report.estates.length });
      return { runId, ...report };
    },
  );

  app.get<{ Querystring: Query }>(
    '/api/analysis/life-circle/estates.csv',
    { schema: { tags: ['analysis'], summary: 'Life-circle checklist, one CSV row per estate', querystring: QuerySchema } },
    async (req, reply) => {
      const report = await service.report(await fromQuery(req.query));
      reply.header('content-disposition', 'attachment; filename="life-circle-estates.csv"');
      return reply.type('text/csv; charset=utf-8').send(estatesCsv(report));
    },
  );

  app.get<{ Params: { type: string }; Querystring: Query }>(
    '/api/analysis/life-circle/shortfall/:type',
    { schema: { tags: ['analysis'], summary: 'Estates not within the standard distance of a facility type (GeoJSON)', params: Type.Object({ type: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }) }), querystring: QuerySchema } },
    async (req, reply) => {
      const params = await service.params({ types: [req.params.type], speed: req.query.speed, maxDistance: req.query.maxDistance, dataset: req.query.dataset });
      const report = await service.report(params);
      const short = report.estates.filter((e) => e.checklist[0].status !== 'met');
      const geoms = await repo.estateGeometries(short.map((e) => e.id));
      reply.type('application/geo+json');
      return {
        type: 'FeatureCollection',
        features: short.map((e) => {
          const c = e.checklist[0];
          return {
            type: 'Feature',
            id: e.id,
            geometry: geoms.get(e.id) ?? null,
            properties: { name: e.name, residents: e.residents, type: c.type, standardM: c.standardM, distanceM: c.distanceM, gapM: c.distanceM === null ? null : Math.round((c.distanceM - c.standardM) * 10) / 10, status: c.status, note: c.note ?? null },
          };
        }),
        standardM: report.catalog[0]?.standardDistanceM,
        params: report.params,
      };
    },
  );

  app.get<{ Querystring: Static<typeof IsochroneSchema> }>(
    '/api/analysis/isochrone',
    { schema: { tags: ['analysis'], summary: 'Walking isochrones from a point with facility counts', querystring: IsochroneSchema } },
    async (req) => {
      const minutes = req.query.minutes.split(',').map(Number);
      if (minutes.some((m) => !(m > 0 && m <= 60))) throw new LifeCircleParamError('minutes must be between 0 and 60');
      const { speedMPerMin } = await service.params({ speed: req.query.speed });
      return service.isochrone(req.query.lon, req.query.lat, minutes, speedMPerMin);
    },
  );

  app.post<{ Body: Static<typeof WhatIfSchema> }>(
    '/api/analysis/life-circle/what-if',
    { schema: { tags: ['analysis'], summary: 'A proposed facility (not saved): estates it brings within standard', body: WhatIfSchema } },
    async (req) => {
      const p = await service.params({ speed: req.body.speed, maxDistance: req.body.maxDistance, dataset: req.body.dataset });
      return service.whatIf(req.body.type, req.body.lon, req.body.lat, p.speedMPerMin, p.maxDistanceM, p.dataset);
    },
  );
}
