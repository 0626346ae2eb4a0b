-- internal.waterlogging_status_log(): AFTER ROW trigger on app.waterlogging_point (created by migration
-- 120) recording the first status and every status change in app.waterlogging_status_change.
-- Who: the signed-in user (citycheck.user, see audit_row.sql) through internal.audit_actor, so the
-- history names the same person as the audit log. Which import: citycheck.import_run when it holds an
-- app.import_run id; other markers (the synthetic bench city sets 'synthetic') are not ids and leave it
-- NULL instead of failing the whole load (the first version cast any value to bigint).
-- VOLATILE: a trigger function that writes.

CREATE OR REPLACE FUNCTION internal.waterlogging_status_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  run text := nullif(current_setting('citycheck.import_run', true), '');
BEGIN
  IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
    INSERT INTO app.waterlogging_status_change (point_id, dataset_id, source_id, check_year, from_status, to_status, actor, import_run_id, note)
    VALUES (NEW.id, NEW.dataset_id, NEW.source_id, NEW.check_year,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
            internal.audit_actor(internal.audit_user_id()),
            CASE WHEN run ~ '^[0-9]{1,18}$' THEN run::bigint END,
            nullif(current_setting('citycheck.note', true), ''));
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.waterlogging_status_log() IS
  'AFTER ROW trigger on app.waterlogging_point: records first status and every status change (with the signed-in user), also inside imports';
