-- analysis.green_coverage_services: the eligible parks ("services") with their service radius.
-- Inputs: rules (jsonb, analysis.green_coverage_rules), dataset_id (NULL = all datasets),
--   extra_parks (EPSG:4326 polygons of what-if parks, not saved; each polygon is one park, id -1, -2, …).
-- Output: park_id, name, area_m2 (geodesic), radius_m, geom (MultiPolygon, EPSG:4326).
-- rules.extra_only = true (set internally by what-if and pocket-park functions) returns the extra parks only.
-- Eligible = is_park AND is_public (or kind in rules.eligible_kinds); historic variant when enabled.
-- plpgsql so the planner never inlines it (inlining re-evaluated the what-if geometry per row).
-- STABLE: reads app.green_space and app.heritage_district.
-- Bodies reference sibling functions applied later in file order: validate at call time.
SET LOCAL check_function_bodies = off;
CREATE OR REPLACE FUNCTION analysis.green_coverage_services(
  rules jsonb,
  dataset_id text DEFAULT NULL,
  extra_parks geometry DEFAULT NULL
) RETURNS TABLE (park_id bigint, name text, area_m2 double precision, radius_m double precision, geom geometry)
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
BEGIN
RETURN QUERY
  WITH parks AS (
    SELECT g.id AS park_id, g.name, g.area_m2, g.geom
    FROM app.green_space g
    WHERE NOT coalesce((rules->>'extra_only')::boolean, false)
      AND (green_coverage_services.dataset_id IS NULL OR g.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_services.dataset_id IN (ds.id, ds.city_id)))
      AND g.is_public
      AND CASE WHEN rules->'eligible_kinds' IS NULL OR jsonb_typeof(rules->'eligible_kinds') = 'null' THEN g.is_park
               ELSE g.kind IN (SELECT jsonb_array_elements_text(rules->'eligible_kinds')) END
    UNION ALL
    SELECT -d.n, 'what-if ' || d.n, ST_Area(d.geom::geography), ST_Multi(d.geom)
    FROM ST_Dump(ST_CollectionExtract(extra_parks, 3)) WITH ORDINALITY AS d(path, geom, n)
    WHERE extra_parks IS NOT NULL
  )
  SELECT p.park_id, p.name, p.area_m2, r.radius_m, p.geom
  FROM parks p
  CROSS JOIN LATERAL (SELECT analysis.green_service_radius(p.area_m2,
      coalesce((rules->>'historic_variant')::boolean, false)
        AND EXISTS (SELECT 1 FROM app.heritage_district h WHERE ST_Intersects(h.geom, p.geom)),
      rules) AS radius_m) r
  WHERE r.radius_m IS NOT NULL;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_services IS
  'Eligible parks (plus what-if polygons) with their service radius under a green_coverage_rules version';
