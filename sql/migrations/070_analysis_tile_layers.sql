-- Analysis results as tile layers (issues 5 and 6: shortfalls "served as tiles"): two views in schema
-- `tiles` shaped like those of migration 030 (declared attributes, provenance props, geom EPSG:4326,
-- geom_3857 for tiles), declared in tiles/layers.ts. Clients pick a run with the ordinary filter,
-- e.g. /tiles/coverage_shortfall/14/13703/6671.mvt?filter=run_id=42;layer=uncovered_walking.
-- Result tables change a run at a time, so statement-level triggers tell the tile cache to drop
-- every tile of these layers (no boxes; a run covers the whole city anyway).

-- Green-space coverage gaps (绿地覆盖盲区) of app.coverage_shortfall, one feature per run and layer.
-- id = run_id × 10 + layer ordinal: stable, unique, and small enough for JavaScript numbers.
-- The result table keeps geom in EPSG:4326 only; geom_3857 is computed here and served by the
-- expression index below (the view's ST_Transform(geom, 3857) matches it, so `geom_3857 && tile`
-- can use it). Runs are chosen by run_id, the leading column of the primary key.
-- Provenance: dataset_id and is_sample of the run's dataset (NULL for a run over all datasets);
-- check_year NULL (a run mixes the check years of its inputs).
CREATE VIEW tiles.coverage_shortfall AS
SELECT s.run_id * 10 + CASE s.layer WHEN 'uncovered_official' THEN 1 WHEN 'uncovered_walking' THEN 2 ELSE 3 END AS id,
       s.run_id, s.layer, s.area_m2,
       d.is_sample, NULL::integer AS check_year, r.dataset_id,
       s.geom, ST_Transform(s.geom, 3857) AS geom_3857
FROM app.coverage_shortfall s
JOIN app.coverage_run r ON r.id = s.run_id
LEFT JOIN app.dataset d ON d.id = r.dataset_id
WHERE s.geom IS NOT NULL AND NOT ST_IsEmpty(s.geom);
COMMENT ON VIEW tiles.coverage_shortfall IS
  'Tile layer coverage_shortfall: uncovered residential land / detour per green-coverage run (filter run_id, layer)';

CREATE INDEX coverage_shortfall_geom_3857_idx ON app.coverage_shortfall USING gist (ST_Transform(geom, 3857));

-- Life-circle shortfalls (生活圈短板) of saved runs: one feature per estate × facility type not met,
-- drawn as the estate. status: not_met (a facility within the search cut-off, but farther than the
-- standard distance; excess_m = distance beyond the standard) or none (nothing within the cut-off;
-- distance_m and excess_m NULL). Type names are the current catalog's labels.
-- id: a hash of (run, estate, type) masked to 53 bits — the same row always gets the same id, exact
-- in JavaScript numbers (MapLibre feature ids); the result table has no surrogate key to promote.
-- Runs are chosen by run_id: life_circle_result_type_idx (run_id, type_code, met) serves it.
-- Provenance props are the estate's.
CREATE VIEW tiles.life_circle_shortfall AS
SELECT hashtextextended(r.run_id || '/' || r.estate_id || '/' || r.type_code, 0) & 9007199254740991 AS id,
       r.run_id, r.type_code, t.name_zh AS type_name_zh, t.name_en AS type_name_en,
       CASE WHEN r.distance_m IS NULL THEN 'none' ELSE 'not_met' END AS status,
       r.distance_m,
       r.distance_m - r.standard_m AS excess_m,
       e.name, e.is_sample, e.check_year, e.dataset_id, e.geom, e.geom_3857
FROM app.life_circle_result r
JOIN app.estate e ON e.id = r.estate_id
LEFT JOIN app.facility_type t ON t.code = r.type_code
WHERE NOT r.met;
COMMENT ON VIEW tiles.life_circle_shortfall IS
  'Tile layer life_circle_shortfall: estates missing a facility type in a saved life-circle run (filter run_id, type_code, status)';

CREATE TRIGGER coverage_shortfall_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON app.coverage_shortfall
  FOR EACH STATEMENT EXECUTE FUNCTION internal.notify_table_change();
-- Deleting a run cascades to its results, whose delete statement notifies: app.life_circle_run
-- itself holds nothing the layer shows and needs no trigger.
CREATE TRIGGER life_circle_result_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON app.life_circle_result
  FOR EACH STATEMENT EXECUTE FUNCTION internal.notify_table_change();
