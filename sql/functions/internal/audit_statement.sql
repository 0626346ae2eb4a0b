-- internal.audit_statement(): the set-based twin of internal.audit_row (audit_row.sql) for tables whose
-- writes come in sets (the problem ledger, written by a check cycle for every failing value at once).
-- AFTER STATEMENT with transition tables named old_rows / new_rows (one trigger per event: PostgreSQL
-- allows transition tables only on single-event triggers), it writes the same app.audit_log rows as
-- audit_row — one per changed row, same actor and user, the row before (without geom, geom_3857) and
-- after (without geom_3857), minus the columns named in the trigger's arguments — in one INSERT per
-- statement instead of one plpgsql call and one INSERT per row. Skipped inside bulk imports
-- (citycheck.import_run set), like audit_row.
-- VOLATILE: a trigger function that writes.

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
