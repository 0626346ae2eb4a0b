/**
 * Renewal analysis routes (城市更新: ranked candidates, heritage and 2021-rule checks). Handlers
 * validate, call the repository, return; SQL in sql/functions/analysis/renewal_*.sql, ranking and
 * rules in server/renewal/, schemas in server/contract/renewal.ts. Per city (`dataset`), with every
 * effective parameter and its origin.
 *
 *   POST /api/analysis/renewal/candidates   ranked candidates (estates, 街区, drawn sites) with reasons, heritage mode, 留改拆, sensitivity
 *   POST /api/analysis/renewal/constraints  one estate or drawn site: heritage hard checks, 2021 rules, 留改拆 per building
 *   PATCH /api/renewal/ledger/estates/:id     renovation status / class / plan year, edited from the map
 * (A waterlogging point's status: PATCH /api/waterlogging-points/:pointId, server/routes/diagnosis.ts.)
 * Ledger edits are audited and reach the tile cache through the change feed; they also drop this
 * plugin's cached criteria at once, so the next ranking sees them.
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { ErrorSchema } from '../contract/common.ts';
import {
  CandidatesBodySchema, CandidatesResultSchema, ConstraintsBodySchema, ConstraintsResultSchema, EstateLedgerPatchSchema, EstateLedgerSchema,
  LedgerParamsSchema, RENEWAL_PARAMS, type CandidatesBody, type ConstraintsBody,
} from '../contract/renewal.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { renewalLedgerRepository } from '../repositories/renewal-ledger-repository.ts';
import { renewalRepository } from '../repositories/renewal-repository.ts';
import { actorOf, cityScopeOf } from './projects.ts';
import { polygonInput } from '../validation/geojson.ts';

const tags = ['renewal'];
const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema };
type LedgerParams = Static<typeof LedgerParamsSchema>;

export default async function renewalRoutes(app: FastifyInstance) {
  const repo = renewalRepository(app.analysisDb);
  // Any change of the layers (edits, imports, settings; or a reconnect) makes cached criteria stale.
  const unsubscribe = app.changeFeed.subscribe(() => repo.invalidate());
  app.addHook('onClose', async () => unsubscribe());
  const cities = cityRepository(app.db);
  const ledger = renewalLedgerRepository(app.db);

  app.post<{ Body: CandidatesBody }>('/api/analysis/renewal/candidates',
    { config: { auth: 'read' }, schema: { tags, summary: 'Ranked renewal candidates (estates, street blocks 街区, drawn sites) of a city with reasons, heritage mode, 留改拆 and weight sensitivity', body: CandidatesBodySchema, response: { 200: CandidatesResultSchema, ...errors } } },
    async (req) => {
      const { city, values, effective } = await cities.scoped(req.body.dataset, RENEWAL_PARAMS, req.body.params ?? {});
      const sites = req.body.sites?.map((x, i) => ({ name: x.name, polygon: polygonInput(x.geometry, `sites[${i}].geometry`) }));
      return repo.candidates(city, values, effective, {
        method: req.body.method ?? 'weighted_sum', weights: req.body.weights, topN: req.body.topN ?? 10, limit: req.body.limit, kinds: req.body.kinds, sites,
      });
    });

  app.post<{ Body: ConstraintsBody }>('/api/analysis/renewal/constraints',
    { config: { auth: 'read' }, schema: { tags, summary: 'Heritage hard checks, 2021 anti-demolition rules and 留改拆 for an estate or a drawn site', body: ConstraintsBodySchema, response: { 200: ConstraintsResultSchema, ...errors } } },
    async (req) => {
      const { city, values, effective } = await cities.scoped(req.body.dataset, RENEWAL_PARAMS, req.body.params ?? {});
      const polygon = req.body.site === undefined ? undefined : polygonInput(req.body.site, 'site');
      return repo.constraints(city, values, effective, { estateId: req.body.estateId, polygon }, req.body.scenario);
    });

  app.patch<{ Params: LedgerParams; Body: Static<typeof EstateLedgerPatchSchema> }>('/api/renewal/ledger/estates/:id',
    { schema: { tags, summary: 'Edit an estate\'s renovation status, class and plan year from the map; audited, tiles refreshed', params: LedgerParamsSchema, body: EstateLedgerPatchSchema, response: { 200: EstateLedgerSchema, ...errors } } },
    async (req) => {
      const out = await ledger.patchEstate(req.params.id, { ...req.body, actor: actorOf(req, req.body.actor) }, cityScopeOf(req));
      repo.invalidate();
      return out;
    });
}
