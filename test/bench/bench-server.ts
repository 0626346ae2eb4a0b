/**
 * The CityCheck server for the tile benchmark, in its own process so the load generator does not
 * share its event loop. Env: DATABASE_URL, TILE_CACHE_MB (0 = cache off). Prints `PORT <n>`.
 */
import { buildApp } from '../../server/app.ts';

const cacheMb = Number(process.env.TILE_CACHE_MB ?? 128);
const app = await buildApp({
  databaseUrl: process.env.DATABASE_URL!,
  logLevel: 'warn',
  tiles: { cacheBytes: cacheMb * 1024 * 1024, maxConnections: 16 },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
console.log(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
