-- Saved what-if scenarios of green coverage (issue 5): audited like the other user-written tables
-- (app.audit_log via internal.audit_row), listed per base run.
CREATE TRIGGER coverage_scenario_audit AFTER INSERT OR UPDATE OR DELETE ON app.coverage_scenario
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row();
CREATE INDEX coverage_scenario_base_run_idx ON app.coverage_scenario (base_run_id);
