-- analysis.green_service_radius: the service radius (m) of one park under a rule version, or NULL
-- when the park is not eligible (indicators.md §4.2).
-- Inputs: area_m2 (geodesic m²), in_heritage (park intersects a 历史文化街区), rules (jsonb from
-- analysis.green_coverage_rules). Output: metres or NULL.
-- IMMUTABLE: pure arithmetic on its arguments.
CREATE OR REPLACE FUNCTION analysis.green_service_radius(area_m2 double precision, in_heritage boolean, rules jsonb)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN area_m2 IS NULL THEN NULL
    WHEN area_m2 >= (rules->>'large_min_m2')::float8 THEN (rules->>'large_radius_m')::float8
    WHEN area_m2 > (rules->>'small_min_m2')::float8
      OR ((rules->>'small_min_inclusive')::boolean AND area_m2 = (rules->>'small_min_m2')::float8)
      THEN greatest((rules->>'small_radius_m')::float8,
                    CASE WHEN (rules->>'historic_variant')::boolean AND in_heritage
                              AND area_m2 >= (rules->>'historic_min_m2')::float8
                         THEN (rules->>'historic_radius_m')::float8 END)
    WHEN (rules->>'historic_variant')::boolean AND in_heritage AND area_m2 >= (rules->>'historic_min_m2')::float8
      THEN (rules->>'historic_radius_m')::float8
    ELSE NULL
  END
$$;
COMMENT ON FUNCTION analysis.green_service_radius IS
  'Service radius (m) of a park of area_m2 under a green_coverage_rules version; NULL = not eligible';
