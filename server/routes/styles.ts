/** Map styles: GET /styles/basemap.json, the offline MapLibre basemap with absolute tile URLs. */
import type { FastifyInstance } from 'fastify';
import { basemapStyle } from '../../tiles/basemap-style.ts';
import { baseUrl } from '../base-url.ts';

export default async function styleRoutes(app: FastifyInstance): Promise<void> {
  app.get('/styles/basemap.json', { schema: { tags: ['tiles'], summary: 'Offline MapLibre basemap style (local fonts, no glyphs or sprite)' } }, async (request, reply) => {
    reply.header('cache-control', 'no-cache');
    return basemapStyle(baseUrl(request));
  });
}
