/**
 * The loop 体检 → 治理 → 复查 → 销号 across two real check cycles, on the health-check fixture city
 * (test/check/fixtures/check-city.sql, 't-check') in a database of its own (`<test db>_renewal_loop`):
 * a project that builds the missing park of community C4 is closed after the 2026 cycle finds
 * C4 covered; a project for estate E1 whose problem the 2026 cycle still finds goes back to 实施.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { ownDatabase } from '../helpers/db.ts';

const CITY = 't-check';
let app: FastifyInstance;
let pool: pg.Pool;
const P2 = { type: 'Polygon', coordinates: [[[3.0185, 0.0165], [3.0195, 0.0165], [3.0195, 0.0175], [3.0185, 0.0175], [3.0185, 0.0165]]] };

beforeAll(async () => {
  const url = await ownDatabase('_renewal_loop');
  pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query(fs.readFileSync(path.join(REPO_ROOT, 'test/check/fixtures/check-city.sql'), 'utf8'));
  app = await buildApp({ databaseUrl: url, logLevel: 'silent', statementTimeoutMs: 20_000, rateLimit: false, auth: { mode: 'off' } });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

async function cycle(year: number) {
  const created = await app.inject({ method: 'POST', url: '/api/check/cycles', payload: { year } });
  expect(created.statusCode).toBe(201);
  expect((await app.inject({ method: 'POST', url: `/api/check/cycles/${created.json().id}/compute` })).statusCode).toBe(200);
}
async function problem(indicator: string, unitName: string) {
  const { rows } = await pool.query(`SELECT id, status FROM app.check_problem WHERE dataset_id = $1 AND indicator = $2 AND unit_name = $3`, [CITY, indicator, unitName]);
  expect(rows).toHaveLength(1);
  return { id: Number(rows[0].id), status: rows[0].status as string };
}
const move = (id: number, to: string) =>
  app.inject({ method: 'POST', url: `/api/renewal/projects/${id}/transitions`, payload: { to, actor: 'loop-test', reason: `→ ${to}` } });

describe('re-check closes or reopens a project by the next check cycle', () => {
  it('closes the project whose problem the next cycle finds solved, and sends back the one it does not', async () => {
    await cycle(2025);
    const park = await problem('park_coverage', 'C4');
    const pm = await problem('estate_no_property_management', 'E1');
    expect([park.status, pm.status]).toEqual(['open', 'open']);

    const a = (await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: CITY, actor: 'loop-test', name: 'C4 社区公园', contentClass: ['upgrade'], problemRefs: [park.id], geometry: P2 } })).json();
    const b = (await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: CITY, actor: 'loop-test', name: 'E1 物业管理', contentClass: ['improvement'], problemRefs: [pm.id] } })).json();
    const bad = await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: CITY, actor: 'loop-test', name: 'x', problemRefs: [999_999] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/not problems of this city's ledger: 999999/);

    for (const p of [a, b]) for (const to of ['approved', 'implementing', 'completed']) expect((await move(p.id, to)).statusCode).toBe(200);
    expect((await problem('park_coverage', 'C4')).status).toBe('in_treatment');
    expect((await problem('estate_no_property_management', 'E1')).status).toBe('in_treatment');

    // Project A built its park (P2, the project's geometry); E1 still has no property management.
    await pool.query(`INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, source_id, check_year)
      SELECT 'P2', 'park', true, geom, $1, 'P2', 2025 FROM app.renewal_project WHERE id = $2`, [CITY, a.id]);
    await cycle(2026);

    for (const p of [a, b]) expect((await move(p.id, 'rechecked')).statusCode).toBe(200);
    expect((await app.inject(`/api/renewal/projects/${a.id}/recheck`)).json()).toMatchObject({ verdict: 'resolved', problems: [{ id: park.id, status: 'closed', closedYear: 2026 }] });
    expect((await app.inject(`/api/renewal/projects/${b.id}/recheck`)).json()).toMatchObject({ verdict: 'unresolved', problems: [{ id: pm.id, status: 'in_treatment', lastYear: 2026 }] });

    expect((await move(a.id, 'closed')).json()).toMatchObject({ stage: 'closed', stageZh: '销号' });
    const refused = await move(b.id, 'closed');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(new RegExp(`Project ${b.id} cannot be closed \\(销号\\): the re-check left 1 problem\\(s\\) unresolved \\(#${pm.id} estate_no_property_management E1 in_treatment\\); send it back to 实施 implementing`));
    expect((await move(b.id, 'implementing')).json()).toMatchObject({ stage: 'implementing' });
  }, 120_000);
});
