/**
 * Reads app.walk_vertex / app.walk_edge into a WalkGraph (one query each). Optionally limited to
 * some datasets (tests and benchmarks keep several cities in one database).
 */
import { sql, type Kysely } from 'kysely';
import { WalkGraph, type WalkGraphOptions } from './walk-graph.ts';

export interface LoadWalkGraphOptions extends WalkGraphOptions {
  /** Only these app.dataset ids; all when absent. */
  datasetIds?: string[];
}

export async function loadWalkGraph(db: Kysely<unknown>, opts: LoadWalkGraphOptions = {}): Promise<WalkGraph> {
  const ds = opts.datasetIds ?? null;
  const filter = (alias: string) =>
    ds ? sql`WHERE ${sql.ref(`${alias}.dataset_id`)} = ANY(${ds}::text[])` : sql``;
  const vertices = await sql<{ id: number; lon: number; lat: number; dataset: string }>`
    SELECT v.id, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat, v.dataset_id AS dataset FROM app.walk_vertex v ${filter('v')} ORDER BY v.id`.execute(db);
  const edges = await sql<{ id: number; source: number; target: number; length_m: number; cost: number; reverse_cost: number; c: number[][] }>`
    SELECT e.id, e.source, e.target, e.length_m, e.cost, e.reverse_cost,
           (ST_AsGeoJSON(e.geom, 8)::json -> 'coordinates') AS c
    FROM app.walk_edge e ${filter('e')} ORDER BY e.id`.execute(db);
  const V = vertices.rows.length;
  const E = edges.rows.length;
  const vertexIds = new Float64Array(V), vertexLon = new Float64Array(V), vertexLat = new Float64Array(V);
  const vertexDataset: string[] = new Array(V);
  vertices.rows.forEach((r, i) => {
    vertexDataset[i] = r.dataset;
    vertexIds[i] = r.id;
    vertexLon[i] = r.lon;
    vertexLat[i] = r.lat;
  });
  let n = 0;
  for (const r of edges.rows) n += r.c.length;
  const coords = new Float64Array(2 * n);
  const coordStart = new Uint32Array(E + 1);
  const edgeIds = new Float64Array(E), src = new Float64Array(E), tgt = new Float64Array(E);
  const len = new Float64Array(E), cost = new Float64Array(E), rev = new Float64Array(E);
  let k = 0;
  edges.rows.forEach((r, i) => {
    edgeIds[i] = r.id;
    src[i] = r.source;
    tgt[i] = r.target;
    len[i] = r.length_m;
    cost[i] = r.cost;
    rev[i] = r.reverse_cost;
    for (const [x, y] of r.c) {
      coords[2 * k] = x;
      coords[2 * k + 1] = y;
      k++;
    }
    coordStart[i + 1] = k;
  });
  return WalkGraph.fromArrays(
    { vertexIds, vertexLon, vertexLat, vertexDataset, edgeIds, edgeSource: src, edgeTarget: tgt, edgeLength: len, edgeCost: cost, edgeReverseCost: rev, coords, coordStart },
    opts,
  );
}
