-- analysis.green_coverage_scenario_save: stores a what-if scenario (extra park polygons on top of a
-- stored run) under a name, with the what-if summary (city before/after, the parks and their radii)
-- computed by analysis.green_coverage_whatif at save time. Returns the app.coverage_scenario id.
-- The insert is audited (app.audit_log, trigger of migration 051).
-- Inputs: run_id (app.coverage_run), name (1–200 characters), parks (EPSG:4326 polygons).
-- VOLATILE: writes app.coverage_scenario. 22023 on an empty name, unknown run or no polygon.
CREATE OR REPLACE FUNCTION analysis.green_coverage_scenario_save(run_id bigint, name text, parks geometry)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET jit = off  -- see green_coverage_access.sql
AS $$
#variable_conflict use_column
DECLARE
  w jsonb;
  v_id bigint;
BEGIN
  IF name IS NULL OR length(btrim(name)) = 0 OR length(name) > 200 THEN
    RAISE EXCEPTION 'green coverage scenario: a name of 1–200 characters is required' USING ERRCODE = '22023';
  END IF;
  w := analysis.green_coverage_whatif(run_id, parks);  -- validates the run and the polygons
  INSERT INTO app.coverage_scenario (name, base_run_id, parks, summary)
  VALUES (btrim(name), run_id,
          (SELECT jsonb_build_object('type', 'FeatureCollection', 'features', coalesce(jsonb_agg(jsonb_build_object(
                    'type', 'Feature', 'properties', jsonb_build_object('id', -d.n),
                    'geometry', ST_AsGeoJSON(d.geom, 7)::jsonb) ORDER BY d.n), '[]'))
           FROM ST_Dump(ST_CollectionExtract(parks, 3)) WITH ORDINALITY AS d(path, geom, n)),
          jsonb_build_object('city', w->'city', 'parks', w->'parks', 'rule_version', w->'rule_version'))
  RETURNING id INTO v_id;
  RETURN v_id;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_scenario_save IS
  'Saves a named what-if scenario (extra parks + before/after summary) on a stored green-coverage run; returns its id';
