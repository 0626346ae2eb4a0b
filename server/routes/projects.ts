/**
 * Renewal project library (治理 → 复查). Handlers validate, call the repository, return; SQL in
 * server/repositories/project-repository.ts,
 * the workflow in server/renewal/project-states.ts, schemas in server/contract/renewal.ts.
 *
 *   GET   /api/renewal/projects?dataset=&stage=      projects of a city (board by stage)
 *   POST  /api/renewal/projects                      new project in 储备 (reserve) → 201
 *   GET   /api/renewal/projects/:id                  one project with its transitions
 *   PATCH /api/renewal/projects/:id                  fields and site geometry (audited)
 *   POST  /api/renewal/projects/:id/transitions      move stage {to, actor, reason}; illegal → 409
 *   GET   /api/renewal/projects/:id/recheck          复查: the addressed problems as the latest check cycle left them
 *   POST  /api/renewal/projects/:id/expected-effect  coverage what-if of its new park (a given run, else the city's latest, made if none)
 *                                                    and/or life-circle what-if of its new facility (a point, else the site), stored
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { ErrorSchema } from '../contract/common.ts';
import {
  ExpectedEffectBodySchema, ProjectCreateSchema, type GreenCoverageEffect, ProjectListQuerySchema, ProjectListSchema, ProjectParamsSchema, ProjectPatchSchema,
  ProjectSchema, RecheckSchema, TransitionBodySchema, type ProjectCreate, type ProjectPatch, type TransitionBody,
} from '../contract/renewal.ts';
import { LifeCircleService } from '../analysis/life-circle/life-circle-service.ts';
import { badRequest, notFound } from '../errors.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { greenCoverageRepository } from '../repositories/green-coverage-repository.ts';
import { lifeCircleRepository } from '../repositories/life-circle-repository.ts';
import { assertCityScope, projectRepository, type CityWriteScope } from '../repositories/project-repository.ts';
import { polygonInput, type PolygonInput } from '../validation/geojson.ts';
import { GREEN_COVERAGE_PARAMS } from '../contract/parameters.ts';

const tags = ['renewal'];
const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema };
type Params = Static<typeof ProjectParamsSchema>;

/** Who makes a change: the signed-in user, else the body's actor (sign-in off), else a 400. */
export function actorOf(req: FastifyRequest, given: string | undefined): string {
  const who = req.user?.username ?? given;
  if (!who) throw badRequest('actor is required when nobody is signed in');
  return who;
}

/** The city a city-scoped signed-in account may change; undefined for an account of every city or sign-in off. */
export function cityScopeOf(req: FastifyRequest): CityWriteScope | undefined {
  return req.user?.dataset ? { username: req.user.username, city: req.user.dataset } : undefined;
}

export default async function projectRoutes(app: FastifyInstance, opts: { deadlineMs?: number }) {
  const projects = projectRepository(app.db);
  const cities = cityRepository(app.db);
  const coverage = greenCoverageRepository(app.analysisDb);
  // Its own access table: built on the first facility what-if of a project, then kept fresh by the walking graph's change events.
  const lifeCircle = new LifeCircleService(lifeCircleRepository(app.analysisDb), app.walkGraph, cities, { deadlineMs: opts.deadlineMs });
  const found = async (id: number) => (await projects.get(id)) ?? (() => { throw notFound(`No renewal project ${id}`); })();

  app.get<{ Querystring: Static<typeof ProjectListQuerySchema> }>('/api/renewal/projects',
    { schema: { tags, summary: 'Renewal projects of a city', querystring: ProjectListQuerySchema, response: { 200: ProjectListSchema, ...errors } } },
    async (req) => ({ projects: await projects.list((await cities.resolve(req.query.dataset, { mixedYears: true })).dataset, req.query.stage) }));

  app.post<{ Body: ProjectCreate }>('/api/renewal/projects',
    { schema: { tags, summary: 'A new renewal project in the reserve list (储备); audited', body: ProjectCreateSchema, response: { 201: ProjectSchema, ...errors } } },
    async (req, reply) => {
      const city = await cities.resolve(req.body.dataset);
      const geometry = req.body.geometry ? polygonInput(req.body.geometry, 'geometry') : null;
      return reply.code(201).send(await projects.create(city, { ...req.body, actor: actorOf(req, req.body.actor) }, geometry, cityScopeOf(req)));
    });

  app.get<{ Params: Params }>('/api/renewal/projects/:id',
    { schema: { tags, summary: 'One renewal project with its stage history', params: ProjectParamsSchema, response: { 200: ProjectSchema, ...errors } } },
    async (req) => found(req.params.id));

  app.patch<{ Params: Params; Body: ProjectPatch }>('/api/renewal/projects/:id',
    { schema: { tags, summary: 'Edit a project (fields, site geometry drawn on the map); audited', params: ProjectParamsSchema, body: ProjectPatchSchema, response: { 200: ProjectSchema, ...errors } } },
    async (req) => {
      const g = req.body.geometry;
      return projects.patch(req.params.id, { ...req.body, actor: actorOf(req, req.body.actor) }, g === undefined ? undefined : g === null ? null : polygonInput(g, 'geometry'), cityScopeOf(req));
    });

  app.post<{ Params: Params; Body: TransitionBody }>('/api/renewal/projects/:id/transitions',
    { schema: { tags, summary: 'Move a project to its next stage (储备→审批→实施→完工→复查→销号) with who and why; illegal moves → 409', params: ProjectParamsSchema, body: TransitionBodySchema, response: { 200: ProjectSchema, ...errors } } },
    async (req) => projects.transition(req.params.id, req.body.to, actorOf(req, req.body.actor), req.body.reason, cityScopeOf(req)));

  app.get<{ Params: Params }>('/api/renewal/projects/:id/recheck',
    { schema: { tags, summary: 'Re-check (复查): the problems a project addresses as the latest check cycle left them (closed → resolved, else unresolved)', params: ProjectParamsSchema, response: { 200: RecheckSchema, ...errors } } },
    async (req) => projects.recheck(req.params.id));

  app.post<{ Params: Params; Body: Static<typeof ExpectedEffectBodySchema> }>('/api/renewal/projects/:id/expected-effect',
    { schema: { tags, summary: 'Expected effect: the coverage what-if of the project\'s new park on a stored run of its city and/or the life-circle what-if of its new facility, stored with the project', params: ProjectParamsSchema, body: ExpectedEffectBodySchema, response: { 200: ProjectSchema, ...errors } } },
    async (req) => {
      const { coverageRunId, park, facility } = req.body;
      if (coverageRunId === undefined && !park && facility === undefined) {
        throw badRequest('send park: true or coverageRunId (a new park), or facility (a new community facility), or both');
      }
      const p = await found(req.params.id);
      const scope = cityScopeOf(req);
      assertCityScope(scope, p.dataset); // before the what-ifs run; storeEffect checks again under its lock
      if (!p.dataset) throw badRequest(`project ${p.id} belongs to no city`);
      const city = p.dataset;
      const actor = actorOf(req, req.body.actor);
      let out = p;
      if (coverageRunId !== undefined || park) {
        const parks = req.body.parks ?? p.geometry;
        if (!parks) throw badRequest('the project has no geometry: send parks or draw the project site first');
        const polygons = polygonInput(parks, 'parks');
        out = await projects.storeEffect(p.id, actor, 'greenCoverage', await parkEffect(city, coverageRunId, polygons), scope);
      }
      if (facility !== undefined) {
        if ((facility.lon === undefined) !== (facility.lat === undefined)) throw badRequest('facility: send both lon and lat, or neither (the project site)');
        const at = facility.lon !== undefined && facility.lat !== undefined ? { lon: facility.lon, lat: facility.lat } : await projects.siteAnchor(p.id);
        if (!at) throw badRequest('facility: send lon and lat, or draw the project site first');
        const w = await lifeCircle.whatIf(facility.type, at.lon, at.lat, await lifeCircle.scoped({ dataset: city }));
        const { newlyCovered, city: _c, effective, facility: f, ...rest } = w;
        out = await projects.storeEffect(p.id, actor, 'lifeCircle', {
          ...rest, facility: { ...f, atSite: facility.lon === undefined }, newlyCovered: newlyCovered.map((e) => e.id), effective,
          computedAt: new Date().toISOString(),
        }, scope);
      }
      return out;
    });

  /**
   * The coverage what-if of a new park on run `runId` of the city, or on its latest run (one made with
   * the city's settings when it has none), with the estates it newly covers by the run's covered share.
   */
  async function parkEffect(city: string, runId: number | undefined, parks: PolygonInput): Promise<GreenCoverageEffect> {
    let run = await projects.coverageRun(runId !== undefined ? { runId } : { latestOf: city });
    let runCreated = false;
    if (runId !== undefined && run === undefined) throw notFound(`No green-coverage run ${runId}`);
    if (run === undefined) {
      const { city: c, values: { mode, target, ...rules }, effective } = await cities.scoped(city, GREEN_COVERAGE_PARAMS, {});
      const made = await coverage.run({ dataset: c.dataset, mode, target, rules, effective });
      if (!made) throw notFound(`The green-coverage run of ${city} was not stored`);
      run = await projects.coverageRun({ runId: made.runId });
      runCreated = true;
    }
    if (!run) throw notFound(`No green-coverage run of ${city}`);
    if (run.dataset !== city) throw badRequest(`green-coverage run ${run.runId} is of city "${run.dataset}", the project of "${city}"`);
    const w = await coverage.whatIf(run.runId, parks);
    const min = run.estateCoveredMinShare;
    const newly = (before: number | null, after: number | null) => (before ?? 0) < min && (after ?? 0) >= min;
    return {
      runId: w.runId, runCreated, mode: run.mode, target: run.target, city: w.city, parks: w.parks,
      estateCoveredMinShare: min,
      estatesNewlyCoveredOfficial: w.estates.filter((e) => newly(e.officialShareBefore, e.officialShareAfter)).map((e) => e.estateId),
      estatesNewlyCoveredWalking: run.mode === 'official' ? [] : w.estates.filter((e) => newly(e.walkingShareBefore, e.walkingShareAfter)).map((e) => e.estateId),
      effective: run.effective, computedAt: new Date().toISOString(),
    };
  }
}
