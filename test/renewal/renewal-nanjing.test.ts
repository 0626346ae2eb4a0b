/**
 * Renewal candidates on central Nanjing (OSM + the project's 示例数据 sample ledgers), after a stored
 * life-circle run: the top 10 with their reasons (printed for the report), checked against an
 * independent query of the eligible estates; the first one carried through every project stage.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATASET_ID } from '../../geodata/datasets.ts';
import { buildApp } from '../../server/app.ts';
import { defaultCityUrl } from '../helpers/city-db.ts';

let pool: pg.Pool;
let app: FastifyInstance;
const projectIds: number[] = [];

beforeAll(async () => {
  const url = await defaultCityUrl();
  pool = new pg.Pool({ connectionString: url, max: 2 });
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 60_000, rateLimit: false, auth: { mode: 'off' } });
  const lc = await app.inject({ method: 'POST', url: '/api/analysis/life-circle', payload: { dataset: DEFAULT_DATASET_ID, save: true } });
  expect(lc.statusCode).toBe(200);
}, 180_000);
afterAll(async () => {
  if (projectIds.length) await pool.query('DELETE FROM app.renewal_project WHERE id = ANY($1::bigint[])', [projectIds]);
  await app?.close();
  await pool?.end();
});

describe('renewal candidates on central Nanjing', () => {
  it('ranks the old, not-yet-renovated sample estates; the top 10 carry their reasons and heritage mode', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: DEFAULT_DATASET_ID, topN: 10 } });
    expect(res.statusCode).toBe(200);
    const b = res.json();
    const { rows: eligible } = await pool.query(`
      SELECT e.id FROM app.estate e JOIN app.dataset d ON d.id = e.dataset_id
      WHERE (d.id = $1 OR d.city_id = $1) AND e.build_year <= 2000 AND e.renovation_status IS DISTINCT FROM 'completed' ORDER BY e.id`, [DEFAULT_DATASET_ID]);
    expect(b.candidates.map((c: { estateId: number }) => c.estateId).sort((x: number, y: number) => x - y)).toEqual(eligible.map((r) => Number(r.id)));
    expect(b.candidates.length).toBeGreaterThanOrEqual(10);
    expect(b.lifeCircleRunId).toEqual(expect.any(Number));
    const top = b.candidates.slice(0, 10);
    for (let i = 1; i < b.candidates.length; i++) expect(b.candidates[i - 1].score).toBeGreaterThanOrEqual(b.candidates[i].score);
    for (const c of top) {
      expect(c.isSample).toBe(true); // 示例数据: the build years come from the sample ledger
      expect(c.reasons.length).toBeGreaterThan(0);
      expect(c.values[b.criteria.findIndex((x: { code: string }) => x.code === 'lifeCircleUnmet')]).toEqual(expect.any(Number));
    }
    expect(b.sensitivity.rows.length).toBe(2 * b.criteria.filter((c: { weight: number }) => c.weight > 0).length);
    console.log(`Nanjing renewal top 10 (${b.counts.candidates} candidates of ${b.counts.estates} estates; query ${b.timing.queryMs.toFixed(0)} ms, rank ${b.timing.rankMs.toFixed(1)} ms):\n${
      top.map((c: { rank: number; name: string; buildYear: number; score: number; constraint: { mode: string }; suggestion: { suggestion: string; rule: string }; reasons: { code: string; value: number; share: number }[] }) =>
        `${c.rank}. ${c.name} (${c.buildYear}) score ${c.score.toFixed(3)} [${c.constraint.mode}; ${c.suggestion.suggestion}/${c.suggestion.rule}] — ${c.reasons.map((r) => `${r.code}=${r.value === null ? '–' : Math.round(r.value * 10) / 10} (${Math.round(r.share * 100)} %)`).join(', ')}`).join('\n')}`);
    console.log(`sensitivity (top 10 overlap / positions moved per weight ±20 %): ${b.sensitivity.rows.map((r: { code: string; factor: number; overlap: number; moved: number }) => `${r.code}×${r.factor}: ${r.overlap}/${r.moved}`).join('; ')}`);
  }, 60_000);

  it('ranks the street blocks (街区) with the estates; blocks meeting a core zone inside are micro-renewal only', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: DEFAULT_DATASET_ID, kinds: ['estate', 'block'], topN: 10 } });
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.counts.blocks).toBeGreaterThan(10);
    type Mixed = { kind: string; key: string; name: string | null; score: number; oldEstateShare: number; areaM2: number; geometry: unknown; constraint: { mode: string; hits: { hit: string; relation: string }[] }; reasons: { code: string; value: number | null; share: number }[] };
    const blocks = b.candidates.filter((c: Mixed) => c.kind === 'block');
    expect(blocks.length).toBe(b.counts.blocks - b.counts.blocksWithoutOldEstates);
    for (const c of blocks) {
      expect(c.oldEstateShare).toBeGreaterThan(0);
      expect(c.areaM2).toBeGreaterThanOrEqual(2000);
      // the hard check follows the hits: inside or overlapping a core zone → micro-renewal only
      if (c.constraint.hits.some((h: { hit: string; relation: string }) => h.hit === 'core_zone' && h.relation !== 'touches')) expect(c.constraint.mode).toBe('micro_renewal_only');
    }
    for (let i = 1; i < b.candidates.length; i++) expect(b.candidates[i - 1].score).toBeGreaterThanOrEqual(b.candidates[i].score);
    console.log(`Nanjing estates + 街区 top 10 (${b.counts.candidates} candidates: ${b.counts.blocks} blocks derived (clip: ${b.blocks.builtUpSource}), ${b.counts.blocksWithoutOldEstates} without old estates; query ${b.timing.queryMs.toFixed(0)} ms, rank ${b.timing.rankMs.toFixed(1)} ms):\n${
      b.candidates.slice(0, 10).map((c: Mixed, i: number) => `${i + 1}. ${c.key} ${c.name ?? ''} score ${c.score.toFixed(3)} [${c.constraint.mode}] old share ${c.oldEstateShare.toFixed(2)} — ${c.reasons.map((r) => `${r.code}=${r.value === null ? '–' : Math.round(r.value * 10) / 10}`).join(', ')}`).join('\n')}`);
  }, 60_000);

  it('checks the heritage rules of every sample estate that lies in a core zone', async () => {
    const b = (await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: DEFAULT_DATASET_ID, params: { onlyOld: false, excludeCompleted: false } } })).json();
    const { rows } = await pool.query(`
      SELECT DISTINCT e.id FROM app.estate e JOIN app.heritage_zone z ON z.zone_type = 'core' AND ST_Relate(e.geom, z.geom, 'T********')
      JOIN app.dataset d ON d.id = e.dataset_id WHERE d.id = $1 OR d.city_id = $1`, [DEFAULT_DATASET_ID]);
    const micro = new Set(b.candidates.filter((c: { constraint: { mode: string } }) => c.constraint.mode === 'micro_renewal_only').map((c: { estateId: number }) => c.estateId));
    for (const r of rows) expect(micro.has(Number(r.id))).toBe(true);
  }, 60_000);

  it('carries the first candidate through every project stage', async () => {
    const b = (await app.inject({ method: 'POST', url: '/api/analysis/renewal/candidates', payload: { dataset: DEFAULT_DATASET_ID, limit: 1 } })).json();
    const first = b.candidates[0];
    const p = await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: DEFAULT_DATASET_ID, actor: 'test', name: `${first.name} 改造`, estateIds: [first.estateId], contentClass: ['basic'], planYear: 2027 } });
    expect(p.statusCode).toBe(201);
    projectIds.push(p.json().id);
    for (const to of ['approved', 'implementing', 'completed', 'rechecked', 'closed']) {
      const r = await app.inject({ method: 'POST', url: `/api/renewal/projects/${p.json().id}/transitions`, payload: { to, actor: 'test', reason: `Nanjing ${to}` } });
      expect(r.statusCode).toBe(200);
    }
    const done = (await app.inject({ method: 'GET', url: `/api/renewal/projects/${p.json().id}` })).json();
    expect(done).toMatchObject({ stage: 'closed', stageZh: '销号', estateIds: [first.estateId] });
    expect(done.transitions).toHaveLength(6);
  }, 60_000);
});
