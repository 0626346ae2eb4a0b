/** The promote step: every OSM layer upserted in dependency order, stale rows removed, links set. */
import type pg from 'pg';
import { type AdminLevelMap, adminUnitQuery, linkAdminParents } from './admin-boundaries.ts';
import { landuseQuery, parkEntranceQuery, placeQuery, roadQuery, waterQuery } from './basemap-queries.ts';
import { DEFAULT_ESTATE_MAX_AREA_M2 } from './estate-plausibility.ts';
import { buildingQuery, estateQuery, facilityQuery, greenSpaceQuery, heritageQuery } from './layer-queries.ts';
import type { StagingTables } from './run-osm2pgsql.ts';
import { deleteStale, type LayerUpsert, type OsmTable, upsertLayer } from './upsert-layer.ts';
import { walkEdgeQuery, walkVertexQuery } from './walk-network.ts';

type Ref = { datasetId: string; checkYear: number; runId: number };

/**
 * Tables analysed right after their upsert, inside the import transaction: later steps join on them.
 * Without it a first import sees them empty, e.g. linking 10^5 buildings to their estate scanned every
 * estate per building (minutes instead of seconds).
 */
export const ANALYZED_AFTER_WRITE: ReadonlySet<OsmTable> = new Set<OsmTable>(['estate', 'building', 'green_space', 'walk_vertex']);

/** Generalisation rules of one import. */
export interface PromoteRules {
  /** Largest landuse=residential polygon taken as an estate (小区), m² geodesic (estate-plausibility.ts). */
  estateMaxAreaM2: number;
}

/** Runs inside the import transaction; returns rows written per app table. */
export async function promoteAll(client: pg.PoolClient, ref: Ref, s: StagingTables, levels: AdminLevelMap, log: (l: string) => void,
  rules: PromoteRules = { estateMaxAreaM2: DEFAULT_ESTATE_MAX_AREA_M2 }): Promise<Record<string, number>> {
  const steps: LayerUpsert[] = [
    adminUnitQuery(s, levels), estateQuery(s, rules.estateMaxAreaM2), buildingQuery(s), greenSpaceQuery(s), parkEntranceQuery(s),
    heritageQuery(s), facilityQuery(s), walkVertexQuery(s), walkEdgeQuery(s),
    roadQuery(s), waterQuery(s), landuseQuery(s), placeQuery(s),
  ];
  const counts: Record<string, number> = {};
  for (const step of steps) {
    counts[step.table] = await upsertLayer(client, ref, step);
    // Fresh statistics, so the next steps that join on just-written rows (edges → vertices,
    // entrances → green space, buildings → estates below) get index plans instead of nested seq scans.
    if (ANALYZED_AFTER_WRITE.has(step.table)) await client.query(`ANALYZE app."${step.table}"`);
    log(`  ${step.table}: ${counts[step.table]}`);
  }
  // Children before parents, so cascades do not remove rows this run just wrote.
  const order: OsmTable[] = ['walk_edge', 'walk_vertex', 'green_space_access', 'green_space', 'building', 'estate', 'heritage_site',
    'facility', 'admin_unit', 'base_road', 'base_water', 'base_landuse', 'base_place'];
  for (const t of order) await deleteStale(client, ref, t);
  await linkAdminParents(client, ref.datasetId, ref.checkYear);
  await client.query(`
    UPDATE app.building b SET estate_id = (
      SELECT e.id FROM app.estate e WHERE e.dataset_id = b.dataset_id AND e.check_year = b.check_year
        AND ST_Contains(e.geom, ST_PointOnSurface(b.geom)) ORDER BY ST_Area(e.geom) LIMIT 1)
    WHERE b.dataset_id = $1 AND b.check_year = $2`, [ref.datasetId, ref.checkYear]);
  return counts;
}
