import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';
import { ISLAND_DATASET, loadIslandTown, unloadIslandTown } from '../fixtures/network/island-town.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let ids: Record<string, number>;

beforeAll(async () => {
  pool = testPool();
  ids = await loadIslandTown(pool);
  app = await testApp();
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await pool.query(`DELETE FROM app.dataset_setting WHERE dataset_id = $1`, [ISLAND_DATASET]);
  await unloadIslandTown(pool);
  await pool.end();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies
const estate = (body: any, name: string) => body.estates.find((e: { id: number }) => e.id === ids[name]);

describe('estates on an isolated piece of the walking network', () => {
  it('reports the component size and flags the estate on the small piece (12 of 268 vertices < 5 %)', async () => {
    const res = await app.inject(`/api/analysis/life-circle?dataset=${ISLAND_DATASET}&types=pharmacy,kindergarten`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.network).toEqual({ cityVertices: 268, isolatedComponentShare: 0.05, isolatedEstates: 1 });
    expect(estate(body, 'it-main').network).toEqual({ componentVertices: 256, isolated: false });
    expect(estate(body, 'it-island').network).toEqual({ componentVertices: 12, isolated: true });
    expect(body.effective.isolatedComponentShare).toMatchObject({ value: 0.05, origin: 'default' });
  });

  it('puts the island estate’s missing facility in its own category, apart from "none within X m"', async () => {
    const body = (await app.inject(`/api/analysis/life-circle?dataset=${ISLAND_DATASET}&types=pharmacy&maxDistance=400`)).json();
    expect(estate(body, 'it-main').checklist[0]).toMatchObject({ status: 'none', reason: 'none_within', note: 'none within 400 m' });
    expect(estate(body, 'it-island').checklist[0]).toMatchObject({ status: 'none', reason: 'isolated_network', distanceM: null });
    expect(estate(body, 'it-island').checklist[0].note).toMatch(/isolated piece of the walking network \(12 vertices\)/);
    const city = body.summary.find((a: { level: string }) => a.level === 'city').byType[0];
    expect(city).toMatchObject({ type: 'pharmacy', estates: 2, met: 0, noneWithin: 1, isolatedNetwork: 1 });
  });

  it('keeps a facility reached on the island as met (the flag stays on the estate)', async () => {
    const body = (await app.inject(`/api/analysis/life-circle?dataset=${ISLAND_DATASET}&types=kindergarten`)).json();
    expect(estate(body, 'it-island').checklist[0]).toMatchObject({ status: 'met', distanceM: 170 }); // 20 m leg + 50 m to (2300, 100) + 100 m east
    expect(estate(body, 'it-island').network.isolated).toBe(true);
  });

  it('shows the flag and the component size in the CSV', async () => {
    const csv = (await app.inject(`/api/analysis/life-circle/estates.csv?dataset=${ISLAND_DATASET}&types=pharmacy&maxDistance=400`)).body;
    const [head, ...rows] = csv.replace(/^\ufeff/, '').trim().split('\r\n');
    const cols = head.split(',');
    const row = (name: string) => rows.map((r) => r.split(',')).find((r) => r[cols.indexOf('name')] === name)!;
    expect(row('it-island')[cols.indexOf('network_component_vertices')]).toBe('12');
    expect(row('it-island')[cols.indexOf('isolated_network')]).toBe('true');
    expect(row('it-island')[cols.indexOf('pharmacy_status')]).toMatch(/isolated piece/);
    expect(row('it-main')[cols.indexOf('isolated_network')]).toBe('false');
  });

  it('takes the share from the city setting', async () => {
    await pool.query(`INSERT INTO app.dataset_setting (dataset_id, key, value) VALUES ($1, 'life_circle_isolated_component_share', '0.01')`, [ISLAND_DATASET]);
    try {
      const body = (await app.inject(`/api/analysis/life-circle?dataset=${ISLAND_DATASET}&types=pharmacy&maxDistance=400`)).json();
      expect(body.effective.isolatedComponentShare).toMatchObject({ value: 0.01, origin: 'city' });
      expect(estate(body, 'it-island').network.isolated).toBe(false); // 12 ≥ 1 % of 268
      expect(estate(body, 'it-island').checklist[0].reason).toBe('none_within');
    } finally {
      await pool.query(`DELETE FROM app.dataset_setting WHERE dataset_id = $1`, [ISLAND_DATASET]);
    }
  });
});
