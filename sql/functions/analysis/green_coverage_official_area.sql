-- analysis.green_coverage_official_area: official service area per radius class — the union of
-- Euclidean buffers of radius_m around each eligible park boundary, computed in the metric CRS.
-- Inputs: rules, dataset_id, extra_parks (EPSG:4326, what-if), srid (metric). Output: radius_m, geom (srid).
-- plpgsql so the planner never inlines it (inlining re-evaluated the what-if geometry per row).
-- STABLE: reads the parks through analysis.green_coverage_services.
-- Bodies reference sibling functions applied later in file order: validate at call time.
SET LOCAL check_function_bodies = off;
CREATE OR REPLACE FUNCTION analysis.green_coverage_official_area(
  rules jsonb, dataset_id text, extra_parks geometry, srid integer
) RETURNS TABLE (radius_m double precision, geom geometry)
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
BEGIN
RETURN QUERY
  SELECT s.radius_m, ST_Union(ST_Buffer(ST_Transform(s.geom, srid), s.radius_m))
  FROM analysis.green_coverage_services(rules, dataset_id, extra_parks) s
  GROUP BY s.radius_m;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_official_area IS
  'Union of Euclidean park buffers per service radius, metric CRS';
