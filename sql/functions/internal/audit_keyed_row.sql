-- internal.audit_keyed_row(): AFTER ROW audit of tables keyed by text (settings, catalogs): like
-- internal.audit_row (see its header: user, action, before/after, secret columns in the trigger's
-- arguments) without row_id. VOLATILE: writes app.audit_log.

CREATE OR REPLACE FUNCTION internal.audit_keyed_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid bigint := internal.audit_user_id();
BEGIN
  INSERT INTO app.audit_log (actor, user_id, action, table_name, old_row, new_row)
  VALUES (internal.audit_actor(uid), uid, TG_OP, TG_TABLE_NAME,
          CASE WHEN TG_OP <> 'INSERT' THEN internal.audit_strip(to_jsonb(OLD), TG_ARGV) END,
          CASE WHEN TG_OP <> 'DELETE' THEN internal.audit_strip(to_jsonb(NEW), TG_ARGV) END);
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.audit_keyed_row() IS
  'AFTER ROW audit for tables keyed by text (settings, catalogs), with the signed-in user (citycheck.user)';
