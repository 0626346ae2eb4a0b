-- Tile and feature views: one view per published layer in schema `tiles`, named after the layer id,
-- holding exactly the declared attributes (only these leave the server), the provenance props
-- (is_sample, check_year, dataset_id), geom (EPSG:4326, for OGC API Features / GeoJSON) and
-- geom_3857 (GiST-indexed in the base table, for tiles). tiles/layers.ts declares the same fields
-- with their types; test/tiles/views.test.ts checks that both agree.

CREATE VIEW tiles.estates AS
SELECT id, name, build_year, is_old, households, residents, building_count, has_elevator,
       property_management, array_to_string(renovation_class, ',') AS renovation_class, renovation_status,
       is_sample, check_year, dataset_id, geom, geom_3857
FROM app.estate_v;

-- render_height: height_m, else levels × default storey height, else the default building height.
CREATE VIEW tiles.buildings AS
SELECT b.id, b.name, b.use, b.levels, b.height_m,
       coalesce(b.height_m, b.levels * s.level_h, s.default_h) AS render_height,
       b.build_year, b.is_sample, b.check_year, b.dataset_id, b.geom, b.geom_3857
FROM app.building b
CROSS JOIN (
  SELECT coalesce((SELECT (value #>> '{}')::float8 FROM app.setting WHERE key = 'default_building_level_height_m'), 3.0) AS level_h,
         coalesce((SELECT (value #>> '{}')::float8 FROM app.setting WHERE key = 'default_building_height_m'), 9.0) AS default_h
) s;

CREATE VIEW tiles.green_spaces AS
SELECT id, name, kind, is_park, area_m2, is_sample, check_year, dataset_id, geom, geom_3857
FROM app.green_space;

CREATE VIEW tiles.waterlogging AS
SELECT id, name, location_type, max_depth_cm, duration_h, status, severity, last_occurrence,
       is_sample, check_year, dataset_id, geom, geom_3857
FROM app.waterlogging_point;

CREATE VIEW tiles.heritage_districts AS
SELECT id, name, protection_level, designated_year, is_sample, check_year, dataset_id, geom, geom_3857
FROM app.heritage_district;

CREATE VIEW tiles.heritage_zones AS
SELECT z.id, z.name, z.zone_type, z.district_id, d.name AS district,
       z.is_sample, z.check_year, z.dataset_id, z.geom, z.geom_3857
FROM app.heritage_zone z
LEFT JOIN app.heritage_district d ON d.id = z.district_id;

CREATE VIEW tiles.heritage_sites AS
SELECT id, name, kind, protection_level, built_year, is_sample, check_year, dataset_id, geom, geom_3857
FROM app.heritage_site;

CREATE VIEW tiles.facilities AS
SELECT f.id, f.name, f.type_code, t.name_zh AS type_name_zh, t.name_en AS type_name_en, t.category,
       t.life_circle_tier, f.is_sample, f.check_year, f.dataset_id, f.geom, f.geom_3857
FROM app.facility f
JOIN app.facility_type t ON t.code = f.type_code;

CREATE VIEW tiles.admin_units AS
SELECT id, name, level, parent_id, population, is_sample, check_year, dataset_id, geom, geom_3857
FROM app.admin_unit;

CREATE VIEW tiles.walk_network AS
SELECT id, highway, name, length_m, is_sample, check_year, dataset_id, geom, geom_3857
FROM app.walk_edge;

CREATE VIEW tiles.roads AS
SELECT id, class, name, ref, bridge, tunnel, is_sample, check_year, dataset_id, geom, geom_3857
FROM app.base_road;

CREATE VIEW tiles.water AS
SELECT id, kind, name, is_sample, check_year, dataset_id, geom, geom_3857
FROM app.base_water;

CREATE VIEW tiles.landuse AS
SELECT id, kind, name, is_sample, check_year, dataset_id, geom, geom_3857
FROM app.base_landuse;

CREATE VIEW tiles.places AS
SELECT id, kind, name, rank, is_sample, check_year, dataset_id, geom, geom_3857
FROM app.base_place;
