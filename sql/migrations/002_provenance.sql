-- Provenance: datasets, import runs and their row-level errors, settings, and the audit log.

-- A dataset is where rows come from: an OSM extract, a city's ledger, or the project's sample data.
CREATE TABLE app.dataset (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_.-]*$'),
  name        text NOT NULL,
  source      text,                       -- path or URL it was read from
  licence     text,
  attribution text,                       -- e.g. '© OpenStreetMap contributors'
  is_sample   boolean NOT NULL DEFAULT false,  -- 示例数据: made by the project for the demo, never official
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app.import_run (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dataset_id    text NOT NULL REFERENCES app.dataset (id),
  kind          text NOT NULL CHECK (kind IN ('osm', 'ledger', 'sample', 'synthetic')),
  layer         text,                     -- ledger layer, NULL for OSM (all layers)
  source        text NOT NULL,            -- path or URL
  file_sha256   text,
  params        jsonb NOT NULL DEFAULT '{}',
  check_year    integer NOT NULL CHECK (check_year BETWEEN 1900 AND 2200),
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'rejected')),
  rows_in       integer NOT NULL DEFAULT 0,
  rows_loaded   integer NOT NULL DEFAULT 0,
  rows_rejected integer NOT NULL DEFAULT 0,
  counts        jsonb NOT NULL DEFAULT '{}',  -- rows loaded per table
  message       text,
  started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at   timestamptz
);
CREATE INDEX import_run_dataset_idx ON app.import_run (dataset_id, started_at DESC);

-- Row-level import report. Written after a rejected run has rolled back, so it survives.
CREATE TABLE app.import_error (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id     bigint NOT NULL REFERENCES app.import_run (id) ON DELETE CASCADE,
  row_number integer,                     -- 1-based data row (header excluded); NULL for file-level errors
  field      text,
  message    text NOT NULL,
  severity   text NOT NULL DEFAULT 'error' CHECK (severity IN ('error', 'warning')),
  raw        jsonb
);
CREATE INDEX import_error_run_idx ON app.import_error (run_id, row_number);

-- Configurable parameters with documented defaults (see ../shared/domain/indicators.md).
CREATE TABLE app.setting (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  description text NOT NULL,
  source      text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO app.setting (key, value, description, source) VALUES
  ('old_estate_cutoff_year', '2000', 'Estates built in or before this year are old estates (老旧小区)', 'indicators.md §7, 国办发〔2020〕23号: built before end of 2000 (CONFIRMED)'),
  ('default_building_level_height_m', '3.0', 'Height per storey used for 3D where a building has levels but no height', 'design default'),
  ('default_building_height_m', '9.0', 'Height used for 3D where a building has neither height nor levels', 'design default'),
  ('walking_speed_m_per_min', '80', 'Walking speed for life-circle times', 'indicators.md §5.1: 60, 80 m/min or 4.5 km/h in practice (parameter)');

-- Audit of every write outside bulk imports (imports are audited at run level in import_run).
CREATE TABLE app.audit_log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor      text NOT NULL DEFAULT coalesce(current_setting('citycheck.actor', true), current_user),
  action     text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
  table_name text NOT NULL,
  row_id     bigint,
  old_row    jsonb,
  new_row    jsonb
);
CREATE INDEX audit_log_table_row_idx ON app.audit_log (table_name, row_id);

CREATE FUNCTION internal.audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Bulk imports set citycheck.import_run; they are audited as a run, not row by row.
  IF coalesce(current_setting('citycheck.import_run', true), '') <> '' THEN
    RETURN NULL;
  END IF;
  INSERT INTO app.audit_log (action, table_name, row_id, old_row, new_row)
  VALUES (TG_OP, TG_TABLE_NAME,
          CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
          CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'geom' - 'geom_3857' END,
          CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'geom_3857' END);
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.audit_row() IS 'AFTER ROW trigger writing app.audit_log, skipped inside bulk imports';

-- Change feed for caches (tile cache invalidation): every change notifies with table and bbox.
CREATE FUNCTION internal.notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  boxes jsonb := '[]';
BEGIN
  IF coalesce(current_setting('citycheck.import_run', true), '') <> '' THEN
    RETURN NULL;  -- imports send one notification for the whole run
  END IF;
  -- Old and new extents as [minLon, minLat, maxLon, maxLat] (EPSG:4326).
  IF TG_OP <> 'INSERT' THEN
    boxes := boxes || jsonb_build_array(jsonb_build_array(ST_XMin(OLD.geom), ST_YMin(OLD.geom), ST_XMax(OLD.geom), ST_YMax(OLD.geom)));
  END IF;
  IF TG_OP <> 'DELETE' THEN
    boxes := boxes || jsonb_build_array(jsonb_build_array(ST_XMin(NEW.geom), ST_YMin(NEW.geom), ST_XMax(NEW.geom), ST_YMax(NEW.geom)));
  END IF;
  PERFORM pg_notify('citycheck_change', jsonb_build_object('table', TG_TABLE_NAME, 'op', TG_OP, 'boxes', boxes)::text);
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.notify_change() IS
  'AFTER ROW trigger sending {table, op, boxes: [[minLon,minLat,maxLon,maxLat], …]} on channel citycheck_change';
