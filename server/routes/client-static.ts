/**
 * Serves the built client (client/dist) at /. Unknown non-API paths fall back to index.html so
 * shareable URLs load the app. When the client is not built, / explains how to build it.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export default async function clientStatic(app: FastifyInstance, opts: { clientDir: string }) {
  const index = path.join(opts.clientDir, 'index.html');
  if (!fs.existsSync(index)) {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain; charset=utf-8').send('CityCheck API is running. The client is not built: run `npm run build` (npm start does it).'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: opts.clientDir,
    wildcard: false,
    maxAge: '1h',
    setHeaders(reply, file) {
      if (file.endsWith('index.html')) reply.header('cache-control', 'no-cache');
      else if (file.includes(`${path.sep}assets${path.sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  app.get('/*', async (req, reply) => {
    const url = req.url.split('?')[0];
    if (/^\/(api|tiles|styles|collections|conformance|docs)(\/|$)/.test(url) || path.extname(url)) {
      return reply.callNotFound();
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
