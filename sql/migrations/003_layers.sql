-- The product's layers. Every layer table gets the same provenance columns, indexes and
-- triggers from the DO block at the end: dataset_id + source_id (unique: re-imports update in place),
-- import_run_id, check_year (一年一体检), is_sample (示例数据), props (other source attributes),
-- geom in EPSG:4326 with a GiST index, and a generated geom_3857 for tiles.
-- Enumerations are stored as English codes; Chinese and English labels live in app.code_label.

CREATE TABLE app.code_label (
  domain   text NOT NULL,
  code     text NOT NULL,
  label_zh text NOT NULL,
  label_en text NOT NULL,
  sort     integer NOT NULL DEFAULT 0,
  PRIMARY KEY (domain, code)
);

-- 行政区划: 市 → 区 → 街道 → 社区. The 2023 check levels map onto it: 城区 = district,
-- 街区 = subdistrict, 小区(社区) = community (+ app.estate), 住房 = app.building.
CREATE TABLE app.admin_unit (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parent_id   bigint REFERENCES app.admin_unit (id) ON DELETE SET NULL,
  level       text NOT NULL CHECK (level IN ('city', 'district', 'subdistrict', 'community')),
  code        text,                     -- statistical division code where known
  name        text NOT NULL,
  name_en     text,
  population  integer CHECK (population >= 0),
  geom        geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX admin_unit_parent_idx ON app.admin_unit (parent_id);

-- 小区 residential estates. "Old estate" is derived (app.estate_v) from build_year and the
-- configurable cut-off app.setting old_estate_cutoff_year (default 2000).
CREATE TABLE app.estate (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                text,
  address             text,
  admin_unit_id       bigint REFERENCES app.admin_unit (id) ON DELETE SET NULL,
  build_year          integer CHECK (build_year BETWEEN 1800 AND 2200),
  households          integer CHECK (households >= 0),
  residents           integer CHECK (residents >= 0),
  building_count      integer CHECK (building_count >= 0),
  floor_area_m2       double precision CHECK (floor_area_m2 >= 0),
  has_elevator        boolean,
  property_management text CHECK (property_management IN ('professional', 'self', 'none')),
  renovation_class    text[] NOT NULL DEFAULT '{}'
                      CHECK (renovation_class <@ ARRAY['basic', 'improvement', 'upgrade']::text[]),
  renovation_status   text CHECK (renovation_status IN ('not_listed', 'surveyed', 'reserve', 'planned', 'under_works', 'completed')),
  renovation_plan_year integer CHECK (renovation_plan_year BETWEEN 1990 AND 2200),
  geom                geometry(MultiPolygon, 4326) NOT NULL
);

-- 建筑 buildings, enough for 3D (height, or levels × a default storey height).
CREATE TABLE app.building (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text,
  use         text NOT NULL DEFAULT 'unknown'
              CHECK (use IN ('residential', 'commercial', 'office', 'public', 'education', 'health', 'religious', 'industrial', 'historic', 'other', 'unknown')),
  osm_building text,                    -- the raw building=* value
  levels      integer CHECK (levels BETWEEN 0 AND 200),
  height_m    double precision CHECK (height_m >= 0 AND height_m < 1000),
  build_year  integer CHECK (build_year BETWEEN 1000 AND 2200),
  estate_id   bigint REFERENCES app.estate (id) ON DELETE SET NULL,
  geom        geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX building_estate_idx ON app.building (estate_id);

-- 公园绿地 and other green space. area_m2 is geodesic (geography), not in degrees.
CREATE TABLE app.green_space (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text,
  kind        text NOT NULL CHECK (kind IN ('park', 'garden', 'playground', 'square', 'grass', 'forest', 'nature', 'cemetery', 'other')),
  is_park     boolean NOT NULL DEFAULT false,  -- counts as 公园绿地 for service-radius coverage
  is_public   boolean NOT NULL DEFAULT true,
  area_m2     double precision GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED,
  geom        geometry(MultiPolygon, 4326) NOT NULL
);

-- Park entrances (mapped) or derived access points where paths meet the boundary.
CREATE TABLE app.green_space_access (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  green_space_id bigint REFERENCES app.green_space (id) ON DELETE CASCADE,
  kind           text NOT NULL CHECK (kind IN ('entrance', 'derived')),
  geom           geometry(Point, 4326) NOT NULL
);
CREATE INDEX green_space_access_park_idx ON app.green_space_access (green_space_id);

-- 内涝积水点 waterlogging points (indicators.md §8.3).
CREATE TABLE app.waterlogging_point (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                text NOT NULL,
  location_type       text NOT NULL DEFAULT 'other'
                      CHECK (location_type IN ('road', 'underpass', 'low_lying', 'underground', 'estate', 'other')),
  max_depth_cm        double precision CHECK (max_depth_cm >= 0),
  duration_h          double precision CHECK (duration_h >= 0),
  affected_area_m2    double precision CHECK (affected_area_m2 >= 0),
  first_recorded_year integer CHECK (first_recorded_year BETWEEN 1900 AND 2200),
  last_occurrence     date,
  status              text NOT NULL DEFAULT 'untreated' CHECK (status IN ('untreated', 'in_progress', 'closed')),
  severity            text CHECK (severity IN ('low', 'medium', 'high', 'severe')),
  remediation_project_id bigint,
  geom                geometry(Point, 4326) NOT NULL
);

-- 历史文化街区 historic districts, with their protection zones.
CREATE TABLE app.heritage_district (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             text NOT NULL,
  protection_level text,                -- e.g. 国家级 / 省级 / 市级
  designated_year  integer CHECK (designated_year BETWEEN 1900 AND 2200),
  geom             geometry(MultiPolygon, 4326) NOT NULL  -- the whole protected area
);

-- 核心保护范围 (core) and 建设控制地带 (control) of a district.
CREATE TABLE app.heritage_zone (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district_id bigint REFERENCES app.heritage_district (id) ON DELETE CASCADE,
  zone_type   text NOT NULL CHECK (zone_type IN ('core', 'control')),
  name        text,
  geom        geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX heritage_zone_district_idx ON app.heritage_zone (district_id);

-- 历史建筑, 文物保护单位 and 工业遗产 (points or footprints).
CREATE TABLE app.heritage_site (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             text,
  kind             text NOT NULL CHECK (kind IN ('historic_building', 'cultural_relic', 'industrial_heritage', 'other')),
  protection_level text,
  built_year       integer CHECK (built_year BETWEEN 0 AND 2200),
  district_id      bigint REFERENCES app.heritage_district (id) ON DELETE SET NULL,
  geom             geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON'))
);

-- Facility type catalog (life-circle tier, walking standard, complete-community item).
CREATE TABLE app.facility_type (
  code                 text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  name_zh              text NOT NULL,
  name_en              text NOT NULL,
  category             text NOT NULL CHECK (category IN ('education', 'health', 'elderly', 'commerce', 'community', 'sports', 'sanitation', 'transport', 'energy', 'culture', 'safety')),
  life_circle_tier     text CHECK (life_circle_tier IN ('5min', '10min', '15min', 'block')),
  standard_distance_m  double precision CHECK (standard_distance_m > 0),
  complete_community   boolean NOT NULL DEFAULT false,  -- required by 完整居住社区建设标准
  confidence           text NOT NULL CHECK (confidence IN ('CONFIRMED', 'SECONDARY', 'UNCONFIRMED', 'LOCAL')),
  source               text,
  osm_tags             text,            -- documented OSM mapping (human-readable)
  sort                 integer NOT NULL DEFAULT 0
);

CREATE TABLE app.facility (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type_code text NOT NULL REFERENCES app.facility_type (code),
  name      text,
  address   text,
  capacity  integer CHECK (capacity >= 0),
  geom      geometry(Point, 4326) NOT NULL
);
CREATE INDEX facility_type_idx ON app.facility (type_code);

-- Walking network as a pgRouting graph: edges split at every junction, costs in metres.
CREATE TABLE app.walk_vertex (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  osm_node_id bigint,
  geom        geometry(Point, 4326) NOT NULL
);
CREATE TABLE app.walk_edge (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source       bigint NOT NULL REFERENCES app.walk_vertex (id) ON DELETE CASCADE,
  target       bigint NOT NULL REFERENCES app.walk_vertex (id) ON DELETE CASCADE,
  length_m     double precision NOT NULL CHECK (length_m >= 0),
  cost         double precision NOT NULL,     -- metres; < 0 means not passable in this direction
  reverse_cost double precision NOT NULL,
  highway      text NOT NULL,
  name         text,
  osm_way_id   bigint,
  geom         geometry(LineString, 4326) NOT NULL
);
CREATE INDEX walk_edge_source_idx ON app.walk_edge (source);
CREATE INDEX walk_edge_target_idx ON app.walk_edge (target);

-- Basemap layers (so the client needs no internet basemap).
CREATE TABLE app.base_road (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  class    text NOT NULL CHECK (class IN ('motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'minor', 'service', 'path', 'rail', 'subway')),
  highway  text,
  name     text,
  ref      text,
  bridge   boolean NOT NULL DEFAULT false,
  tunnel   boolean NOT NULL DEFAULT false,
  geom     geometry(LineString, 4326) NOT NULL
);
CREATE TABLE app.base_water (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind  text NOT NULL,                  -- river, lake, canal, reservoir, riverbank, water …
  name  text,
  geom  geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON'))
);
CREATE TABLE app.base_landuse (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind  text NOT NULL,                  -- residential, commercial, industrial, education, …
  name  text,
  geom  geometry(MultiPolygon, 4326) NOT NULL
);
CREATE TABLE app.base_place (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind  text NOT NULL,                  -- city, suburb, quarter, neighbourhood, poi …
  name  text NOT NULL,
  rank  integer NOT NULL DEFAULT 0,
  geom  geometry(Point, 4326) NOT NULL
);

-- Common columns, indexes and triggers for every layer table.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['admin_unit', 'estate', 'building', 'green_space', 'green_space_access',
    'waterlogging_point', 'heritage_district', 'heritage_zone', 'heritage_site', 'facility',
    'walk_vertex', 'walk_edge', 'base_road', 'base_water', 'base_landuse', 'base_place']
  LOOP
    EXECUTE format($f$
      ALTER TABLE app.%1$I
        ADD COLUMN dataset_id    text NOT NULL REFERENCES app.dataset (id),
        ADD COLUMN source_id     text NOT NULL,
        ADD COLUMN import_run_id bigint REFERENCES app.import_run (id),
        ADD COLUMN check_year    integer NOT NULL CHECK (check_year BETWEEN 1900 AND 2200),
        ADD COLUMN is_sample     boolean NOT NULL DEFAULT false,
        ADD COLUMN props         jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN geom_3857     geometry GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
        ADD CONSTRAINT %1$s_source_key UNIQUE (dataset_id, source_id, check_year),
        ADD CONSTRAINT %1$s_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
    $f$, t);
    EXECUTE format('CREATE INDEX %1$s_geom_idx ON app.%1$I USING gist (geom)', t);
    EXECUTE format('CREATE INDEX %1$s_geom_3857_idx ON app.%1$I USING gist (geom_3857)', t);
    EXECUTE format('CREATE INDEX %1$s_run_idx ON app.%1$I (import_run_id)', t);
    EXECUTE format('CREATE TRIGGER %1$s_audit AFTER INSERT OR UPDATE OR DELETE ON app.%1$I
                    FOR EACH ROW EXECUTE FUNCTION internal.audit_row()', t);
    EXECUTE format('CREATE TRIGGER %1$s_notify AFTER INSERT OR UPDATE OR DELETE ON app.%1$I
                    FOR EACH ROW EXECUTE FUNCTION internal.notify_change()', t);
  END LOOP;
END $$;

CREATE INDEX estate_build_year_idx ON app.estate (build_year);
CREATE INDEX waterlogging_status_idx ON app.waterlogging_point (status);
CREATE INDEX walk_vertex_osm_idx ON app.walk_vertex (osm_node_id);

-- Estates with the derived old-estate flag (老旧小区), using the configurable cut-off year.
CREATE VIEW app.estate_v AS
SELECT e.*,
       (e.build_year IS NOT NULL AND e.build_year <= s.cutoff) AS is_old
FROM app.estate e
CROSS JOIN (SELECT (value #>> '{}')::integer AS cutoff FROM app.setting WHERE key = 'old_estate_cutoff_year') s;
COMMENT ON VIEW app.estate_v IS 'app.estate plus is_old = build_year <= setting old_estate_cutoff_year (default 2000)';
