/**
 * A project's site drawn or moved on the map (PATCH /api/renewal/projects/:id with a geometry):
 * validated, audited, and the next tile of the renewal_projects layer shows it where it now lies —
 * the tile served before the edit was cached and is dropped by the change feed.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';
import { dumpTile } from '../tiles/decode.ts';
import { loadRenewalFixture } from './fixture/load-fixture.ts';

const pool = testPool();
let app: FastifyInstance;
const created: number[] = [];

beforeAll(async () => {
  await loadRenewalFixture(pool);
  app = await testApp();
  await app.changeFeed.ready;
});
afterAll(async () => {
  if (created.length) await pool.query('DELETE FROM app.renewal_project WHERE id = ANY($1::bigint[])', [created]);
  await app?.close();
  await pool.end();
});

const Z = 16;
/** The z/x/y (Web Mercator, XYZ) of the tile holding a lon/lat point. */
function tileOf(lon: number, lat: number): string {
  const n = 2 ** Z;
  const r = (lat * Math.PI) / 180;
  return `${Z}/${Math.floor(((lon + 180) / 360) * n)}/${Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)}`;
}
const box = (x1: number, y1: number, x2: number, y2: number) => ({ type: 'Polygon', coordinates: [[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]] });
/** Ids of the projects in one tile of the layer (none for 204). */
async function projectsIn(tile: string): Promise<number[]> {
  const res = await app.inject(`/tiles/renewal_projects/${tile}.mvt`);
  if (res.statusCode === 204) return [];
  expect(res.statusCode).toBe(200);
  return (dumpTile(res.rawPayload).renewal_projects ?? []).map((f) => Number(f.id));
}

describe('renewal project geometry on the map', () => {
  it('shows a drawn project in the next tile, and after it is moved shows it only where it now lies', async () => {
    const here = box(118.7150, 32.0002, 118.7156, 32.0008);
    const there = box(118.7300, 32.0102, 118.7306, 32.0108);
    const [tileHere, tileThere] = [tileOf(118.7153, 32.0005), tileOf(118.7303, 32.0105)];
    expect(tileHere).not.toBe(tileThere);
    const res = await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: 't-renew', actor: 'planner-draw', name: '手绘项目', geometry: here } });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    created.push(p.id);
    // the insert's notice may still be on its way: wait until the tile shows the project
    await expect.poll(() => projectsIn(tileHere), { timeout: 10_000 }).toContain(p.id);
    const tile = await app.inject(`/tiles/renewal_projects/${tileHere}.mvt`);
    expect(dumpTile(tile.rawPayload).renewal_projects.find((f) => Number(f.id) === p.id)).toMatchObject({
      type: 'Polygon', props: { name: '手绘项目', stage: 'reserve', dataset_id: 't-renew', is_sample: false },
    });
    expect(await projectsIn(tileThere)).not.toContain(p.id);

    const seen = app.changeFeed.received;
    const moved = await app.inject({ method: 'PATCH', url: `/api/renewal/projects/${p.id}`, payload: { actor: 'planner-draw', geometry: there } });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().geometry.coordinates[0][0][0]).toEqual([118.73, 32.0102]);
    await expect.poll(() => app.changeFeed.received, { timeout: 10_000 }).toBeGreaterThan(seen);
    expect(await projectsIn(tileHere)).not.toContain(p.id);
    expect(await projectsIn(tileThere)).toContain(p.id);

    // audited with who and each geometry (an update's old row leaves geom out: the insert's new row holds it)
    const { rows } = await pool.query(
      `SELECT action, actor, ST_XMin(ST_GeomFromGeoJSON(new_row->>'geom')) AS x
       FROM app.audit_log WHERE table_name = 'renewal_project' AND row_id = $1 ORDER BY id`, [p.id]);
    expect(rows.map((r) => [r.action, r.actor, Number(r.x)])).toEqual([['INSERT', 'planner-draw', 118.715], ['UPDATE', 'planner-draw', 118.73]]);
  });

  it('refuses a self-intersecting or open drawing with 400 and the reason, and leaves the site as it was', async () => {
    const p = (await app.inject({ method: 'POST', url: '/api/renewal/projects', payload: { dataset: 't-renew', actor: 'planner-draw', name: 'bad drawing', geometry: box(118.716, 32.0002, 118.7166, 32.0008) } })).json();
    created.push(p.id);
    const bowtie = { type: 'Polygon', coordinates: [[[118.716, 32.0], [118.717, 32.001], [118.717, 32.0], [118.716, 32.001], [118.716, 32.0]]] };
    const bad = await app.inject({ method: 'PATCH', url: `/api/renewal/projects/${p.id}`, payload: { actor: 'planner-draw', geometry: bowtie } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/geometry/i);
    expect(bad.json().message).toMatch(/self-intersection/i);
    const open = await app.inject({ method: 'PATCH', url: `/api/renewal/projects/${p.id}`, payload: { actor: 'planner-draw', geometry: { type: 'Polygon', coordinates: [[[118.716, 32.0], [118.717, 32.001], [118.717, 32.0]]] } } });
    expect(open.statusCode).toBe(400);
    expect((await app.inject(`/api/renewal/projects/${p.id}`)).json().geometry.coordinates[0][0][0]).toEqual([118.716, 32.0002]);
  });
});
