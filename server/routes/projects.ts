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
 *   POST  /api/renewal/projects/:id/expected-effect  coverage what-if of its new park and/or life-circle what-if of its new facility, stored
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { ErrorSchema } from '../contract/common.ts';
import {
  ExpectedEffectBodySchema, ProjectCreateSchema, ProjectListQuerySchema, ProjectListSchema, ProjectParamsSchema, ProjectPatchSchema,
  ProjectSchema, RecheckSchema, TransitionBodySchema, type ProjectCreate, type ProjectPatch, type TransitionBody,
} from '../contract/renewal.ts';
import { LifeCircleService } from '../analysis/life-circle/life-circle-service.ts';
import { badRequest, notFound } from '../errors.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { greenCoverageRepository } from '../repositories/green-coverage-repository.ts';
import { lifeCircleRepository } from '../repositories/life-circle-repository.ts';
import { assertCityScope, projectRepository, type CityWriteScope } from '../repositories/project-repository.ts';
import { polygonInput } from '../validation/geojson.ts';

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
      const { coverageRunId, facility } = req.body;
      if (coverageRunId === undefined && facility === undefined) throw badRequest('send coverageRunId (a new park) or facility (a new community facility), or both');
      const p = await found(req.params.id);
      const scope = cityScopeOf(req);
      assertCityScope(scope, p.dataset); // before the what-ifs run; storeEffect checks again under its lock
      if (!p.dataset) throw badRequest(`project ${p.id} belongs to no city`);
      const actor = actorOf(req, req.body.actor);
      let out = p;
      if (coverageRunId !== undefined) {
        const runCity = await projects.coverageRunCity(coverageRunId);
        if (runCity === undefined) throw notFound(`No green-coverage run ${coverageRunId}`);
        if (runCity !== p.dataset) throw badRequest(`green-coverage run ${coverageRunId} is of city "${runCity}", the project of "${p.dataset}"`);
        const parks = req.body.parks ?? p.geometry;
        if (!parks) throw badRequest('the project has no geometry: send parks or draw the project site first');
        const w = await coverage.whatIf(coverageRunId, polygonInput(parks, 'parks'));
        out = await projects.storeEffect(p.id, actor, 'greenCoverage', { runId: w.runId, city: w.city, parks: w.parks, computedAt: new Date().toISOString() }, scope);
      }
      if (facility !== undefined) {
        const w = await lifeCircle.whatIf(facility.type, facility.lon, facility.lat, await lifeCircle.scoped({ dataset: p.dataset }));
        const { newlyCovered, city: _c, effective, ...rest } = w;
        out = await projects.storeEffect(p.id, actor, 'lifeCircle', {
          ...rest, newlyCovered: newlyCovered.map((e) => e.id), effective, computedAt: new Date().toISOString(),
        }, scope);
      }
      return out;
    });
}
