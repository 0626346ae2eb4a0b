-- Yearly checks (一年一体检) and the renewal project library (储备库 → 实施库).

-- One row per check cycle (year) of a city; indicator values and problems hang off it.
CREATE TABLE app.check_cycle (
  year        integer PRIMARY KEY CHECK (year BETWEEN 1900 AND 2200),
  title       text NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Indicator values per unit and year; rule_version records the parameters that produced them.
CREATE TABLE app.indicator_value (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  year          integer NOT NULL REFERENCES app.check_cycle (year),
  indicator     text NOT NULL,
  unit_kind     text NOT NULL CHECK (unit_kind IN ('city', 'district', 'subdistrict', 'community', 'estate', 'building', 'grid')),
  unit_id       bigint,
  value         double precision,
  unit          text,                 -- '%', 'points/km²', 'm' …
  rule_version  jsonb NOT NULL DEFAULT '{}',
  computed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX indicator_value_lookup_idx ON app.indicator_value (indicator, year, unit_kind, unit_id);

-- 城市更新项目: reserve → approved → implementing → completed → rechecked → closed (销号).
CREATE TABLE app.renewal_project (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text NOT NULL,
  stage           text NOT NULL DEFAULT 'reserve'
                  CHECK (stage IN ('reserve', 'approved', 'implementing', 'completed', 'rechecked', 'closed')),
  category        text,
  estate_id       bigint REFERENCES app.estate (id) ON DELETE SET NULL,
  investment_wan  double precision CHECK (investment_wan >= 0),   -- 万元
  start_year      integer,
  end_year        integer,
  responsible     text,
  existing_gfa_m2   double precision CHECK (existing_gfa_m2 >= 0),
  demolished_gfa_m2 double precision CHECK (demolished_gfa_m2 >= 0),
  new_gfa_m2        double precision CHECK (new_gfa_m2 >= 0),
  check_year      integer NOT NULL,
  geom            geometry(Geometry, 4326),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX renewal_project_geom_idx ON app.renewal_project USING gist (geom);
CREATE TRIGGER renewal_project_audit AFTER INSERT OR UPDATE OR DELETE ON app.renewal_project
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row();

ALTER TABLE app.waterlogging_point
  ADD CONSTRAINT waterlogging_point_project_fk FOREIGN KEY (remediation_project_id)
  REFERENCES app.renewal_project (id) ON DELETE SET NULL;

INSERT INTO app.code_label (domain, code, label_zh, label_en, sort) VALUES
  ('project_stage', 'reserve', '储备库', 'Reserve list', 1), ('project_stage', 'approved', '已批准', 'Approved', 2),
  ('project_stage', 'implementing', '实施库', 'Implementation list', 3), ('project_stage', 'completed', '已完成', 'Completed', 4),
  ('project_stage', 'rechecked', '已复查', 'Re-checked', 5), ('project_stage', 'closed', '已销号', 'Closed', 6);
