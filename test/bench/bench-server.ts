/**
 * The CityCheck server for the tile benchmark, in its own process so the load generator does not
 * share its event loop. Env: DATABASE_URL, TILE_CACHE_MB (0 = cache off). Prints `PORT <n>`.
 *
 * BENCH_CEILING_BYTES=<n> starts instead a bare Fastify answering every request with a fixed n-byte
 * MVT body: the ceiling of any Fastify tile server on this machine with this load generator.
 */
import Fastify from 'fastify';
import { buildApp } from '../../server/app.ts';

const cacheMb = Number(process.env.TILE_CACHE_MB ?? 128);
const ceilingBytes = Number(process.env.BENCH_CEILING_BYTES ?? 0);
const app = ceilingBytes > 0 ? bareFastify(ceilingBytes) : await buildApp({
  databaseUrl: process.env.DATABASE_URL!,
  logLevel: 'warn',
  tiles: { cacheBytes: cacheMb * 1024 * 1024, maxConnections: 16 },
});

function bareFastify(bytes: number) {
  const body = Buffer.alloc(bytes, 0x1a);
  const bare = Fastify({ logger: false, routerOptions: { maxParamLength: 400 } });
  bare.get('/tiles/*', (_req, reply) => {
    reply.header('etag', '"ceiling"').header('cache-control', 'no-cache').type('application/vnd.mapbox-vector-tile').send(body);
  });
  return bare;
}
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
console.log(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
