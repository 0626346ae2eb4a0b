/**
 * Street blocks (街区) and drawn sites as renewal candidates, ranked with the estates, on the renewal
 * fixture plus its street rings (test/renewal/fixture/blocks.sql).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';
import { loadRenewalBlocks } from './fixture/load-fixture.ts';

const pool = testPool();
let app: FastifyInstance;
const ids: Record<string, number> = {};

beforeAll(async () => {
  await loadRenewalBlocks(pool);
  for (const r of (await pool.query(`SELECT id, name FROM app.estate WHERE dataset_id = 't-renew'`)).rows) ids[r.name] = Number(r.id);
  app = await testApp();
});
afterAll(async () => {
  await app?.close();
  await pool.end();
});

const box = (x1: number, y1: number, x2: number, y2: number) => ({ type: 'Polygon', coordinates: [[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]] });
const rank = (payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: 't-renew', ...payload } });
// Only age and residents count (2 : 1), as in renewal-api.test.ts.
const zero = { renovationGap: 0, parkDistanceM: 0, lifeCircleUnmet: 0, waterloggingSeverity: 0, lowValueAreaM2: 0, buildingAgeYears: 0, diseaseScore: 0, hotspot: 0, oldEstateShare: 0 };
const weights = { ageYears: 2, residents: 1, ...zero };
type C = { key: string; kind: string; name: string | null; score: number; estateIds: number[]; values: (number | null)[]; oldEstateShare: number; constraint: { mode: string; demolitionAllowed: boolean; hits: { hit: string; relation: string }[] } };

describe('renewal candidates: street blocks (街区)', () => {
  it('derives blocks from the street rings inside the built-up area, drops the open face above the area bound, the face without estates and the block without old estates', async () => {
    const res = await rank({ kinds: ['block'], weights, params: { blockMaxAreaM2: 100_000 } });
    expect(res.statusCode).toBe(200);
    const b = res.json();
    // A, B, C (the footpath across A is no block edge; ring D holds no estate); C holds only E5 (2010) and is left out.
    expect(b.counts).toMatchObject({ estates: 0, blocks: 3, blocksWithoutOldEstates: 1, candidates: 2, sites: 0 });
    expect(b.blocks).toMatchObject({ builtUpSource: 'ledger', roadClasses: expect.not.arrayContaining(['path']) });
    expect(b.effective.blockMaxAreaM2).toMatchObject({ value: 100_000, origin: 'request' });
    const byEstates = Object.fromEntries(b.candidates.map((c: C) => [c.estateIds.join(), c]));
    expect(Object.keys(byEstates).sort()).toEqual([String(ids.E1), String(ids.E2)].sort());
    const a = byEstates[String(ids.E1)];
    expect(a).toMatchObject({ kind: 'block', estateId: null, geometry: { type: 'Polygon' } });
    expect(a.key).toMatch(/^block:\d+$/);
    // E1 is 100 m × 111 m of a 132 m × 155 m block
    expect(a.oldEstateShare).toBeCloseTo((0.0010 * 0.0010) / (0.0014 * 0.0014), 3);
    expect(a.areaM2).toBeGreaterThan(19_000);
    expect(a.areaM2).toBeLessThan(22_000);
  });

  it('a block inside the core protection area is micro-renewal only, demolition forbidden', async () => {
    const b = (await rank({ kinds: ['block'], params: { blockMaxAreaM2: 100_000 } })).json();
    const a = b.candidates.find((c: C) => c.estateIds.includes(ids.E1));
    expect(a.constraint).toMatchObject({ mode: 'micro_renewal_only', demolitionAllowed: false });
    expect(a.constraint.hits).toEqual([expect.objectContaining({ hit: 'core_zone', relation: 'inside' })]);
    expect(a.suggestion).toMatchObject({ suggestion: 'retain', rule: 'core_zone' });
    const bl = b.candidates.find((c: C) => c.estateIds.includes(ids.E2));
    expect(bl.constraint.mode).toBe('unconstrained');
  });

  it('with onlyOld off every block is a candidate; a bad pair of area bounds is a 400', async () => {
    const b = (await rank({ kinds: ['block'], params: { onlyOld: false, blockMaxAreaM2: 100_000 } })).json();
    expect(b.counts).toMatchObject({ blocks: 3, blocksWithoutOldEstates: 0, candidates: 3 });
    const bad = await rank({ kinds: ['block'], params: { blockMinAreaM2: 5000, blockMaxAreaM2: 4000 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/blockMinAreaM2 < blockMaxAreaM2/);
  });
});

describe('renewal candidates: drawn sites and mixed kinds', () => {
  it('ranks estates, blocks and a drawn site together exactly as the hand computation', async () => {
    // Candidates (check year 2026): estates E1..E4, blocks A (all of E1) and B (90 % of E2), site S = E3's outline.
    //   age:       E1 46, E2 36, E3 51, E4 31, A 46, B 36, S 51          → min–max over 31…51
    //   residents: E1 1000, E2 3000, E3 500, E4 2000, A 1000, B 2700 (3000 × 0.9), S 500 → over 500…3000
    //   score = 2/3 · age' + 1/3 · residents':
    //   E1 = A = 0.75·2/3 + 0.2/3 = 0.566667, E2 = 0.25·2/3 + 1/3 = 0.5, E3 = S = 2/3, E4 = 0.6/3 = 0.2,
    //   B = 0.25·2/3 + 0.88/3 = 0.46. Ties: estates before blocks before sites.
    const site = { name: '手绘地块 S', geometry: box(118.703, 32.0005, 118.704, 32.0015) };
    const res = await rank({ kinds: ['estate', 'block', 'site'], sites: [site], weights, topN: 3, params: { blockMaxAreaM2: 100_000 } });
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.counts).toMatchObject({ estates: 6, blocks: 3, sites: 1, candidates: 4 + 2 + 1 });
    const blockA = b.candidates.find((c: C) => c.kind === 'block' && c.estateIds.includes(ids.E1)).key;
    const blockB = b.candidates.find((c: C) => c.kind === 'block' && c.estateIds.includes(ids.E2)).key;
    expect(b.candidates.map((c: C) => c.key)).toEqual([
      `estate:${ids.E3}`, 'site:1', `estate:${ids.E1}`, blockA, `estate:${ids.E2}`, blockB, `estate:${ids.E4}`]);
    const score = Object.fromEntries(b.candidates.map((c: C) => [c.key, c.score]));
    expect(score[`estate:${ids.E3}`]).toBeCloseTo(2 / 3, 10);
    expect(score['site:1']).toBeCloseTo(2 / 3, 6);
    expect(score[`estate:${ids.E1}`]).toBeCloseTo(0.5 + 0.2 / 3, 10);
    expect(score[blockA]).toBeCloseTo(0.5 + 0.2 / 3, 6);
    expect(score[`estate:${ids.E2}`]).toBeCloseTo(0.5, 6);
    expect(score[blockB]).toBeCloseTo(0.25 * 2 / 3 + 0.88 / 3, 3);
    expect(score[`estate:${ids.E4}`]).toBeCloseTo(0.2, 6);
    const s = b.candidates.find((c: C) => c.key === 'site:1');
    expect(s).toMatchObject({ kind: 'site', name: '手绘地块 S', estateId: null, estateIds: [ids.E3], constraint: { mode: 'controlled' } });
    expect(b.sensitivity.base).toEqual([`estate:${ids.E3}`, 'site:1', `estate:${ids.E1}`]);
  });

  it('a drawn site inside the core protection area is micro-renewal only', async () => {
    const b = (await rank({ kinds: ['site'], sites: [{ geometry: box(118.7018, 32.0018, 118.7019, 32.0019) }, { geometry: box(118.715, 32.0001, 118.716, 32.0009) }] })).json();
    expect(b.counts).toMatchObject({ estates: 0, sites: 2, candidates: 2 });
    const byKey = Object.fromEntries(b.candidates.map((c: C) => [c.key, c]));
    expect(byKey['site:1'].constraint).toMatchObject({ mode: 'micro_renewal_only', demolitionAllowed: false });
    expect(byKey['site:2'].constraint).toMatchObject({ mode: 'unconstrained', demolitionAllowed: true, hits: [] });
  });

  it('counts an estate for a site only when enough of it lies inside (a sliver across a street lends nothing)', async () => {
    // 20 % of E4 (1995) lies in the site, and E4 covers 3 % of the site: below the default 25 % either way.
    const site = { geometry: box(118.7113, 31.9995, 118.7135, 32.0010) };
    const strict = (await rank({ kinds: ['site'], sites: [site] })).json();
    expect(strict.candidates[0]).toMatchObject({ estateIds: [], oldEstateShare: 0, buildYear: null });
    expect(strict.effective.siteEstateMinShare).toMatchObject({ value: 0.25, origin: 'default' });
    const loose = (await rank({ kinds: ['site'], sites: [site], params: { siteEstateMinShare: 0.1 } })).json();
    expect(loose.candidates[0]).toMatchObject({ estateIds: [ids.E4], buildYear: 1995 });
    expect(loose.candidates[0].oldEstateShare).toBeCloseTo((0.0002 * 0.0005) / (0.0022 * 0.0015), 3);
  });

  it('refuses a self-intersecting site, sites without their kind and a site kind without sites, each with a 400 and the reason', async () => {
    const bowtie = { type: 'Polygon', coordinates: [[[118.715, 32.0], [118.716, 32.001], [118.716, 32.0], [118.715, 32.001], [118.715, 32.0]]] };
    const bad = await rank({ sites: [{ geometry: box(118.715, 32.0, 118.716, 32.001) }, { geometry: bowtie }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/sites\[1\]\.geometry/);
    const noKind = await rank({ kinds: ['estate'], sites: [{ geometry: box(118.715, 32.0, 118.716, 32.001) }] });
    expect(noKind.statusCode).toBe(400);
    expect(noKind.json().message).toMatch(/kinds leaves out "site"/);
    const noSites = await rank({ kinds: ['site'] });
    expect(noSites.statusCode).toBe(400);
    expect(noSites.json().message).toMatch(/send the drawn polygons/);
  });
});
