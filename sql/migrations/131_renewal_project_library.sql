-- The renewal project library (城市更新项目储备库 → 实施库, indicators.md §10): the project record of
-- migration 005 gains its city, sites, the problems it addresses, content class (基础/完善/提升,
-- §7), funding and department, plan year and expected indicator effect; every stage move is kept
-- with who / when / why (app.renewal_project_transition, audited). Legal moves are enforced by the
-- server (server/renewal/project-states.ts) inside the transaction that writes the move.

ALTER TABLE app.renewal_project
  ADD COLUMN dataset_id      text REFERENCES app.dataset (id) ON DELETE CASCADE,
  ADD COLUMN estate_ids      bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN content_class   text[] NOT NULL DEFAULT '{}'
                             CHECK (content_class <@ ARRAY['basic', 'improvement', 'upgrade']::text[]),
  ADD COLUMN funding_source  text,
  ADD COLUMN plan_year       integer CHECK (plan_year BETWEEN 1990 AND 2200),
  ADD COLUMN problem_refs    jsonb NOT NULL DEFAULT '[]',   -- problems addressed (problem ledger ids or indicator refs)
  ADD COLUMN expected_effect jsonb NOT NULL DEFAULT '{}',   -- stored what-if results (coverage / life circle)
  ADD COLUMN description     text;
CREATE INDEX renewal_project_dataset_idx ON app.renewal_project (dataset_id, stage);
-- Project geometry edits reach caches through the same change feed as the layers.
CREATE TRIGGER renewal_project_notify AFTER INSERT OR UPDATE OR DELETE ON app.renewal_project
  FOR EACH ROW EXECUTE FUNCTION internal.notify_change();

CREATE TABLE app.renewal_project_transition (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id  bigint NOT NULL REFERENCES app.renewal_project (id) ON DELETE CASCADE,
  from_stage  text,              -- NULL: the project was created
  to_stage    text NOT NULL,
  actor       text NOT NULL CHECK (length(actor) > 0),
  reason      text NOT NULL CHECK (length(reason) > 0),
  at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX renewal_project_transition_project_idx ON app.renewal_project_transition (project_id, at);
CREATE TRIGGER renewal_project_transition_audit AFTER INSERT OR UPDATE OR DELETE ON app.renewal_project_transition
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row();

-- Stage labels as planners name the steps (储备 → 审批 → 实施 → 完工 → 复查 → 销号).
UPDATE app.code_label SET label_zh = CASE code
    WHEN 'reserve' THEN '储备' WHEN 'approved' THEN '审批' WHEN 'implementing' THEN '实施'
    WHEN 'completed' THEN '完工' WHEN 'rechecked' THEN '复查' WHEN 'closed' THEN '销号' END
  WHERE domain = 'project_stage';

-- Renewal parameters with their source and confidence (indicators.md §7, §9.2).
INSERT INTO app.setting (key, value, description, source) VALUES
  ('renewal_max_demolition_share', '0.2', 'Demolished floor area of a renewal unit/project ≤ this share of the existing (illegal and unrepairable dangerous buildings excluded)', '建科〔2021〕63号 (CONFIRMED [S38][S39])'),
  ('renewal_max_demolition_to_build_ratio', '2', '拆建比 ≤ this (new-build ÷ demolished floor area; the definition is UNCONFIRMED)', '建科〔2021〕63号 "不应大于2" (CONFIRMED [S39][S40])'),
  ('renewal_min_local_resettlement', '0.5', 'On-site or nearby resettlement rate (就地、就近安置率) ≥ this share of households', '建科〔2021〕63号 draft (CONFIRMED [S40]; final wording SECONDARY)'),
  ('renewal_control_zone_max_height_m', '24', 'Building height limit in a construction-control zone (建设控制地带) when the plan gives none', 'local parameter (UNCONFIRMED: each protection plan sets its own)'),
  ('renewal_control_zone_max_far', '2.0', 'Floor-area ratio (volume) limit in a construction-control zone when the plan gives none', 'local parameter (UNCONFIRMED: each protection plan sets its own)'),
  ('renewal_waterlogging_radius_m', '300', 'Waterlogging exposure: untreated or in-progress points within this distance of a candidate', 'design default (CityCheck)'),
  ('renewal_low_value_radius_m', '500', 'Low-value / idle space counted within this distance of a candidate', 'design default (CityCheck)')
ON CONFLICT (key) DO NOTHING;
