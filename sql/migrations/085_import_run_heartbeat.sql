-- Interrupted imports can be told from long ones: every running import refreshes heartbeat_at
-- (geodata/import-run.ts), and internal.clean_interrupted_imports() marks runs whose heartbeat is
-- stale as failed and drops their staging tables.
--
-- The dataset row is now written by the run's data transaction (with its rows), not when the run
-- starts, so a rejected or killed first import leaves no empty dataset behind. A run may therefore
-- name a dataset that does not exist: the foreign key goes, and the run keeps the definition it
-- would register in `dataset`.
ALTER TABLE app.import_run ADD COLUMN heartbeat_at timestamptz;
UPDATE app.import_run SET heartbeat_at = coalesce(finished_at, started_at);
ALTER TABLE app.import_run
  ALTER COLUMN heartbeat_at SET DEFAULT clock_timestamp(),
  ALTER COLUMN heartbeat_at SET NOT NULL,
  ADD COLUMN dataset jsonb,
  DROP CONSTRAINT import_run_dataset_id_fkey;
CREATE INDEX import_run_running_idx ON app.import_run (heartbeat_at) WHERE status = 'running';
COMMENT ON COLUMN app.import_run.heartbeat_at IS
  'Last sign of life of a running import; a running run with a stale heartbeat died (internal.clean_interrupted_imports)';
COMMENT ON COLUMN app.import_run.dataset IS
  'Dataset definition {id, name, source, licence, attribution, is_sample} upserted into app.dataset when the run commits';
