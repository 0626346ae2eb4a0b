/**
 * Renewal analysis routes (城市更新: ranked candidates, heritage and 2021-rule checks). Handlers
 * validate, call the repository, return; SQL in sql/functions/analysis/renewal_*.sql, ranking and
 * rules in server/renewal/, schemas in server/contract/renewal.ts. Per city (`dataset`), with every
 * effective parameter and its origin.
 *
 *   POST /api/analysis/renewal/candidates   ranked candidates with reasons, heritage mode, 留改拆, sensitivity
 *   POST /api/analysis/renewal/constraints  one estate or drawn site: heritage hard checks, 2021 rules, 留改拆 per building
 */
import type { FastifyInstance } from 'fastify';
import { ErrorSchema } from '../contract/common.ts';
import {
  CandidatesBodySchema, CandidatesResultSchema, ConstraintsBodySchema, ConstraintsResultSchema, RENEWAL_PARAMS,
  type CandidatesBody, type ConstraintsBody,
} from '../contract/renewal.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { renewalRepository } from '../repositories/renewal-repository.ts';
import { polygonInput } from '../validation/geojson.ts';

const tags = ['renewal'];
const errors = { 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema };

export default async function renewalRoutes(app: FastifyInstance) {
  const repo = renewalRepository(app.analysisDb);
  // Any change of the layers (edits, imports, settings; or a reconnect) makes cached criteria stale.
  const unsubscribe = app.changeFeed.subscribe(() => repo.invalidate());
  app.addHook('onClose', async () => unsubscribe());
  const cities = cityRepository(app.db);

  app.post<{ Body: CandidatesBody }>('/api/analysis/renewal/candidates',
    { schema: { tags, summary: 'Ranked renewal candidates (estates) of a city with reasons, heritage mode, 留改拆 and weight sensitivity', body: CandidatesBodySchema, response: { 200: CandidatesResultSchema, ...errors } } },
    async (req) => {
      const { city, values, effective } = await cities.scoped(req.body.dataset, RENEWAL_PARAMS, req.body.params ?? {});
      return repo.candidates(city, values, effective, { method: req.body.method ?? 'weighted_sum', weights: req.body.weights, topN: req.body.topN ?? 10, limit: req.body.limit });
    });

  app.post<{ Body: ConstraintsBody }>('/api/analysis/renewal/constraints',
    { schema: { tags, summary: 'Heritage hard checks, 2021 anti-demolition rules and 留改拆 for an estate or a drawn site', body: ConstraintsBodySchema, response: { 200: ConstraintsResultSchema, ...errors } } },
    async (req) => {
      const { city, values, effective } = await cities.scoped(req.body.dataset, RENEWAL_PARAMS, req.body.params ?? {});
      const polygon = req.body.site === undefined ? undefined : polygonInput(req.body.site, 'site');
      return repo.constraints(city, values, effective, { estateId: req.body.estateId, polygon }, req.body.scenario);
    });
}
