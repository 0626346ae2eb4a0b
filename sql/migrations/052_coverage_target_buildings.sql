-- Green coverage can also measure residential buildings (住房 level: app.building use = 'residential').
ALTER TABLE app.coverage_run DROP CONSTRAINT coverage_run_target_check;
ALTER TABLE app.coverage_run ADD CONSTRAINT coverage_run_target_check
  CHECK (target IN ('residential_land', 'estate', 'residential_building'));
