-- Park service-radius coverage (公园绿地服务半径覆盖率, "300米见绿、500米见园"; indicators.md §4).
-- Result tables of analysis.green_coverage_run: one run row with the rule version that produced it,
-- per admin unit and per estate rows, and the shortfall (盲区) / detour geometry for maps and export.
-- Service areas are kept in the run's metric CRS (local UTM, SRID in metric_srid) so that what-if
-- requests can add a park to a stored run without recomputing the city.

INSERT INTO app.setting (key, value, description, source) VALUES
  ('green_coverage_large_min_m2', '5000', 'Parks of at least this area (m², geodesic) get the large service radius', 'indicators.md §4.1, MOHURD 2021 [S1] (CONFIRMED)'),
  ('green_coverage_large_radius_m', '500', 'Service radius of large parks (m)', 'indicators.md §4.1, MOHURD 2021 [S1] (CONFIRMED)'),
  ('green_coverage_small_min_m2', '2000', 'Parks of at least this area (m²; boundary inclusive) get the small service radius', 'indicators.md §4.1, MOHURD 2021 [S1] (CONFIRMED); inclusive boundary is a design choice'),
  ('green_coverage_small_radius_m', '300', 'Service radius of small parks (m)', 'indicators.md §4.1, MOHURD 2021 [S1] (CONFIRMED)'),
  ('green_coverage_historic_min_m2', '1000', 'Inside 历史文化街区: parks of at least this area get the historic radius (variant off by default)', 'indicators.md §4.1 (UNCONFIRMED)'),
  ('green_coverage_access_width_m', '50', 'Walking mode: land within this distance of a reached path counts as reached (m)', 'design default (CityCheck)')
ON CONFLICT (key) DO NOTHING;

CREATE TABLE app.coverage_run (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mode          text NOT NULL CHECK (mode IN ('official', 'walking', 'both')),
  target        text NOT NULL CHECK (target IN ('residential_land', 'estate')),
  dataset_id    text REFERENCES app.dataset (id) ON DELETE CASCADE,   -- NULL = all datasets
  rule_version  jsonb NOT NULL,          -- every parameter and its source/confidence
  metric_srid   integer NOT NULL,        -- local UTM zone used for buffers and areas
  summary       jsonb NOT NULL DEFAULT '{}',
  official_area geometry,                -- union of official service areas, metric_srid
  walking_area  geometry,                -- union of walking service areas, metric_srid
  duration_ms   double precision,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Coverage per city / district / subdistrict (and community where present).
CREATE TABLE app.coverage_unit (
  run_id        bigint NOT NULL REFERENCES app.coverage_run (id) ON DELETE CASCADE,
  unit_kind     text NOT NULL CHECK (unit_kind IN ('city', 'district', 'subdistrict', 'community')),
  unit_id       bigint NOT NULL,         -- app.admin_unit.id; 0 for the whole city
  name          text,
  target_m2     double precision NOT NULL,
  official_m2   double precision,
  walking_m2    double precision,
  residents     double precision,        -- estate target only: residents of the targets
  official_residents double precision,   -- residents × covered share
  walking_residents  double precision,
  PRIMARY KEY (run_id, unit_kind, unit_id)
);

-- Per estate: covered share in each mode, walking distance to the nearest eligible park and which.
CREATE TABLE app.coverage_estate (
  run_id            bigint NOT NULL REFERENCES app.coverage_run (id) ON DELETE CASCADE,
  estate_id         bigint NOT NULL,
  name              text,
  residents         integer,
  area_m2           double precision NOT NULL,
  official_share    double precision,
  walking_share     double precision,
  covered_official  boolean,
  covered_walking   boolean,
  straight_distance_m double precision,  -- straight-line distance to the nearest eligible park boundary
  straight_park_id  bigint,
  walk_distance_m   double precision,    -- NULL: no eligible park within distance_cap_m on foot
  nearest_park_id   bigint,              -- app.green_space.id; negative = a what-if park
  nearest_park_name text,
  PRIMARY KEY (run_id, estate_id)
);

-- Map layers of a run (EPSG:4326): uncovered residential land per mode, and the detour
-- (covered by the straight-line buffer but not reachable on foot).
CREATE TABLE app.coverage_shortfall (
  run_id  bigint NOT NULL REFERENCES app.coverage_run (id) ON DELETE CASCADE,
  layer   text NOT NULL CHECK (layer IN ('uncovered_official', 'uncovered_walking', 'detour')),
  geom    geometry(MultiPolygon, 4326),
  area_m2 double precision NOT NULL,
  PRIMARY KEY (run_id, layer)
);
CREATE INDEX coverage_shortfall_geom_idx ON app.coverage_shortfall USING gist (geom);

-- Saved what-if scenarios: extra parks (GeoJSON FeatureCollection, EPSG:4326) on top of a run.
CREATE TABLE app.coverage_scenario (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  base_run_id bigint REFERENCES app.coverage_run (id) ON DELETE SET NULL,
  parks       jsonb NOT NULL,
  summary     jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
