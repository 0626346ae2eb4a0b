import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { testPool } from '../helpers/db.ts';
import { ESTATES, EXPECTED, VERTICES, latOf, lonOf } from '../fixtures/network/river-town.ts';
import { DATASET, loadRiverTown, unloadRiverTown } from '../fixtures/network/load-river-town.ts';
import { AccessTable } from '../../server/analysis/life-circle/access-table.ts';
import { WalkGraph } from '../../server/graph/walk-graph.ts';
import { FACILITIES, graphInput } from '../fixtures/network/river-town.ts';

let app: FastifyInstance;
let pool: pg.Pool;
let ids: Awaited<ReturnType<typeof loadRiverTown>>;

beforeAll(async () => {
  pool = testPool();
  ids = await loadRiverTown(pool);
  app = await testApp();
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await unloadRiverTown(pool);
  await pool.end();
});

const TYPES = 'kindergarten,pharmacy,health_station,supermarket';
/** Every analysis is per city: the fixture's dataset (other test files may have loaded other cities). */
const get = (url: string) => app.inject(`${url}${url.includes('?') ? '&' : '?'}dataset=${DATASET}`);
/** Only the fixture's estates: other test files may have left their own rows in the database. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies
const mine = (rows: any[]): any[] => rows.filter((e) => Object.values(ids.estate).includes(e.id));

describe('GET /api/analysis/life-circle', () => {
  it('gives each estate its hand-worked walking distance to the nearest facility of each type', async () => {
    const res = await get(`/api/analysis/life-circle?types=${TYPES}&speed=100`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(mine(body.estates)).toHaveLength(4);
    for (const e of mine(body.estates)) {
      for (const c of e.checklist) {
        const want = EXPECTED[e.name][c.type];
        if (want === null) expect(c.distanceM, `${e.name} ${c.type}`).toBeNull();
        else {
          expect(c.distanceM, `${e.name} ${c.type}`).toBeCloseTo(want, 0);
          expect(c.minutes).toBeCloseTo(want / 100, 1);
        }
      }
    }
  });

  it('reports a type with no facility as "none" with a reason, never as zero', async () => {
    const body = (await get(`/api/analysis/life-circle?types=supermarket`)).json();
    expect(mine(body.estates)).toHaveLength(4);
    for (const e of mine(body.estates)) {
      expect(e.checklist[0]).toMatchObject({ type: 'supermarket', status: 'none', distanceM: null, minutes: null });
      // no_facility when the database has no supermarket at all; none_within when another test's city has some
      expect(['no_facility', 'none_within']).toContain(e.checklist[0].reason);
    }
  });

  it('reports facilities beyond the cut-off as "none within X m"', async () => {
    const body = (await get(`/api/analysis/life-circle?types=pharmacy&maxDistance=400`)).json();
    const e4 = body.estates.find((e: { id: number }) => e.id === ids.estate.E4);
    expect(e4.checklist[0]).toMatchObject({ status: 'none', reason: 'none_within', note: 'none within 400 m', distanceM: null });
    const e2 = body.estates.find((e: { id: number }) => e.id === ids.estate.E2);
    expect(e2.checklist[0]).toMatchObject({ status: 'met', distanceM: 70 });
  });

  it('marks met against each type’s standard distance and scores the complete-community checklist', async () => {
    const body = (await get(`/api/analysis/life-circle?types=kindergarten,pharmacy`)).json();
    const e1 = body.estates.find((e: { id: number }) => e.id === ids.estate.E1);
    expect(e1.checklist.map((c: { status: string }) => c.status)).toEqual(['met', 'not_met']); // 170 ≤ 300; 370 > 300
    expect(e1.completeCommunity.required).toBe(body.completeCommunityTypes.length);
    expect(e1.completeCommunity.missing).toContain('supermarket');
    expect(e1.completeCommunity.missing).not.toContain('kindergarten');
    expect(e1.completeCommunity.present).toBe(1); // only the kindergarten among required items
  });

  it('summarises shares of estates and of residents by district', async () => {
    const body = (await get(`/api/analysis/life-circle?types=pharmacy`)).json();
    const south = body.summary.find((a: { level: string; name: string }) => a.level === 'district' && a.name === 'South');
    // South: E1 370 (not met), E2 70 (met), E3 370 (not met); residents 1000, 2000, unknown
    expect(south.byType[0]).toMatchObject({ estates: 3, met: 1, share: 0.333, estatesWithResidents: 2, residents: 3000, residentsMet: 2000, residentShare: 0.667 });
    const north = body.summary.find((a: { level: string; name: string }) => a.level === 'district' && a.name === 'North');
    expect(north.byType[0]).toMatchObject({ estates: 1, met: 0, residents: 500, residentsMet: 0, residentShare: 0 });
  });

  it('lists what is missing most often in each area', async () => {
    const body = (await get(`/api/analysis/life-circle?types=kindergarten,pharmacy,health_station`)).json();
    const south = body.summary.find((a: { level: string; name: string }) => a.level === 'district' && a.name === 'South');
    // South: pharmacy missed by E1, E3; health station (300 m) missed by all three; kindergarten by none
    expect(south.mostMissing).toEqual([
      { type: 'health_station', estatesMissing: 3, share: 1 },
      { type: 'pharmacy', estatesMissing: 2, share: 0.667 },
    ]);
  });

  it('filters types by life-circle tier', async () => {
    const body = (await get(`/api/analysis/life-circle?tier=15min`)).json();
    expect(body.catalog.every((c: { tier: string }) => c.tier === '15min')).toBe(true);
    expect(body.catalog.map((c: { code: string }) => c.code)).toContain('middle_school');
  });

  it('answers 400 for an unknown type or tier', async () => {
    expect((await get(`/api/analysis/life-circle?types=spaceport`)).statusCode).toBe(400);
    expect((await get(`/api/analysis/life-circle?tier=20min`)).statusCode).toBe(400);
  });
});

describe('POST /api/analysis/life-circle', () => {
  it('stores a run with the catalog and parameters it used', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/life-circle', payload: { types: ['kindergarten'], speed: 60, save: true, dataset: DATASET } });
    expect(res.statusCode).toBe(200);
    const { runId } = res.json();
    const run = (await pool.query('SELECT params, catalog FROM app.life_circle_run WHERE id = $1', [runId])).rows[0];
    expect(run.params.speedMPerMin).toBe(60);
    expect(run.catalog[0]).toMatchObject({ code: 'kindergarten', standardDistanceM: 300, confidence: 'UNCONFIRMED' });
    const rows = (await pool.query('SELECT estate_id, distance_m, met FROM app.life_circle_result WHERE run_id = $1 AND estate_id = ANY($2) ORDER BY estate_id', [runId, Object.values(ids.estate)])).rows;
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.estate_id === ids.estate.E3).distance_m).toBeCloseTo(70, 0);
  });
});

describe('GET /api/analysis/life-circle/estates.csv', () => {
  it('exports one row per estate with distance, minutes and status per type', async () => {
    const res = await get(`/api/analysis/life-circle/estates.csv?types=kindergarten,supermarket&speed=100`);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('estate_id,name,district,subdistrict,residents,is_old,kindergarten_distance_m,kindergarten_minutes,kindergarten_status,supermarket_distance_m,supermarket_minutes,supermarket_status,complete_community_present,complete_community_required,complete_community_missing,network_component_vertices,isolated_network');
    for (const name of ['E1', 'E2', 'E3', 'E4']) expect(lines.filter((l) => l.includes(`,${name},`))).toHaveLength(1);
    expect(lines.find((l) => l.includes(',E3,'))).toMatch(/,70,0\.7,met,,,(no supermarket on the walking network|none within 2000 m),/);
  });
});

describe('GET /api/analysis/life-circle/shortfall/:type', () => {
  it('returns the estates outside the standard as GeoJSON with their gap', async () => {
    const res = await get(`/api/analysis/life-circle/shortfall/pharmacy`);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    const byName = Object.fromEntries(mine(fc.features).map((f) => [f.properties.name, f]));
    expect(Object.keys(byName).sort()).toEqual(['E1', 'E3', 'E4']);
    expect(byName.E4.properties.gapM).toBeCloseTo(270, 0);
    expect(byName.E4.geometry.type).toBe('MultiPolygon');
  });
});

describe('GET /api/analysis/isochrone', () => {
  it('returns nested bands with facility counts by network distance', async () => {
    const res = await get(`/api/analysis/isochrone?lon=${lonOf(200)}&lat=${latOf(0)}&minutes=1,2,3&speed=100`);
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    expect(fc.features.map((f: { properties: { minutes: number } }) => f.properties.minutes)).toEqual([3, 2, 1]);
    const counts = Object.fromEntries(fc.features.map((f: { properties: { minutes: number; facilityCounts: object } }) => [f.properties.minutes, f.properties.facilityCounts]));
    expect(counts[1]).toEqual({ kindergarten: 1 }); // K-D at 100 m
    expect(counts[2]).toEqual({ kindergarten: 1 });
    expect(counts[3]).toEqual({ health_station: 1, kindergarten: 1, pharmacy: 1 }); // P-B and H-N3 at 300 m; K-DE 500 m
    expect(fc.features[0].geometry.type).toBe('MultiPolygon');
  });

  it('answers 400 for a point far from the network', async () => {
    expect((await get(`/api/analysis/isochrone?lon=${lonOf(0)}&lat=${latOf(5000)}`)).statusCode).toBe(400);
  });
});

describe('POST /api/analysis/life-circle/what-if', () => {
  it('lists the estates a proposed pharmacy would newly cover, without saving it', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/analysis/life-circle/what-if', payload: { type: 'pharmacy', lon: lonOf(VERTICES.D[0]), lat: latOf(VERTICES.D[1]), dataset: DATASET } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // at D: E3 50+20 = 70 m, E1 50+100+20 = 170 m; E4 is north of the river (550+ m)
    expect(mine(body.newlyCovered).map((e: { name: string }) => e.name).sort()).toEqual(['E1', 'E3']);
    expect(body.newlyCovered.find((e: { id: number }) => e.id === ids.estate.E1)).toMatchObject({ beforeM: 370, afterM: 170 });
    expect(body.metAfter - body.metBefore).toBe(body.newlyCovered.length);
    expect(body.residentsAfter - body.residentsBefore).toBe(1000); // E1 has 1000 residents, E3 unknown
    const n = (await pool.query(`SELECT count(*)::int AS n FROM app.facility WHERE dataset_id = $1`, [DATASET])).rows[0].n;
    expect(n).toBe(4);
  });
});

describe('walk-graph plugin', () => {
  it('rebuilds the graph after a walk_edge change is notified', async () => {
    const before = await app.walkGraph.get();
    const version = app.walkGraph.version;
    // a new footbridge N1–B1 shortens E4 → pharmacy P-B from 570 to 50 + 100 + 100 + 100 + 20 = 370
    await pool.query(
      `INSERT INTO app.walk_edge (source, target, length_m, cost, reverse_cost, highway, geom, dataset_id, source_id, check_year)
       VALUES ($1, $2, 100, 100, 100, 'footway', ST_MakeLine((SELECT geom FROM app.walk_vertex WHERE id = $1), (SELECT geom FROM app.walk_vertex WHERE id = $2)), $3, 'N1-B1', 2025)`,
      [ids.vertex.N1, ids.vertex.B1, DATASET],
    );
    for (let i = 0; i < 100 && app.walkGraph.version === version; i++) await new Promise((r) => setTimeout(r, 20));
    expect(app.walkGraph.version).toBeGreaterThan(version);
    const after = await app.walkGraph.get();
    expect(after).not.toBe(before);
    expect(after.edgeCount).toBe(before.edgeCount + 1);
    const body = (await get(`/api/analysis/life-circle?types=pharmacy`)).json();
    expect(body.estates.find((e: { id: number }) => e.id === ids.estate.E4).checklist[0].distanceM).toBeCloseTo(370, 0);
    await pool.query(`DELETE FROM app.walk_edge WHERE dataset_id = $1 AND source_id = 'N1-B1'`, [DATASET]);
  });
});

describe('AccessTable', () => {
  const graph = WalkGraph.fromArrays(graphInput());
  const estates = ESTATES.map((e, i) => ({ id: i + 1, name: e.name, residents: e.residents, isOld: false, lon: lonOf(e.centre[0]), lat: latOf(e.centre[1]), districtId: null, districtName: null, subdistrictId: null, subdistrictName: null }));
  const facilities = FACILITIES.map((f, i) => ({ id: i + 1, type: f.type, name: f.name, lon: lonOf(f.at[0]), lat: latOf(f.at[1]) }));

  it('says why an estate has no distance: no facility of the type, none within the cut-off, or off the network', () => {
    const far = { ...estates[0], id: 99, lon: lonOf(150), lat: latOf(5000) };
    const table = new AccessTable(graph, [...estates, far], facilities, 400);
    expect(table.forType('supermarket').reason).toEqual(['no_facility', 'no_facility', 'no_facility', 'no_facility', 'off_network']);
    expect(table.forType('pharmacy').reason).toEqual([null, null, null, 'none_within', 'off_network']); // E4: 570 m > 400 m
    expect([...table.forType('pharmacy').distanceM].slice(0, 3).map(Math.round)).toEqual([370, 70, 370]);
    expect(table.searches).toBe(1); // one multi-source search per type that has facilities
  });
});
