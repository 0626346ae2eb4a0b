-- Diagnosis (诊断): where the city is sick and why (indicators.md §8, §11, §12).
-- 1. app.built_up_area: a city's 建成区 polygon from a ledger, when it has one (else the diagnosis
--    derives one from buildings, estates and residential land: analysis.diagnosis_built_up).
-- 2. app.waterlogging_status_change: every status change of a waterlogging point, time-stamped with
--    its actor (append-only), so a re-check year shows which points were treated.
-- 3. app.diagnosis_run / _unit / _neighbour: a stored diagnosis with its city, units (grid cells or
--    admin units) with their indicators, composite score and hotspot statistics, and the spatial
--    weights used, so "why is this cell hot?" can be answered from the run itself.

CREATE TABLE app.built_up_area (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dataset_id    text NOT NULL REFERENCES app.dataset (id) ON DELETE CASCADE,
  source_id     text NOT NULL,
  check_year    integer NOT NULL CHECK (check_year BETWEEN 1900 AND 2200),
  name          text,
  is_sample     boolean NOT NULL DEFAULT false,
  import_run_id bigint REFERENCES app.import_run (id),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  geom          geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
  CONSTRAINT built_up_area_source_key UNIQUE (dataset_id, source_id, check_year)
);
CREATE INDEX built_up_area_geom_idx ON app.built_up_area USING gist (geom);
COMMENT ON TABLE app.built_up_area IS '建成区 polygons of a city from its ledger (EPSG:4326); absent = derived by analysis.diagnosis_built_up';
CREATE TRIGGER built_up_area_audit AFTER INSERT OR UPDATE OR DELETE ON app.built_up_area
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row();

CREATE TABLE app.waterlogging_status_change (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  point_id      bigint NOT NULL,          -- app.waterlogging_point.id (no FK: history outlives the row)
  dataset_id    text NOT NULL,
  source_id     text NOT NULL,            -- the ledger's own id (编号), stable across check years
  check_year    integer NOT NULL,
  from_status   text,                     -- NULL: the point was first recorded
  to_status     text NOT NULL,
  changed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor         text NOT NULL DEFAULT coalesce(nullif(current_setting('citycheck.actor', true), ''), current_user),
  import_run_id bigint,                   -- set when the change came with a ledger import
  note          text
);
CREATE INDEX waterlogging_status_change_point_idx ON app.waterlogging_status_change (dataset_id, source_id, changed_at);
COMMENT ON TABLE app.waterlogging_status_change IS
  'Append-only history of app.waterlogging_point.status (untreated → in_progress → closed), written by trigger';

CREATE FUNCTION internal.waterlogging_status_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
    INSERT INTO app.waterlogging_status_change (point_id, dataset_id, source_id, check_year, from_status, to_status, import_run_id, note)
    VALUES (NEW.id, NEW.dataset_id, NEW.source_id, NEW.check_year,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
            nullif(current_setting('citycheck.import_run', true), '')::bigint,
            nullif(current_setting('citycheck.note', true), ''));
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.waterlogging_status_log() IS
  'AFTER ROW trigger on app.waterlogging_point: records first status and every status change, also inside imports';
CREATE TRIGGER waterlogging_point_status_log AFTER INSERT OR UPDATE OF status ON app.waterlogging_point
  FOR EACH ROW EXECUTE FUNCTION internal.waterlogging_status_log();

CREATE FUNCTION internal.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '55000';
END $$;
COMMENT ON FUNCTION internal.refuse_change() IS 'BEFORE UPDATE OR DELETE trigger of append-only tables';
CREATE TRIGGER waterlogging_status_change_append_only BEFORE UPDATE OR DELETE ON app.waterlogging_status_change
  FOR EACH ROW EXECUTE FUNCTION internal.refuse_change();

-- Points loaded before this migration get their current status as the first history row.
INSERT INTO app.waterlogging_status_change (point_id, dataset_id, source_id, check_year, from_status, to_status, changed_at, actor, import_run_id, note)
SELECT id, dataset_id, source_id, check_year, NULL, status, updated_at, 'migration 120', import_run_id, 'status when history began'
FROM app.waterlogging_point;

CREATE TABLE app.diagnosis_run (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dataset_id    text NOT NULL REFERENCES app.dataset (id) ON DELETE CASCADE,
  unit_kind     text NOT NULL CHECK (unit_kind IN ('hexagon', 'square', 'community', 'subdistrict')),
  cell_size_m   double precision,         -- grids: hexagon edge or square side (m)
  metric_srid   integer NOT NULL,
  built_up_source text NOT NULL CHECK (built_up_source IN ('ledger', 'derived')),
  built_up_m2   double precision NOT NULL,
  effective     jsonb NOT NULL,           -- parameters with their origin (default / city / request)
  criteria      jsonb NOT NULL DEFAULT '[]',  -- indicators in the composite with direction, target, weight
  summary       jsonb NOT NULL DEFAULT '{}',  -- global Moran's I, islands, class counts
  duration_ms   double precision,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX diagnosis_run_dataset_idx ON app.diagnosis_run (dataset_id, created_at DESC);

CREATE TABLE app.diagnosis_unit (
  run_id        bigint NOT NULL REFERENCES app.diagnosis_run (id) ON DELETE CASCADE,
  unit_no       integer NOT NULL CHECK (unit_no >= 0),  -- 0-based row of the run's weights matrix
  grid_i        integer,
  grid_j        integer,
  admin_unit_id bigint,
  name          text,
  area_m2       double precision NOT NULL,  -- the unit (whole cell or admin polygon)
  built_up_m2   double precision NOT NULL,  -- the unit ∩ 建成区
  indicators    jsonb NOT NULL DEFAULT '{}',  -- raw value per indicator code
  normalised    jsonb,
  obstacle      jsonb,                    -- 障碍度 per indicator code
  score         double precision,         -- composite health score 0..1 (1 = healthy)
  disease       double precision,         -- 1 − score: the field the hotspot statistics run on
  gi_z          double precision,
  gi_p          double precision,
  gi_p_sim      double precision,
  gi_bin        smallint CHECK (gi_bin BETWEEN -3 AND 3),  -- ±3/2/1 = 99/95/90 % hot/cold, 0 = not significant
  gi_fdr        boolean,                  -- significant after Benjamini–Hochberg
  lisa_i        double precision,
  lisa_z        double precision,
  lisa_p        double precision,
  lisa_p_sim    double precision,
  lisa_quadrant text CHECK (lisa_quadrant IN ('HH', 'LL', 'HL', 'LH', 'ns')),
  lisa_fdr      boolean,
  neighbours    integer,
  geom          geometry(MultiPolygon, 4326) NOT NULL,  -- clipped to the built-up area
  PRIMARY KEY (run_id, unit_no)
);
CREATE INDEX diagnosis_unit_geom_idx ON app.diagnosis_unit USING gist (geom);

CREATE TABLE app.diagnosis_neighbour (
  run_id  bigint NOT NULL REFERENCES app.diagnosis_run (id) ON DELETE CASCADE,
  i       integer NOT NULL,
  j       integer NOT NULL,
  w       double precision NOT NULL DEFAULT 1,  -- binary weight before any row standardisation
  PRIMARY KEY (run_id, i, j),
  CHECK (i <> j)
);
