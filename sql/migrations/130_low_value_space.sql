-- 低值低效空间台账 (low-value / idle space ledger, seed 002: a ledger of idle or under-used land and
-- buildings with an activation timetable): a new importable layer, read by the renewal ranking as
-- "low-value space near the candidate" (room for facilities, parks or resettlement nearby).
-- Same provenance columns, indexes, audit and change-feed triggers as the layers of migration 003.

CREATE TABLE app.low_value_space (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             text NOT NULL,
  kind             text NOT NULL DEFAULT 'other'
                   CHECK (kind IN ('idle_land', 'vacant_building', 'inefficient_industrial', 'parking', 'leftover_corner', 'other')),
  area_m2          double precision CHECK (area_m2 >= 0),   -- as given by the ledger; NULL = use the footprint
  owner            text,
  status           text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'planned', 'activated')),
  activation_year  integer CHECK (activation_year BETWEEN 1990 AND 2200),
  geom             geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')),
  dataset_id       text NOT NULL REFERENCES app.dataset (id),
  source_id        text NOT NULL,
  import_run_id    bigint REFERENCES app.import_run (id),
  check_year       integer NOT NULL CHECK (check_year BETWEEN 1900 AND 2200),
  is_sample        boolean NOT NULL DEFAULT false,
  props            jsonb NOT NULL DEFAULT '{}',
  updated_at       timestamptz NOT NULL DEFAULT now(),
  geom_3857        geometry GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT low_value_space_source_key UNIQUE (dataset_id, source_id, check_year),
  CONSTRAINT low_value_space_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);
CREATE INDEX low_value_space_geom_idx ON app.low_value_space USING gist (geom);
CREATE INDEX low_value_space_geom_3857_idx ON app.low_value_space USING gist (geom_3857);
CREATE INDEX low_value_space_run_idx ON app.low_value_space (import_run_id);
CREATE TRIGGER low_value_space_audit AFTER INSERT OR UPDATE OR DELETE ON app.low_value_space
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row();
CREATE TRIGGER low_value_space_notify AFTER INSERT OR UPDATE OR DELETE ON app.low_value_space
  FOR EACH ROW EXECUTE FUNCTION internal.notify_change();

INSERT INTO app.code_label (domain, code, label_zh, label_en, sort) VALUES
  ('low_value_kind', 'idle_land', '闲置用地', 'Idle land', 1),
  ('low_value_kind', 'vacant_building', '闲置楼宇', 'Vacant building', 2),
  ('low_value_kind', 'inefficient_industrial', '低效工业用地', 'Inefficient industrial land', 3),
  ('low_value_kind', 'parking', '低效停车场', 'Under-used parking', 4),
  ('low_value_kind', 'leftover_corner', '边角地', 'Leftover corner', 5),
  ('low_value_kind', 'other', '其他', 'Other', 6),
  ('low_value_status', 'idle', '闲置', 'Idle', 1),
  ('low_value_status', 'planned', '已计划盘活', 'Activation planned', 2),
  ('low_value_status', 'activated', '已盘活', 'Activated', 3)
ON CONFLICT DO NOTHING;
