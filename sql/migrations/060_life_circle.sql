-- Life-circle access results (生活圈, GB 50180-2018; 完整居住社区; indicators.md §5–6).
-- A run stores everything that produced it: the facility catalog as used (types, tiers, standard
-- distances, confidence, source), walking speed, search cut-off, snapping convention and graph size,
-- so a stored result can be read next year without guessing which defaults were in force.

CREATE TABLE app.life_circle_run (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  params          jsonb NOT NULL,      -- speed_m_per_min, max_distance_m, types, tiers, origin/snap convention
  catalog         jsonb NOT NULL,      -- app.facility_type rows as used
  graph           jsonb NOT NULL,      -- vertex/edge counts, build time of the walking graph
  summary         jsonb NOT NULL DEFAULT '{}',
  estate_count    integer NOT NULL,
  duration_ms     double precision,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per estate and facility type. distance_m NULL = none within max_distance_m (reason says why).
CREATE TABLE app.life_circle_result (
  run_id       bigint NOT NULL REFERENCES app.life_circle_run (id) ON DELETE CASCADE,
  estate_id    bigint NOT NULL REFERENCES app.estate (id) ON DELETE CASCADE,
  type_code    text NOT NULL,
  distance_m   double precision CHECK (distance_m >= 0),
  standard_m   double precision NOT NULL,
  met          boolean NOT NULL,
  reason       text CHECK (reason IN ('none_within', 'no_facility', 'off_network')),
  facility_id  bigint,
  PRIMARY KEY (run_id, estate_id, type_code),
  CHECK ((distance_m IS NULL) = (reason IS NOT NULL))
);
CREATE INDEX life_circle_result_type_idx ON app.life_circle_result (run_id, type_code, met);

INSERT INTO app.setting (key, value, description, source) VALUES
  ('life_circle_max_distance_m', '2000', 'Life circles: walking search cut-off (m); farther facilities are reported as "none within" this distance', 'design default (CityCheck): 2.5 × the 800 m 15-min radius')
ON CONFLICT (key) DO NOTHING;
