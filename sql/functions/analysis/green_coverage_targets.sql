-- analysis.green_coverage_targets: the land whose coverage is measured, in a metric CRS.
-- Inputs: target 'residential_land' (app.base_landuse kind 'residential', dissolved so overlapping
--   polygons count once) or 'estate' (app.estate, one row per estate, residents attached);
--   dataset_id (NULL = all); srid (metric CRS of the run, analysis.coverage_metric_srid).
-- Output: target_id (estate id; piece number for residential land), name, residents, geom (srid).
-- STABLE: reads app.base_landuse / app.estate. Raises 22023 on an unknown target.
CREATE OR REPLACE FUNCTION analysis.green_coverage_targets(target text, dataset_id text, srid integer)
RETURNS TABLE (target_id bigint, name text, residents integer, geom geometry)
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
BEGIN
  IF target = 'residential_land' THEN
    RETURN QUERY
      SELECT d.path[1]::bigint, NULL::text, NULL::integer, d.geom
      FROM ST_Dump((SELECT ST_UnaryUnion(ST_Collect(ST_Transform(l.geom, srid)))
                    FROM app.base_landuse l
                    WHERE l.kind = 'residential'
                      AND (green_coverage_targets.dataset_id IS NULL OR l.dataset_id = green_coverage_targets.dataset_id))) d
      WHERE NOT ST_IsEmpty(d.geom);
  ELSIF target = 'estate' THEN
    RETURN QUERY
      SELECT e.id, e.name, e.residents, ST_Transform(e.geom, srid)
      FROM app.estate e
      WHERE green_coverage_targets.dataset_id IS NULL OR e.dataset_id = green_coverage_targets.dataset_id;
  ELSE
    RAISE EXCEPTION 'green coverage: unknown target "%" (residential_land | estate)', target USING ERRCODE = '22023';
  END IF;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_targets IS
  'Coverage targets (dissolved residential land or estates) in a metric CRS';
