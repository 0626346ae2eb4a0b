/**
 * Analysis results as tiles (migration 070, layers coverage_shortfall and life_circle_shortfall) on
 * central Nanjing (the default-city database): a run is picked with the ordinary filter, another run
 * id gives an empty tile, and a new run drops the cached tiles through the change feed.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATASET_ID } from '../../geodata/datasets.ts';
import { buildApp } from '../../server/app.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';
import { dumpTile } from '../tiles/decode.ts';
import { tileAt, waitFor } from '../tiles/helpers.ts';

let app: FastifyInstance;
let pool: pg.Pool;

beforeAll(async () => {
  const databaseUrl = await defaultCityUrl();
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  app = await buildApp({ databaseUrl, logLevel: 'silent', auth: { mode: 'off' } });
  await app.ready();
  await app.changeFeed.ready;
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

async function coverageRun(): Promise<number> {
  const { rows } = await pool.query(`SELECT analysis.green_coverage_run(mode => 'both', dataset_id => $1) AS id`, [DEFAULT_DATASET_ID]);
  return Number(rows[0].id);
}

/** The z14 tile over a point inside a view's geometry (`where` picks the row, $1 = run id). */
async function z14Over(view: string, where: string, runId: number): Promise<{ z: number; x: number; y: number }> {
  const { rows } = await pool.query(
    `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM tiles.${view} WHERE run_id = $1 AND ${where} LIMIT 1) q`,
    [runId]);
  expect(rows, `a ${view} row of run ${runId}`).toHaveLength(1);
  return tileAt(rows[0].lon, rows[0].lat, 14);
}

const mvt = (layer: string, t: { z: number; x: number; y: number }, filter: string) =>
  `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt?filter=${encodeURIComponent(filter)}`;

describe('coverage_shortfall tiles', () => {
  it('serves the uncovered land of one run, nothing for another run id, and drops cached tiles on a new run', async () => {
    const runId = await coverageRun();
    const tile = await z14Over('coverage_shortfall', `layer = 'uncovered_official'`, runId);
    const filter = `run_id=${runId};layer=uncovered_official`;
    const url = mvt('coverage_shortfall', tile, filter);

    const first = await app.inject(url);
    expect(first.statusCode).toBe(200);
    const feats = dumpTile(first.rawPayload).coverage_shortfall!;
    expect(feats.length).toBeGreaterThan(0);
    for (const f of feats) expect(f.props).toMatchObject({ run_id: runId, layer: 'uncovered_official' });
    expect(feats[0]!.type).toBe('Polygon');
    expect((await app.inject(url)).headers['x-tile-cache']).toBe('hit');

    expect((await app.inject(mvt('coverage_shortfall', tile, `run_id=${runId + 1_000_000};layer=uncovered_official`))).statusCode).toBe(204);

    // The cache key is the layer list, z/x/y and the filter text as sent (tiles/tile-service.ts).
    const key = `coverage_shortfall/${tile.z}/${tile.x}/${tile.y}|${filter}`;
    const cache = app.tiles.cache!;
    expect(cache.has(key)).toBe(true);
    const next = await coverageRun();
    await waitFor(() => !cache.has(key));
    const again = await app.inject(url);
    expect(again.headers['x-tile-cache']).toBe('miss');
    expect(dumpTile(again.rawPayload).coverage_shortfall!.length).toBe(feats.length);
    const nextFeats = dumpTile((await app.inject(mvt('coverage_shortfall', tile, `run_id=${next};layer=uncovered_official`))).rawPayload).coverage_shortfall!;
    expect(nextFeats.map((f) => f.props.run_id)).toEqual(nextFeats.map(() => next));
  });
});

describe('life_circle_shortfall tiles', () => {
  it('serves the estates of a saved run that miss kindergartens, with status none or not_met', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/life-circle', payload: { types: ['kindergarten'], save: true } });
    expect(res.statusCode).toBe(200);
    const runId = Number(res.json().runId);
    expect(runId).toBeGreaterThan(0);

    const tile = await z14Over('life_circle_shortfall', `type_code = 'kindergarten'`, runId);
    const tileRes = await app.inject(mvt('life_circle_shortfall', tile, `run_id=${runId};type_code=kindergarten`));
    expect(tileRes.statusCode).toBe(200);
    const feats = dumpTile(tileRes.rawPayload).life_circle_shortfall!;
    expect(feats.length).toBeGreaterThan(0);
    for (const f of feats) {
      expect(f.props).toMatchObject({ run_id: runId, type_code: 'kindergarten', type_name_zh: '幼儿园' });
      expect(['none', 'not_met']).toContain(f.props.status);
      if (f.props.status === 'not_met') expect(f.props.excess_m).toBeGreaterThan(0);
      else expect(f.props.excess_m).toBeUndefined();
    }
    expect(new Set(feats.map((f) => f.id)).size).toBe(feats.length);

    expect((await app.inject(mvt('life_circle_shortfall', tile, `run_id=${runId + 1_000_000};type_code=kindergarten`))).statusCode).toBe(204);
  });
});
