/**
 * Upsert of one app layer table from a staging SELECT, keyed by (dataset_id, source_id, check_year),
 * so a re-import updates rows in place (ids stay stable for references) and rows that vanished
 * from the source are removed by deleteStale.
 */
import type pg from 'pg';

/** App tables the OSM importer writes; identifiers are whitelisted here before being quoted. */
export const OSM_TABLES = ['admin_unit', 'estate', 'building', 'green_space', 'green_space_access', 'heritage_site',
  'facility', 'walk_vertex', 'walk_edge', 'base_road', 'base_water', 'base_landuse', 'base_place'] as const;
export type OsmTable = (typeof OSM_TABLES)[number];

const COLUMN = /^[a-z_][a-z0-9_]*$/;

export interface LayerUpsert {
  table: OsmTable;
  /** Columns produced by `select` besides source_id, props and geom. */
  columns: string[];
  /**
   * SELECT yielding source_id, …columns, props (jsonb), geom (EPSG:4326). Parameters: $1 dataset id,
   * $2 check year, $3 run id, then `params`. One row per source_id.
   */
  select: string;
  params?: unknown[];
}

/** Runs the upsert; returns the number of rows written. */
export async function upsertLayer(client: pg.PoolClient, ref: { datasetId: string; checkYear: number; runId: number }, u: LayerUpsert): Promise<number> {
  if (!OSM_TABLES.includes(u.table)) throw new RangeError(`not an OSM layer table: ${u.table}`);
  for (const c of u.columns) if (!COLUMN.test(c)) throw new RangeError(`bad column ${c}`);
  const cols = [...u.columns, 'props', 'geom'].map((c) => `"${c}"`);
  const sql = `
    INSERT INTO app."${u.table}" (source_id, ${cols.join(', ')}, dataset_id, check_year, import_run_id, updated_at)
    SELECT s.source_id, ${cols.map((c) => `s.${c}`).join(', ')}, $1, $2, $3, now() FROM (${u.select}) s
    ON CONFLICT (dataset_id, source_id, check_year) DO UPDATE SET
      ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, import_run_id = EXCLUDED.import_run_id, updated_at = now()`;
  const res = await client.query(sql, [ref.datasetId, ref.checkYear, ref.runId, ...(u.params ?? [])]);
  return res.rowCount ?? 0;
}

/** Deletes rows of the dataset + year that this run did not write (gone from the source). */
export async function deleteStale(client: pg.PoolClient, ref: { datasetId: string; checkYear: number; runId: number }, table: OsmTable): Promise<number> {
  if (!OSM_TABLES.includes(table)) throw new RangeError(`not an OSM layer table: ${table}`);
  const res = await client.query(
    `DELETE FROM app."${table}" WHERE dataset_id = $1 AND check_year = $2 AND import_run_id IS DISTINCT FROM $3`,
    [ref.datasetId, ref.checkYear, ref.runId],
  );
  return res.rowCount ?? 0;
}
