-- A diagnosis tied to a health-check cycle (城市体检周期): the run names the cycle whose stored
-- indicator values (app.indicator_value) it reused for 社区/街道 units, and every unit records where
-- each of its indicator values came from ({code: 'cycle' | 'computed'}), so "why is this unit hot"
-- can say whether a value is the cycle's or the diagnosis's own.
ALTER TABLE app.diagnosis_run
  ADD COLUMN cycle_id bigint REFERENCES app.check_cycle (id) ON DELETE SET NULL,
  ADD COLUMN inputs jsonb NOT NULL DEFAULT '[]';   -- [{code, origin, cycleIndicator, transform, unitsFromCycle, unitsComputed}]
ALTER TABLE app.diagnosis_unit
  ADD COLUMN input_origin jsonb;                    -- {code: 'cycle' | 'computed'}; NULL in runs made before this migration
CREATE INDEX diagnosis_run_cycle_idx ON app.diagnosis_run (cycle_id) WHERE cycle_id IS NOT NULL;
