/**
 * Staging → app SELECTs for the thematic layers (buildings, green space, estates, heritage,
 * facilities). Each returns a LayerUpsert; values come in as bound jsonb parameters from the
 * mapping tables, staging names from stagingTables() only.
 */
import { FACILITY_RULES, SCHOOL_RULE, facilityRulesJson } from './facility-mapping.ts';
import { areaSourceId, q, type StagingTables } from './run-osm2pgsql.ts';
import { AMENITY_BUILDING_USE, BUILDING_USE, GREEN_KIND, HERITAGE_KIND } from './tag-mapping.ts';
import type { LayerUpsert } from './upsert-layer.ts';

/** A year from start_date ('1936', '1936-05', '~1930', 'c. 1930'); NULL when not parseable or out of range. */
const yearOf = (expr: string, min = 1000) =>
  `(SELECT y FROM (SELECT substring(${expr} FROM '^\\s*(?:~|c\\.\\s*|ca\\.\\s*)?(\\d{4})')::int AS y) t WHERE y BETWEEN ${min} AND 2200)`;
const sourceId = areaSourceId;

export function buildingQuery(s: StagingTables): LayerUpsert {
  return {
    table: 'building',
    columns: ['name', 'use', 'osm_building', 'levels', 'height_m', 'build_year'],
    select: `
      SELECT ${sourceId('a')} AS source_id, a.tags->>'name' AS name,
        CASE WHEN a.tags ? 'historic' AND a.tags->>'building' = 'yes' THEN 'historic'
             ELSE coalesce(CASE WHEN a.tags->>'building' = 'yes' THEN $5::jsonb->>(a.tags->>'amenity') END,
                           $4::jsonb->>(a.tags->>'building'), 'other') END AS use,
        a.tags->>'building' AS osm_building,
        (SELECT v FROM (SELECT round(substring(a.tags->>'building:levels' FROM '^\\s*(\\d{1,3}(?:\\.\\d+)?)\\s*$')::numeric)::int AS v) t WHERE v BETWEEN 0 AND 200) AS levels,
        (SELECT v FROM (SELECT substring(a.tags->>'height' FROM '^\\s*(\\d+(?:\\.\\d+)?)\\s*(?:m|meters?|metres?|米)?\\s*$')::float8 AS v) t WHERE v < 1000) AS height_m,
        ${yearOf(`a.tags->>'start_date'`)} AS build_year,
        a.tags AS props, ST_Multi(a.geom) AS geom
      FROM ${q(s.area)} a
      WHERE a.tags ? 'building' AND a.tags->>'building' NOT IN ('no', 'false')`,
    params: [JSON.stringify(BUILDING_USE), JSON.stringify(AMENITY_BUILDING_USE)],
  };
}

export function greenSpaceQuery(s: StagingTables): LayerUpsert {
  const kind = `coalesce($4::jsonb->'leisure'->>(a.tags->>'leisure'), $4::jsonb->'landuse'->>(a.tags->>'landuse'),
    $4::jsonb->'natural'->>(a.tags->>'natural'), $4::jsonb->'amenity'->>(a.tags->>'amenity'), $4::jsonb->'place'->>(a.tags->>'place'))`;
  const notPrivate = `coalesce(a.tags->>'access', 'yes') NOT IN ('private', 'no')`;
  return {
    table: 'green_space',
    columns: ['name', 'kind', 'is_park', 'is_public'],
    select: `
      SELECT source_id, name, kind, is_park, is_public, props, geom FROM (
        SELECT ${sourceId('a')} AS source_id, a.tags->>'name' AS name, ${kind} AS kind,
          coalesce((a.tags->>'leisure' = 'park' AND ${notPrivate})
            OR (a.tags->>'leisure' = 'garden' AND a.tags ? 'name' AND ${notPrivate}
                AND coalesce(a.tags->>'garden:type', '') NOT IN ('residential', 'private')), false) AS is_park,
          ${notPrivate} AS is_public, a.tags AS props, ST_Multi(a.geom) AS geom
        FROM ${q(s.area)} a) t
      WHERE kind IS NOT NULL`,
    params: [JSON.stringify(GREEN_KIND)],
  };
}

/**
 * landuse=residential polygons up to `maxAreaM2` (geodesic m²; estate-plausibility.ts) are estates
 * (小区), named or not: unnamed ones still carry the residential fabric. Larger ones stay land only.
 */
export function estateQuery(s: StagingTables, maxAreaM2: number): LayerUpsert {
  return {
    table: 'estate',
    columns: ['name', 'address', 'build_year'],
    select: `
      SELECT ${sourceId('a')} AS source_id, a.tags->>'name' AS name,
        nullif(concat_ws(' ', a.tags->>'addr:street', a.tags->>'addr:housenumber'), '') AS address,
        ${yearOf(`a.tags->>'start_date'`, 1800)} AS build_year, a.tags AS props, ST_Multi(a.geom) AS geom
      FROM ${q(s.area)} a WHERE a.tags->>'landuse' = 'residential' AND ST_Area(a.geom::geography) <= $4`,
    params: [maxAreaM2],
  };
}

export function heritageQuery(s: StagingTables): LayerUpsert {
  return {
    table: 'heritage_site',
    columns: ['name', 'kind', 'protection_level', 'built_year'],
    select: `
      SELECT source_id, tags->>'name' AS name, coalesce($4::jsonb->>(tags->>'historic'), 'other') AS kind,
        coalesce(tags->>'heritage:operator', tags->>'heritage') AS protection_level,
        ${yearOf(`tags->>'start_date'`, 0)} AS built_year, tags AS props, geom
      FROM (
        SELECT 'n' || p.osm_id AS source_id, p.tags, p.geom FROM ${q(s.point)} p
        UNION ALL SELECT ${sourceId('a')}, a.tags, ST_Multi(a.geom) FROM ${q(s.area)} a
      ) o WHERE tags ? 'historic' AND tags->>'historic' NOT IN ('no', 'yes_removed')`,
    params: [JSON.stringify(HERITAGE_KIND)],
  };
}

/** Facilities from tagged nodes and from areas (as their point on surface, which lies inside the polygon). */
export function facilityQuery(s: StagingTables): LayerUpsert {
  return {
    table: 'facility',
    columns: ['type_code', 'name', 'address', 'capacity'],
    select: `
      WITH obj AS (
        SELECT 'n' || p.osm_id AS sid, p.tags, p.geom FROM ${q(s.point)} p
        UNION ALL SELECT ${sourceId('a')}, a.tags, ST_PointOnSurface(a.geom) FROM ${q(s.area)} a
      ), rules AS (
        SELECT * FROM jsonb_to_recordset($4::jsonb) AS r(ord int, key text, value text, type text, req_key text, req_values jsonb)
      ), m AS (
        SELECT DISTINCT ON (o.sid) o.sid, o.tags, o.geom, r.type
        FROM obj o JOIN rules r ON o.tags->>r.key = r.value AND (r.req_key IS NULL OR r.req_values ? (o.tags->>r.req_key))
        ORDER BY o.sid, r.ord
      ), typed AS (
        SELECT m.*, CASE WHEN m.type <> 'school' THEN m.type
          WHEN coalesce(m.tags->>'name', '') ~ $5 THEN 'middle_school'
          WHEN coalesce(m.tags->>'name', '') ~ $6 THEN 'primary_school'
          WHEN coalesce(m.tags->>'isced:level', '') ~ '[23]' THEN 'middle_school'
          WHEN coalesce(m.tags->>'isced:level', '') ~ '1' THEN 'primary_school' END AS code
        FROM m WHERE NOT (m.type = 'school' AND coalesce(m.tags->>'name', '') ~ $7)
      )
      SELECT sid AS source_id, coalesce(code, 'primary_school') AS type_code, tags->>'name' AS name,
        coalesce(tags->>'addr:full', nullif(concat_ws(' ', tags->>'addr:street', tags->>'addr:housenumber'), '')) AS address,
        CASE WHEN tags->>'capacity' ~ '^\\d{1,7}$' THEN (tags->>'capacity')::int END AS capacity,
        CASE WHEN code IS NULL THEN tags || '{"level_assumed": true}'::jsonb ELSE tags END AS props, geom
      FROM typed`,
    params: [facilityRulesJson(), SCHOOL_RULE.middleNamePattern, SCHOOL_RULE.primaryNamePattern, SCHOOL_RULE.excludeNamePattern],
  };
}

/** Codes the mapping can produce (for the catalog agreement test). */
export function facilityCodes(): string[] {
  const codes = new Set(FACILITY_RULES.map((r) => r.type).filter((t) => t !== 'school'));
  codes.add('primary_school');
  codes.add('middle_school');
  return [...codes];
}
