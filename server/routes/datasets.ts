/**
 * Cities (datasets) as the scope of every per-city result.
 *
 *   GET /api/datasets                      cities with extent, centre, check years, metric CRS
 *   PUT /api/datasets/:id                  rename a city { name } (audited)
 *   GET /api/datasets/:id/settings         settings in force for the city, with their origin
 *   PUT /api/datasets/:id/settings/:key    set { value } (null clears) a city setting (audited)
 *   GET /api/datasets/:id/parameters       each analysis's parameters when a request sets none (the
 *                                          client shows them as the defaults and sends only changes)
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { ErrorSchema } from '../contract/common.ts';
import {
  CityListSchema, CityParametersSchema, CityParamsSchema, CitySchema, CitySettingsSchema, RenameBodySchema, SettingBodySchema, SettingParamsSchema,
} from '../contract/datasets.ts';
import { CITY_SETTINGS, GREEN_COVERAGE_PARAMS, LIFE_CIRCLE_PARAMS, resolveParams } from '../contract/parameters.ts';
import { cityRepository } from '../repositories/city-repository.ts';

const tags = ['cities'];
const errors = { 400: ErrorSchema, 404: ErrorSchema };

export default async function datasetRoutes(app: FastifyInstance) {
  const repo = cityRepository(app.db);

  const settingsOf = async (id: string) => {
    await repo.resolve(id); // 400 naming the cities when unknown
    const s = await repo.settings(id);
    return { dataset: id, settings: resolveParams(Object.fromEntries(CITY_SETTINGS), {}, s.city, s.installation).effective };
  };

  app.get('/api/datasets', { schema: { tags, summary: 'Cities loaded, with extent, check years and metric CRS', response: { 200: CityListSchema } } },
    async (_req, reply) => {
      reply.header('cache-control', 'no-cache');
      const cities = await repo.list();
      return { cities, defaultCity: cities.length === 1 ? cities[0].id : null };
    });

  app.put<{ Params: Static<typeof CityParamsSchema>; Body: Static<typeof RenameBodySchema> }>('/api/datasets/:id',
    { schema: { tags, summary: 'Rename a city (audited)', params: CityParamsSchema, body: RenameBodySchema, response: { 200: CitySchema, ...errors } } },
    async (req) => repo.rename(req.params.id, req.body.name.trim()));

  app.get<{ Params: Static<typeof CityParamsSchema> }>('/api/datasets/:id/settings',
    { schema: { tags, summary: 'Analysis settings in force for a city, with origin (default / city)', params: CityParamsSchema, response: { 200: CitySettingsSchema, ...errors } } },
    async (req) => settingsOf(req.params.id));

  app.get<{ Params: Static<typeof CityParamsSchema> }>('/api/datasets/:id/parameters',
    { schema: { tags, summary: 'Parameters each analysis of the city uses when a request sets none, with origin', params: CityParamsSchema, response: { 200: CityParametersSchema, ...errors } } },
    async (req) => ({
      dataset: req.params.id,
      greenCoverage: (await repo.scoped(req.params.id, GREEN_COVERAGE_PARAMS, {})).effective,
      lifeCircle: (await repo.scoped(req.params.id, LIFE_CIRCLE_PARAMS, {})).effective,
    }));

  app.put<{ Params: Static<typeof SettingParamsSchema>; Body: Static<typeof SettingBodySchema> }>('/api/datasets/:id/settings/:key',
    { schema: { tags, summary: 'Set (null: clear) one analysis setting of a city (audited); the next analysis of the city uses it', params: SettingParamsSchema, body: SettingBodySchema, response: { 200: CitySettingsSchema, ...errors } } },
    async (req) => {
      await repo.setSetting(req.params.id, req.params.key, req.body.value);
      return settingsOf(req.params.id);
    });
}
