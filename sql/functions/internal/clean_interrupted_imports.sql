-- internal.clean_interrupted_imports(stale_after): cleans what dead imports left behind.
--
-- Input:   stale_after  how long a running import may go without a heartbeat before it is taken
--                       for dead (default 60 s; importers refresh it every 10 s, see
--                       geodata/import-run.ts)
-- Steps:   1. running runs with a stale heartbeat → status 'failed', finished, with a message;
--          2. staging tables of OSM runs (staging.osm_r<run>_*) whose run is not running → dropped;
--          3. datasets whose runs all failed or were rejected and that hold no rows → deleted
--             (a dataset referenced by any row is kept: the foreign keys decide).
-- Output:  one row (runs_failed, tables_dropped, datasets_removed).
-- VOLATILE: it writes. lock_timeout keeps it from waiting behind a long import's locks; a table
-- it cannot lock now is left for the next call.
CREATE OR REPLACE FUNCTION internal.clean_interrupted_imports(stale_after interval DEFAULT interval '60 seconds')
RETURNS TABLE (runs_failed integer, tables_dropped integer, datasets_removed integer)
LANGUAGE plpgsql VOLATILE
SET lock_timeout = '2s' AS $$
DECLARE
  t record;
BEGIN
  IF stale_after IS NULL OR stale_after < interval '0' THEN
    RAISE EXCEPTION 'clean_interrupted_imports: stale_after must be a non-negative interval' USING ERRCODE = '22023';
  END IF;
  runs_failed := 0; tables_dropped := 0; datasets_removed := 0;

  WITH dead AS (
    UPDATE app.import_run r
       SET status = 'failed', finished_at = clock_timestamp(),
           message = format('interrupted: the import stopped without finishing (no heartbeat since %s); marked failed by cleanup',
                            to_char(r.heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'))
     WHERE r.status = 'running' AND r.heartbeat_at < clock_timestamp() - stale_after
    RETURNING r.id)
  SELECT count(*)::int INTO runs_failed FROM dead;

  FOR t IN
    SELECT c.relname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'staging' AND c.relkind IN ('r', 'p') AND c.relname ~ '^osm_r[0-9]+_'
       AND NOT EXISTS (SELECT 1 FROM app.import_run r
                        WHERE r.id = substring(c.relname FROM '^osm_r([0-9]+)_')::bigint AND r.status = 'running')
  LOOP
    BEGIN
      EXECUTE format('DROP TABLE IF EXISTS staging.%I', t.relname);
      tables_dropped := tables_dropped + 1;
    EXCEPTION WHEN lock_not_available THEN
      NULL;  -- still in use: left for the next cleanup
    END;
  END LOOP;

  FOR t IN
    SELECT d.id FROM app.dataset d
     WHERE EXISTS (SELECT 1 FROM app.import_run r WHERE r.dataset_id = d.id)
       AND NOT EXISTS (SELECT 1 FROM app.import_run r WHERE r.dataset_id = d.id AND r.status IN ('running', 'succeeded'))
  LOOP
    BEGIN
      DELETE FROM app.dataset WHERE id = t.id;
      datasets_removed := datasets_removed + 1;
    EXCEPTION WHEN foreign_key_violation OR lock_not_available THEN
      NULL;  -- rows (or settings) refer to it: it is not empty
    END;
  END LOOP;
  RETURN NEXT;
END $$;
COMMENT ON FUNCTION internal.clean_interrupted_imports(interval) IS
  'Marks running imports with a stale heartbeat failed, drops staging tables of runs not running, deletes datasets left without rows by failed or rejected runs';
