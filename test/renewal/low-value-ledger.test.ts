/**
 * The 低效空间 (low-value / idle space) ledger as an importable layer, and its use as a renewal
 * criterion: idle or planned spaces within the radius count by their ledger area; activated ones
 * and far ones do not.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLedger } from '../../geodata/ledger/import-ledger.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';
import { loadRenewalFixture } from './fixture/load-fixture.ts';

const pool = testPool();
let app: FastifyInstance;

beforeAll(async () => {
  await loadRenewalFixture(pool);
  app = await testApp();
});
afterAll(async () => {
  await app?.close();
  await pool.end();
});

describe('low-value space ledger (低效空间台账)', () => {
  it('imports with Chinese headers, enumerations and units, and feeds the candidates\' lowValueAreaM2 within the radius', async () => {
    const run = await importLedger(pool, {
      layer: 'low_value_space', file: path.join(REPO_ROOT, 'test/renewal/fixture/low-value-spaces.csv'), crs: 'wgs84', checkYear: 2026,
      dataset: { id: 't-renew-lv', name: 'renewal fixture low-value ledger', isSample: true, cityId: 't-renew' },
    });
    expect(run).toMatchObject({ rowsIn: 3, rowsLoaded: 3, rowsRejected: 0 });
    const { rows } = await pool.query(`SELECT source_id, kind, status, area_m2 FROM app.low_value_space WHERE dataset_id = 't-renew-lv' ORDER BY source_id`);
    expect(rows).toEqual([
      { source_id: 'RLV-1', kind: 'vacant_building', status: 'idle', area_m2: 1200 },
      { source_id: 'RLV-2', kind: 'parking', status: 'activated', area_m2: 5000 },
      { source_id: 'RLV-3', kind: 'leftover_corner', status: 'idle', area_m2: 800 },
    ]);
    const b = (await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: 't-renew' } })).json();
    const j = b.criteria.findIndex((c: { code: string }) => c.code === 'lowValueAreaM2');
    const lv = Object.fromEntries(b.candidates.map((c: { name: string; values: number[] }) => [c.name, c.values[j]]));
    // RLV-1 lies 55 m from E2, 142 m from E1, 378 m from E3 and 1.1 km from E4; RLV-3 is 0.7 km west of E2; RLV-2 is activated.
    expect(lv).toEqual({ E1: 1200, E2: 1200, E3: 1200, E4: 0 });
  });
});
