-- analysis.green_coverage_targets: the land whose coverage is measured, in a metric CRS.
-- Inputs: target 'residential_land' (app.base_landuse kind 'residential', dissolved so overlapping
--   polygons count once), 'estate' (app.estate, one row per estate, residents attached) or
--   'residential_building' (app.building with use 'residential': footprints, the 住房 level);
--   dataset_id (NULL = all); srid (metric CRS of the run, analysis.coverage_metric_srid).
-- Output: target_id (estate or building id; piece number for residential land), name, residents, geom (srid).
-- STABLE: reads app.base_landuse / app.estate. Raises 22023 on an unknown target.
CREATE OR REPLACE FUNCTION analysis.green_coverage_targets(target text, dataset_id text, srid integer)
RETURNS TABLE (target_id bigint, name text, residents integer, geom geometry)
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
BEGIN
  IF target = 'residential_land' THEN
    -- Dissolved per cluster of touching/overlapping polygons (ST_ClusterDBSCAN, eps 0): the same pieces
    -- as one ST_UnaryUnion of everything, without noding every polygon against the whole city.
    RETURN QUERY
      SELECT (row_number() OVER ())::bigint, NULL::text, NULL::integer, d.geom
      FROM (SELECT c.cl, ST_UnaryUnion(ST_Collect(c.g)) AS u
            FROM (SELECT x.g, ST_ClusterDBSCAN(x.g, 0, 1) OVER () AS cl
                  FROM (SELECT ST_Transform(l.geom, srid) AS g
                        FROM app.base_landuse l
                        WHERE l.kind = 'residential'
                          AND (green_coverage_targets.dataset_id IS NULL OR l.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_targets.dataset_id IN (ds.id, ds.city_id)))) x) c
            GROUP BY c.cl) k,
           ST_Dump(k.u) d
      WHERE NOT ST_IsEmpty(d.geom);
  ELSIF target = 'estate' THEN
    RETURN QUERY
      SELECT e.id, e.name, e.residents, ST_Transform(e.geom, srid)
      FROM app.estate e
      WHERE green_coverage_targets.dataset_id IS NULL OR e.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_targets.dataset_id IN (ds.id, ds.city_id));
  ELSIF target = 'residential_building' THEN
    RETURN QUERY
      SELECT b.id, b.name, NULL::integer, ST_Transform(b.geom, srid)
      FROM app.building b
      WHERE b.use = 'residential'
        AND (green_coverage_targets.dataset_id IS NULL OR b.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_targets.dataset_id IN (ds.id, ds.city_id)));
  ELSE
    RAISE EXCEPTION 'green coverage: unknown target "%" (residential_land | estate | residential_building)', target USING ERRCODE = '22023';
  END IF;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_targets IS
  'Coverage targets (dissolved residential land, estates or residential buildings) in a metric CRS';
