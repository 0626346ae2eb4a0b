/**
 * Staging → basemap tables (roads incl. rail, water incl. coastline and sea, landuse, place labels +
 * named POIs) and park entrances. Geometry stays EPSG:4326; the tables generate geom_3857 for tiles.
 */
import { seaSelect } from './coastline.ts';
import { areaSourceId, q, type StagingTables } from './run-osm2pgsql.ts';
import { PLACE_RANK, RAIL_CLASS, ROAD_CLASS } from './tag-mapping.ts';
import type { LayerUpsert } from './upsert-layer.ts';

const yes = (expr: string) => `coalesce(${expr}, 'no') NOT IN ('no', 'false', '0')`;

export function roadQuery(s: StagingTables): LayerUpsert {
  return {
    table: 'base_road',
    columns: ['class', 'highway', 'name', 'ref', 'bridge', 'tunnel'],
    select: `
      SELECT * FROM (
        SELECT 'w' || l.osm_id AS source_id,
          coalesce($4::jsonb->>(l.tags->>'highway'), $5::jsonb->>(l.tags->>'railway')) AS class,
          coalesce(l.tags->>'highway', l.tags->>'railway') AS highway, l.tags->>'name' AS name, l.tags->>'ref' AS ref,
          ${yes(`l.tags->>'bridge'`)} AS bridge, ${yes(`l.tags->>'tunnel'`)} AS tunnel, l.tags AS props, l.geom
        FROM ${q(s.line)} l WHERE coalesce(l.tags->>'area', 'no') <> 'yes') t
      WHERE class IS NOT NULL`,
    params: [JSON.stringify(ROAD_CLASS), JSON.stringify(RAIL_CLASS)],
  };
}

export function waterQuery(s: StagingTables): LayerUpsert {
  return {
    table: 'base_water',
    columns: ['kind', 'name'],
    select: `
      SELECT ${areaSourceId('a')} AS source_id,
        coalesce(a.tags->>'water', CASE WHEN a.tags->>'waterway' = 'riverbank' THEN 'riverbank' END, a.tags->>'landuse', 'water') AS kind,
        a.tags->>'name' AS name, a.tags AS props, ST_Multi(a.geom) AS geom
      FROM ${q(s.area)} a
      WHERE a.tags->>'natural' = 'water' OR a.tags->>'waterway' = 'riverbank' OR a.tags->>'landuse' IN ('reservoir', 'basin')
      UNION ALL
      SELECT 'w' || l.osm_id || ':line', CASE WHEN l.tags->>'natural' = 'coastline' THEN 'coastline' ELSE l.tags->>'waterway' END,
        l.tags->>'name', l.tags, l.geom
      FROM ${q(s.line)} l WHERE l.tags->>'waterway' IN ('river', 'stream', 'canal', 'drain', 'ditch') OR l.tags->>'natural' = 'coastline'
      UNION ALL
      SELECT * FROM (${seaSelect(s)}) sea`,
  };
}

export function landuseQuery(s: StagingTables): LayerUpsert {
  return {
    table: 'base_landuse',
    columns: ['kind', 'name'],
    select: `
      SELECT ${areaSourceId('a')} AS source_id, a.tags->>'landuse' AS kind, a.tags->>'name' AS name,
        a.tags AS props, ST_Multi(a.geom) AS geom
      FROM ${q(s.area)} a WHERE a.tags ? 'landuse'`,
  };
}

/** place=* nodes ranked by PLACE_RANK, plus named POI nodes (rank 50) for labels. */
export function placeQuery(s: StagingTables): LayerUpsert {
  return {
    table: 'base_place',
    columns: ['kind', 'name', 'rank'],
    select: `
      SELECT 'n' || p.osm_id AS source_id, CASE WHEN p.tags ? 'place' THEN p.tags->>'place' ELSE 'poi' END AS kind,
        p.tags->>'name' AS name,
        CASE WHEN p.tags ? 'place' THEN coalesce(($4::jsonb->>(p.tags->>'place'))::int, 10) ELSE 50 END AS rank,
        p.tags AS props, p.geom
      FROM ${q(s.point)} p
      WHERE p.tags ? 'name' AND (p.tags ?| ARRAY['place', 'amenity', 'shop', 'tourism', 'historic', 'leisure', 'office', 'railway'])`,
    params: [JSON.stringify(PLACE_RANK)],
  };
}

/**
 * Park entrances: nodes tagged entrance=* or barrier=gate|entrance|… within 2 m of the boundary
 * of a green space of this run (nearest one wins). Runs after green_space was upserted.
 */
export function parkEntranceQuery(s: StagingTables): LayerUpsert {
  return {
    table: 'green_space_access',
    columns: ['green_space_id', 'kind'],
    select: `
      SELECT DISTINCT ON (p.osm_id) 'n' || p.osm_id AS source_id, g.id AS green_space_id, 'entrance' AS kind,
        p.tags AS props, p.geom
      FROM ${q(s.point)} p
      JOIN app.green_space g ON g.dataset_id = $1 AND g.check_year = $2 AND g.import_run_id = $3
        AND g.kind IN ('park', 'garden', 'playground', 'square', 'nature')
        AND p.geom && ST_Expand(g.geom, 0.0001)
        AND ST_DWithin(p.geom::geography, ST_Boundary(g.geom)::geography, 2)
      WHERE p.tags ? 'entrance' OR p.tags->>'barrier' IN ('gate', 'entrance', 'lift_gate', 'kissing_gate', 'turnstile', 'swing_gate')
      ORDER BY p.osm_id, ST_Distance(p.geom::geography, ST_Boundary(g.geom)::geography), g.is_park DESC`,
  };
}
