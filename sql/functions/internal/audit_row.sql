-- internal.audit_row(): AFTER ROW trigger of tables keyed by a bigint `id`, writing app.audit_log.
-- internal.audit_keyed_row(): the same for tables keyed by text (settings, catalogs): no row_id.
-- internal.audit_actor(): who is writing, for both.
--
-- Who: the setting citycheck.user holds the signed-in user's app.app_user id for every database
-- connection a request uses (server/auth/request-user.ts sets it when a pooled connection is taken;
-- a transaction may also set it with set_config('citycheck.user', id, true)). Then actor is the
-- username and user_id the id. Without it (CLI, migrations, tests without sign-in) the actor is the
-- older citycheck.actor setting or the database user, and user_id is NULL.
-- What: the action (INSERT/UPDATE/DELETE), the row before and after as jsonb, without geom_3857
-- (derived), without geom in the old row (kept small), and without the columns named in the
-- trigger's arguments (secrets: `EXECUTE FUNCTION internal.audit_row('password_hash')`).
-- Bulk imports (citycheck.import_run set) are audited per run in app.import_run instead.
-- VOLATILE: trigger functions that write.

CREATE OR REPLACE FUNCTION internal.audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid bigint := internal.audit_user_id();
BEGIN
  IF coalesce(current_setting('citycheck.import_run', true), '') <> '' THEN
    RETURN NULL;
  END IF;
  INSERT INTO app.audit_log (actor, user_id, action, table_name, row_id, old_row, new_row)
  VALUES (internal.audit_actor(uid), uid, TG_OP, TG_TABLE_NAME,
          CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
          CASE WHEN TG_OP <> 'INSERT' THEN internal.audit_strip(to_jsonb(OLD) - 'geom' - 'geom_3857', TG_ARGV) END,
          CASE WHEN TG_OP <> 'DELETE' THEN internal.audit_strip(to_jsonb(NEW) - 'geom_3857', TG_ARGV) END);
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.audit_row() IS
  'AFTER ROW trigger writing app.audit_log with the signed-in user (citycheck.user); arguments name secret columns left out; skipped inside bulk imports';
