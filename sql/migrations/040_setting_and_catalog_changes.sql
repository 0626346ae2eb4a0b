-- Settings and catalogs change what tiles show (old-estate cut-off → estates.is_old, storey height →
-- buildings.render_height, facility type names → facilities): notify caches and audit the edit.
CREATE FUNCTION internal.notify_table_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- No boxes: every cached tile of the layers built on this table is stale.
  PERFORM pg_notify('citycheck_change', jsonb_build_object('table', TG_TABLE_NAME, 'op', TG_OP)::text);
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.notify_table_change() IS
  'AFTER STATEMENT trigger: citycheck_change {table, op} without extents (the whole table may have changed)';

CREATE FUNCTION internal.audit_keyed_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO app.audit_log (action, table_name, old_row, new_row)
  VALUES (TG_OP, TG_TABLE_NAME,
          CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
          CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.audit_keyed_row() IS 'AFTER ROW audit for tables keyed by text (settings, catalogs)';

CREATE TRIGGER setting_notify AFTER INSERT OR UPDATE OR DELETE ON app.setting
  FOR EACH STATEMENT EXECUTE FUNCTION internal.notify_table_change();
CREATE TRIGGER setting_audit AFTER INSERT OR UPDATE OR DELETE ON app.setting
  FOR EACH ROW EXECUTE FUNCTION internal.audit_keyed_row();
CREATE TRIGGER facility_type_notify AFTER INSERT OR UPDATE OR DELETE ON app.facility_type
  FOR EACH STATEMENT EXECUTE FUNCTION internal.notify_table_change();
CREATE TRIGGER facility_type_audit AFTER INSERT OR UPDATE OR DELETE ON app.facility_type
  FOR EACH ROW EXECUTE FUNCTION internal.audit_keyed_row();
