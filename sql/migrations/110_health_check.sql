-- The health check itself (体检 → 评价 → 监测预警; indicators.md §1–3, §3.3, §10, §12).
-- * app.indicator_def: the indicator catalogue as data, versioned (2021, 2022, 2024, local), with unit,
--   direction, formula kind, rule parameters, target and yellow/red warning thresholds, sources and
--   confidence. A city adds local indicators (地方特色指标: dataset_id set, version 'local').
-- * app.indicator_threshold: a city's own target / warning thresholds for an indicator.
-- * app.check_cycle (migration 005) becomes per city: id, dataset, framework version, draft → published.
-- * app.indicator_value (migration 005) gains the cycle, the indicator version, grade, warning, the
--   rule that fired, year-on-year change and the import runs of its inputs.
-- * app.manual_value: statistical / survey values (统计/调查/满意度) per unit and year with provenance.
-- * app.check_problem: the problem ledger (问题台账), closed or reopened by the next cycle.
-- Every planner-made row is audited (internal.audit_row / audit_keyed_row, migrations 002 and 040).

CREATE TABLE app.indicator_def (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code          text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  version       text NOT NULL CHECK (version IN ('2021', '2022', '2024', 'local')),
  dataset_id    text REFERENCES app.dataset (id) ON DELETE CASCADE,  -- NULL = national catalogue; set = a city's local indicator
  name_zh       text NOT NULL,
  name_en       text NOT NULL,
  dimension     text CHECK (dimension IN ('eco_livable', 'health_comfort', 'safety_resilience', 'transport',
                                          'townscape', 'tidy_orderly', 'inclusive', 'vitality')),   -- 2021 eight dimensions
  check_level   text CHECK (check_level IN ('housing', 'estate_community', 'block', 'city')),    -- 2023 four levels
  levels        text[] NOT NULL CHECK (levels <> '{}' AND levels <@ ARRAY['city', 'district', 'subdistrict', 'community', 'estate', 'building']::text[]),
  unit          text NOT NULL,
  direction     text NOT NULL CHECK (direction IN ('benefit', 'cost')),
  formula_kind  text NOT NULL CHECK (formula_kind IN ('area_coverage', 'point_density', 'noncompliant_count', 'per_capita', 'ratio', 'count', 'manual')),
  engine        text CHECK (engine ~ '^[a-z][a-z0-9_]*$'),             -- computing engine (whitelisted in server/check); NULL = manual
  params        jsonb NOT NULL DEFAULT '{}',
  target        double precision,
  yellow        double precision,
  red           double precision,
  threshold_source text,
  source_ids    text[] NOT NULL DEFAULT '{}',
  confidence    text NOT NULL CHECK (confidence IN ('confirmed', 'secondary', 'unconfirmed', 'local')),
  definition    text,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT indicator_def_key UNIQUE NULLS NOT DISTINCT (code, version, dataset_id),
  CONSTRAINT indicator_def_local CHECK ((version = 'local') = (dataset_id IS NOT NULL)),
  CONSTRAINT indicator_def_manual CHECK ((formula_kind = 'manual') = (engine IS NULL)),
  -- benefit: red ≤ yellow ≤ target; cost: target ≤ yellow ≤ red (missing ones are not compared)
  CONSTRAINT indicator_def_thresholds CHECK (
    CASE direction WHEN 'benefit' THEN coalesce(red <= yellow, true) AND coalesce(yellow <= target, true) AND coalesce(red <= target, true)
                   ELSE coalesce(red >= yellow, true) AND coalesce(yellow >= target, true) AND coalesce(red >= target, true) END)
);
COMMENT ON TABLE app.indicator_def IS
  'Health-check indicator catalogue (indicators.md §12.1): one row per indicator code and version; local indicators belong to one city';
CREATE TRIGGER indicator_def_audit AFTER INSERT OR UPDATE OR DELETE ON app.indicator_def
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row();

-- A city's thresholds for one indicator; NULL columns keep the catalogue's value.
CREATE TABLE app.indicator_threshold (
  dataset_id  text NOT NULL REFERENCES app.dataset (id) ON DELETE CASCADE,
  code        text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  target      double precision,
  yellow      double precision,
  red         double precision,
  note        text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, code)
);
CREATE TRIGGER indicator_threshold_audit AFTER INSERT OR UPDATE OR DELETE ON app.indicator_threshold
  FOR EACH ROW EXECUTE FUNCTION internal.audit_keyed_row();

-- Check cycles per city. The table was never written (issue 11), so its key can change here.
ALTER TABLE app.indicator_value DROP CONSTRAINT indicator_value_year_fkey;
ALTER TABLE app.check_cycle DROP CONSTRAINT check_cycle_pkey;
ALTER TABLE app.check_cycle DROP CONSTRAINT check_cycle_status_check;
ALTER TABLE app.check_cycle
  ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ADD COLUMN dataset_id text NOT NULL REFERENCES app.dataset (id) ON DELETE CASCADE,
  ADD COLUMN framework_version text NOT NULL DEFAULT '2024' CHECK (framework_version IN ('2021', '2022', '2024')),
  ADD COLUMN computed_at timestamptz,
  ADD COLUMN published_at timestamptz,
  ADD COLUMN duration_ms double precision,
  ADD COLUMN steps jsonb NOT NULL DEFAULT '[]',        -- [{engine, ms, values}] of the last computation
  ADD COLUMN inputs jsonb NOT NULL DEFAULT '{}',       -- import runs read, by layer
  ADD CONSTRAINT check_cycle_city_year UNIQUE (dataset_id, year),
  ADD CONSTRAINT check_cycle_status_check CHECK (status IN ('draft', 'published'));
ALTER TABLE app.check_cycle ALTER COLUMN status SET DEFAULT 'draft';
CREATE TRIGGER check_cycle_audit AFTER INSERT OR UPDATE OR DELETE ON app.check_cycle
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row();

ALTER TABLE app.indicator_value
  ADD COLUMN cycle_id bigint NOT NULL REFERENCES app.check_cycle (id) ON DELETE CASCADE,
  ADD COLUMN indicator_def_id bigint REFERENCES app.indicator_def (id) ON DELETE SET NULL,
  ADD COLUMN indicator_version text NOT NULL,
  ADD COLUMN unit_name text,
  ADD COLUMN numerator double precision,
  ADD COLUMN denominator double precision,
  ADD COLUMN origin text NOT NULL DEFAULT 'computed' CHECK (origin IN ('computed', 'manual')),
  ADD COLUMN grade text CHECK (grade IN ('pass', 'basic', 'fail')),
  ADD COLUMN warning text CHECK (warning IN ('yellow', 'red')),
  ADD COLUMN rule_fired text,
  ADD COLUMN previous_value double precision,
  ADD COLUMN yoy_change double precision,
  ADD COLUMN inputs bigint[] NOT NULL DEFAULT '{}';   -- app.import_run ids of the rows read
CREATE UNIQUE INDEX indicator_value_cycle_key ON app.indicator_value (cycle_id, indicator, unit_kind, coalesce(unit_id, 0));

-- Statistical and survey values for indicators geometry cannot compute, per unit and year.
CREATE TABLE app.manual_value (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dataset_id  text NOT NULL REFERENCES app.dataset (id) ON DELETE CASCADE,
  code        text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
  unit_kind   text NOT NULL CHECK (unit_kind IN ('city', 'district', 'subdistrict', 'community', 'estate', 'building')),
  unit_id     bigint,                       -- NULL for the city
  value       double precision NOT NULL,
  source      text NOT NULL,                -- e.g. '2025 统计年鉴', '满意度调查'
  file_name   text,
  file_sha256 text,
  row_number  integer,
  entered_by  text NOT NULL DEFAULT coalesce(current_setting('citycheck.actor', true), current_user),
  entered_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT manual_value_city_unit CHECK ((unit_kind = 'city') = (unit_id IS NULL))
);
CREATE UNIQUE INDEX manual_value_key ON app.manual_value (dataset_id, code, year, unit_kind, coalesce(unit_id, 0));
CREATE TRIGGER manual_value_audit AFTER INSERT OR UPDATE OR DELETE ON app.manual_value
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row();

-- 问题台账: one problem per city, indicator and unit; the cycles close and reopen it.
CREATE TABLE app.check_problem (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dataset_id     text NOT NULL REFERENCES app.dataset (id) ON DELETE CASCADE,
  indicator      text NOT NULL,
  unit_kind      text NOT NULL,
  unit_id        bigint,
  unit_name      text,
  severity       text NOT NULL CHECK (severity IN ('yellow', 'red')),
  status         text NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'in_treatment', 'closed', 'reopened', 'dismissed', 'merged')),
  value          double precision,
  threshold      double precision,
  rule_fired     text,
  first_cycle_id bigint REFERENCES app.check_cycle (id) ON DELETE SET NULL,
  first_year     integer NOT NULL,
  last_cycle_id  bigint REFERENCES app.check_cycle (id) ON DELETE SET NULL,
  last_year      integer NOT NULL,          -- the last cycle that found it failing
  closed_year    integer,                   -- the cycle that re-checked it as solved (复查销号)
  note           text,
  reason         text,                      -- why dismissed or merged
  merged_into    bigint REFERENCES app.check_problem (id) ON DELETE SET NULL,
  history        jsonb NOT NULL DEFAULT '[]', -- [{year, status, value, severity}]
  geom           geometry(Geometry, 4326),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX check_problem_key ON app.check_problem (dataset_id, indicator, unit_kind, coalesce(unit_id, 0));
CREATE INDEX check_problem_geom_idx ON app.check_problem USING gist (geom);
CREATE TRIGGER check_problem_audit AFTER INSERT OR UPDATE OR DELETE ON app.check_problem
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row();

INSERT INTO app.code_label (domain, code, label_zh, label_en, sort) VALUES
  ('check_grade', 'pass', '达标', 'Meets target', 1), ('check_grade', 'basic', '基本达标', 'Nearly meets target', 2),
  ('check_grade', 'fail', '不达标', 'Below target', 3),
  ('check_warning', 'yellow', '黄色预警', 'Yellow warning', 1), ('check_warning', 'red', '红色预警', 'Red warning', 2),
  ('problem_status', 'open', '待整治', 'Open', 1), ('problem_status', 'in_treatment', '整治中', 'In treatment', 2),
  ('problem_status', 'closed', '已销号', 'Closed', 3), ('problem_status', 'reopened', '重新打开', 'Reopened', 4),
  ('problem_status', 'dismissed', '已排除', 'Dismissed', 5), ('problem_status', 'merged', '已合并', 'Merged', 6),
  ('check_dimension', 'eco_livable', '生态宜居', 'Ecological livability', 1), ('check_dimension', 'health_comfort', '健康舒适', 'Health & comfort', 2),
  ('check_dimension', 'safety_resilience', '安全韧性', 'Safety & resilience', 3), ('check_dimension', 'transport', '交通便捷', 'Convenient transport', 4),
  ('check_dimension', 'townscape', '风貌特色', 'Townscape character', 5), ('check_dimension', 'tidy_orderly', '整洁有序', 'Tidy & orderly', 6),
  ('check_dimension', 'inclusive', '多元包容', 'Diversity & inclusion', 7), ('check_dimension', 'vitality', '创新活力', 'Innovation & vitality', 8),
  ('check_level', 'housing', '住房', 'Housing', 1), ('check_level', 'estate_community', '小区(社区)', 'Estate / community', 2),
  ('check_level', 'block', '街区', 'Street block', 3), ('check_level', 'city', '城区(城市)', 'District / city', 4)
ON CONFLICT DO NOTHING;
