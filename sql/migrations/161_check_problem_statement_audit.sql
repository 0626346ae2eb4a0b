-- The problem ledger (app.check_problem) is audited per statement: a check cycle opens, updates and
-- closes problems for every failing value at once, and the per-row trigger (one plpgsql call and one
-- INSERT per row) took most of the cycle's own cost on a 107k-building city. Same audit rows as before
-- (internal.audit_statement, re-applied from sql/functions/internal/audit_statement.sql).
CREATE OR REPLACE FUNCTION internal.audit_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid bigint := internal.audit_user_id();
  who text := internal.audit_actor(uid);
BEGIN
  IF coalesce(current_setting('citycheck.import_run', true), '') <> '' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO app.audit_log (actor, user_id, action, table_name, row_id, old_row, new_row)
    SELECT who, uid, 'INSERT', TG_TABLE_NAME, n.id, NULL, internal.audit_strip(to_jsonb(n) - 'geom_3857', TG_ARGV)
    FROM new_rows n ORDER BY n.id;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO app.audit_log (actor, user_id, action, table_name, row_id, old_row, new_row)
    SELECT who, uid, 'UPDATE', TG_TABLE_NAME, n.id,
           internal.audit_strip(to_jsonb(o) - 'geom' - 'geom_3857', TG_ARGV), internal.audit_strip(to_jsonb(n) - 'geom_3857', TG_ARGV)
    FROM old_rows o JOIN new_rows n ON n.id = o.id ORDER BY n.id;
  ELSE
    INSERT INTO app.audit_log (actor, user_id, action, table_name, row_id, old_row, new_row)
    SELECT who, uid, 'DELETE', TG_TABLE_NAME, o.id, internal.audit_strip(to_jsonb(o) - 'geom' - 'geom_3857', TG_ARGV), NULL
    FROM old_rows o ORDER BY o.id;
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.audit_statement() IS
  'AFTER STATEMENT trigger (transition tables old_rows / new_rows) writing app.audit_log like internal.audit_row, one INSERT per statement; skipped inside bulk imports';

DROP TRIGGER check_problem_audit ON app.check_problem;
CREATE TRIGGER check_problem_audit_insert AFTER INSERT ON app.check_problem
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_statement();
CREATE TRIGGER check_problem_audit_update AFTER UPDATE ON app.check_problem
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_statement();
CREATE TRIGGER check_problem_audit_delete AFTER DELETE ON app.check_problem
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_statement();
