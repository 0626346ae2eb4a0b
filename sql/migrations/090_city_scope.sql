-- The city as the scope of every per-city result (issue 10).
-- A dataset either is a city (city_id NULL: an OSM extract of a city) or belongs to one (the city's
-- ledgers, its 示例数据): an analysis of a city reads the rows of all datasets of that city.
-- Per-city settings (app.dataset_setting) override the installation-wide app.setting for that city.
-- Renaming a city (app.dataset.name) and every per-city setting edit are audited and notified.

ALTER TABLE app.dataset
  ADD COLUMN city_id text REFERENCES app.dataset (id) ON DELETE CASCADE,
  ADD CONSTRAINT dataset_city_not_self CHECK (city_id <> id);
COMMENT ON COLUMN app.dataset.city_id IS 'The city (a dataset with city_id NULL) this dataset belongs to; NULL = it is a city';
-- The project's sample ledgers describe central Nanjing (geodata/samples/load-samples.ts).
UPDATE app.dataset SET city_id = 'nanjing-core'
WHERE id = 'nanjing-sample' AND EXISTS (SELECT 1 FROM app.dataset c WHERE c.id = 'nanjing-core');

CREATE TRIGGER dataset_audit AFTER UPDATE ON app.dataset
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.city_id IS DISTINCT FROM NEW.city_id)
  EXECUTE FUNCTION internal.audit_keyed_row();

CREATE TABLE app.dataset_setting (
  dataset_id  text NOT NULL REFERENCES app.dataset (id) ON DELETE CASCADE,
  key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]*$'),
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, key)
);
COMMENT ON TABLE app.dataset_setting IS
  'Per-city (dataset) values of analysis settings; keys as in app.setting (e.g. walking_speed_m_per_min), whitelisted by the API';
CREATE TRIGGER dataset_setting_notify AFTER INSERT OR UPDATE OR DELETE ON app.dataset_setting
  FOR EACH STATEMENT EXECUTE FUNCTION internal.notify_table_change();
CREATE TRIGGER dataset_setting_audit AFTER INSERT OR UPDATE OR DELETE ON app.dataset_setting
  FOR EACH ROW EXECUTE FUNCTION internal.audit_keyed_row();

-- Every run stores its city, the metric CRS it measured in and the effective parameters with
-- their origin (default / city setting / request).
ALTER TABLE app.coverage_run ADD COLUMN effective jsonb;
ALTER TABLE app.life_circle_run
  ADD COLUMN dataset_id text REFERENCES app.dataset (id) ON DELETE CASCADE,
  ADD COLUMN metric_srid integer,
  ADD COLUMN effective jsonb;
