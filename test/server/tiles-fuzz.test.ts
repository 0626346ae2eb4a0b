import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPool } from '../helpers/db.ts';
import { insertFixture } from '../tiles/fixtures.ts';
import { tileTestApp, tileUrl } from '../tiles/helpers.ts';

const CENTER: [number, number] = [118.7186, 32.0416]; // west of the other fixtures
let app: FastifyInstance;
let pool: pg.Pool;

beforeAll(async () => {
  pool = testPool();
  await insertFixture(pool, 'fuzz_fixture', CENTER, [118.5, 32.3]);
  app = await tileTestApp({ listen: false, cacheBytes: 0 });
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

/** Deterministic PRNG (mulberry32) so a failure can be reproduced. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'name', 'status', 'max_depth_cm', 'build_year', 'is_sample', 'check_year', 'dataset_id', 'nope', 'id', 'geom', 'pg_sleep',
  '=', '!=', '<>', '<', '<=', '>', '>=', '~', ';', ' AND ', ' OR ', "'", "''", '"', '--', '/*', '*/', '(', ')', ',', '|',
  'DROP TABLE app.waterlogging_point', 'SELECT pg_sleep(10)', '1=1', 'null', 'NULL', 'true', '1e309', '-1', '2000',
  '未治理', '积水', '\u0000', '\u202e', '😀', '\\', '$1', '%', '%27', ' ', '\n', 'untreated|closed', '2024-02-30', "x' OR '1'='1",
];

function hostileFilter(r: () => number): string {
  const n = 1 + Math.floor(r() * 8);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

describe('filters under fuzzing', () => {
  it('answers only 200/204/400 to thousands of hostile filters on tiles and items, and leaves the tables unchanged', async () => {
    const count = async () => (await pool.query(`SELECT (SELECT count(*) FROM app.waterlogging_point) + (SELECT count(*) FROM app.building) AS n`)).rows[0].n;
    const before = await count();
    const r = rng(42);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 2500; i++) {
      const filter = encodeURIComponent(hostileFilter(r));
      const url = i % 2 === 0
        ? tileUrl('waterlogging,buildings', ...CENTER, 15, `?filter=${filter}`)
        : `/collections/waterlogging/items?limit=5&filter=${filter}`;
      const res = await app.inject(url);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (![200, 204, 400].includes(res.statusCode)) throw new Error(`${res.statusCode} for ${decodeURIComponent(filter)}: ${res.body}`);
    }
    expect(await count()).toBe(before);
    expect(statuses.get(400)).toBeGreaterThan(100);
  }, 120_000);
});
