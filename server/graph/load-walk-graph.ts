/**
 * Reads app.walk_vertex / app.walk_edge into a WalkGraph (in pages of ids, one snapshot). Optionally limited to
 * some datasets (tests and benchmarks keep several cities in one database).
 */
import { sql, type Kysely } from 'kysely';
import { WalkGraph, type WalkGraphOptions } from './walk-graph.ts';

export interface LoadWalkGraphOptions extends WalkGraphOptions {
  /** Only these app.dataset ids; all when absent. */
  datasetIds?: string[];
  /** Rows per query (default WALK_GRAPH_PAGE_ROWS). */
  pageRows?: number;
}

/**
 * Rows per query. A city of 10^6 buildings has ~1.4·10^6 walking edges: read in one statement they
 * passed the 8 s statement timeout (the server could never load its graph) and held every row's
 * JSON at once. Pages keep each statement short and only one page of rows in memory.
 */
export const WALK_GRAPH_PAGE_ROWS = 100_000;

/** A Float64Array that grows by doubling; `done()` trims it to its length. */
class Column {
  private a = new Float64Array(1024);
  n = 0;
  push(x: number) {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
  done(): Float64Array {
    return this.a.slice(0, this.n);
  }
}

export async function loadWalkGraph(db: Kysely<unknown>, opts: LoadWalkGraphOptions = {}): Promise<WalkGraph> {
  const ds = opts.datasetIds ?? null;
  const pageRows = opts.pageRows ?? WALK_GRAPH_PAGE_ROWS;
  const filter = (alias: string, after: number) =>
    ds ? sql`WHERE ${sql.ref(`${alias}.id`)} > ${after} AND ${sql.ref(`${alias}.dataset_id`)} = ANY(${ds}::text[])` : sql`WHERE ${sql.ref(`${alias}.id`)} > ${after}`;
  const vertexIds = new Column(), vertexLon = new Column(), vertexLat = new Column();
  const vertexDataset: string[] = [];
  const edgeIds = new Column(), src = new Column(), tgt = new Column(), len = new Column(), cost = new Column(), rev = new Column();
  const coords = new Column();
  const coordStart: number[] = [0];
  // one snapshot for every page: an edit between two pages cannot leave an edge without its vertex
  await db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    for (let after = 0, n = pageRows; n === pageRows;) {
      const page = await sql<{ id: number; lon: number; lat: number; dataset: string }>`
        SELECT v.id, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat, v.dataset_id AS dataset FROM app.walk_vertex v ${filter('v', after)}
        ORDER BY v.id LIMIT ${pageRows}`.execute(trx);
      for (const r of page.rows) {
        vertexDataset.push(r.dataset);
        vertexIds.push(r.id);
        vertexLon.push(r.lon);
        vertexLat.push(r.lat);
      }
      n = page.rows.length;
      after = Number(page.rows.at(-1)?.id ?? after);
    }
    for (let after = 0, n = pageRows; n === pageRows;) {
      const page = await sql<{ id: number; source: number; target: number; length_m: number; cost: number; reverse_cost: number; c: number[][] }>`
        SELECT e.id, e.source, e.target, e.length_m, e.cost, e.reverse_cost,
               (ST_AsGeoJSON(e.geom, 8)::json -> 'coordinates') AS c
        FROM app.walk_edge e ${filter('e', after)} ORDER BY e.id LIMIT ${pageRows}`.execute(trx);
      for (const r of page.rows) {
        edgeIds.push(r.id);
        src.push(r.source);
        tgt.push(r.target);
        len.push(r.length_m);
        cost.push(r.cost);
        rev.push(r.reverse_cost);
        for (const [x, y] of r.c) {
          coords.push(x!);
          coords.push(y!);
        }
        coordStart.push(coords.n / 2);
      }
      n = page.rows.length;
      after = Number(page.rows.at(-1)?.id ?? after);
    }
  });
  return WalkGraph.fromArrays(
    {
      vertexIds: vertexIds.done(), vertexLon: vertexLon.done(), vertexLat: vertexLat.done(), vertexDataset,
      edgeIds: edgeIds.done(), edgeSource: src.done(), edgeTarget: tgt.done(), edgeLength: len.done(), edgeCost: cost.done(), edgeReverseCost: rev.done(),
      coords: coords.done(), coordStart: Uint32Array.from(coordStart),
    },
    opts,
  );
}
