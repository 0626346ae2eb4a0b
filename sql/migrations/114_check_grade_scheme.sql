-- Grades of a cycle in one of two schemes (issue 11 §4, configurable per cycle):
--   three: 达标 pass / 基本达标 basic / 不达标 fail;
--   four:  很好 very_good (meets the target) / 较好 good (short of it, not past yellow) /
--          一般 fair (past yellow, not past red, or below target with no warning levels) / 较差 poor (past red).
-- Both come from the same target / yellow / red thresholds (server/check/evaluate.ts).
ALTER TABLE app.check_cycle
  ADD COLUMN grade_scheme text NOT NULL DEFAULT 'three' CHECK (grade_scheme IN ('three', 'four'));
ALTER TABLE app.indicator_value DROP CONSTRAINT indicator_value_grade_check;
ALTER TABLE app.indicator_value ADD CONSTRAINT indicator_value_grade_check
  CHECK (grade IN ('pass', 'basic', 'fail', 'very_good', 'good', 'fair', 'poor'));
INSERT INTO app.code_label (domain, code, label_zh, label_en, sort) VALUES
  ('check_grade', 'very_good', '很好', 'Very good', 4), ('check_grade', 'good', '较好', 'Good', 5),
  ('check_grade', 'fair', '一般', 'Fair', 6), ('check_grade', 'poor', '较差', 'Poor', 7)
ON CONFLICT DO NOTHING;
