-- analysis.green_coverage_rules: validates the park service-radius rule parameters and returns the
-- rule version (jsonb) stored with every coverage result (indicators.md §4.1–4.2).
--
-- Inputs (all optional; NULL = the app.setting value, else the documented default):
--   large_min_m2 (5000 m²) → large_radius_m (500 m); small_min_m2 (2000 m²) → small_radius_m (300 m),
--   small_min_inclusive (true: a park of exactly 2000 m² counts); eligible_kinds (NULL = is_park);
--   historic_variant (false; UNCONFIRMED rule: inside 历史文化街区 parks ≥ historic_min_m2 (1000 m²)
--   get historic_radius_m (300 m)); access_width_m (50 m, walking mode); snap_m (50 m: how far a
--   mapped entrance may lie from a walk edge); distance_cap_m (1000 m: search limit of the walking
--   distance to the nearest park); estate_covered_min_share (0.5: an estate counts as covered when
--   at least this share of its area is covered).
-- Output: jsonb with every parameter, the rule name, sources and confidence marks.
-- STABLE: reads app.setting. Raises 22023 on invalid parameters.
CREATE OR REPLACE FUNCTION analysis.green_coverage_rules(
  large_min_m2 double precision DEFAULT NULL,
  large_radius_m double precision DEFAULT NULL,
  small_min_m2 double precision DEFAULT NULL,
  small_radius_m double precision DEFAULT NULL,
  small_min_inclusive boolean DEFAULT true,
  eligible_kinds text[] DEFAULT NULL,
  historic_variant boolean DEFAULT false,
  historic_min_m2 double precision DEFAULT NULL,
  historic_radius_m double precision DEFAULT 300,
  access_width_m double precision DEFAULT NULL,
  snap_m double precision DEFAULT 50,
  distance_cap_m double precision DEFAULT 1000,
  estate_covered_min_share double precision DEFAULT 0.5
) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  s jsonb;
  r jsonb;
BEGIN
  SELECT coalesce(jsonb_object_agg(key, value), '{}') INTO s FROM app.setting WHERE key LIKE 'green_coverage_%';
  r := jsonb_build_object(
    'rule', 'mohurd-2021-park-service-radius',
    'engine', 'citycheck-green-coverage/1',
    'large_min_m2', coalesce(large_min_m2, (s->>'green_coverage_large_min_m2')::float8, 5000),
    'large_radius_m', coalesce(large_radius_m, (s->>'green_coverage_large_radius_m')::float8, 500),
    'small_min_m2', coalesce(small_min_m2, (s->>'green_coverage_small_min_m2')::float8, 2000),
    'small_radius_m', coalesce(small_radius_m, (s->>'green_coverage_small_radius_m')::float8, 300),
    'small_min_inclusive', coalesce(small_min_inclusive, true),
    'eligible', CASE WHEN eligible_kinds IS NULL THEN 'is_park' ELSE 'kinds' END,
    'eligible_kinds', to_jsonb(eligible_kinds),
    'historic_variant', coalesce(historic_variant, false),
    'historic_min_m2', coalesce(historic_min_m2, (s->>'green_coverage_historic_min_m2')::float8, 1000),
    'historic_radius_m', coalesce(historic_radius_m, 300),
    'access_width_m', coalesce(access_width_m, (s->>'green_coverage_access_width_m')::float8, 50),
    'snap_m', coalesce(snap_m, 50),
    'distance_cap_m', coalesce(distance_cap_m, 1000),
    'estate_covered_min_share', coalesce(estate_covered_min_share, 0.5),
    'area', 'geodesic m² (app.green_space.area_m2)',
    'official', 'Euclidean buffer from the park boundary in local UTM',
    'walking', 'pgr_drivingDistance from park access points (entrances, else derived); reached edge portions buffered by access_width_m, clipped to the official area',
    'confidence', jsonb_build_object('size_radius', 'CONFIRMED [S1]', 'historic_variant', 'UNCONFIRMED',
                                     'boundary_inclusive', 'design choice', 'walking', 'design choice'),
    'source', 'shared/domain/indicators.md §4');
  IF (r->>'large_min_m2')::float8 <= 0 OR (r->>'small_min_m2')::float8 <= 0 OR (r->>'historic_min_m2')::float8 <= 0 THEN
    RAISE EXCEPTION 'green coverage: area thresholds must be positive' USING ERRCODE = '22023';
  END IF;
  IF (r->>'small_min_m2')::float8 > (r->>'large_min_m2')::float8 THEN
    RAISE EXCEPTION 'green coverage: small_min_m2 (%) must not exceed large_min_m2 (%)',
      r->>'small_min_m2', r->>'large_min_m2' USING ERRCODE = '22023';
  END IF;
  IF (r->>'large_radius_m')::float8 NOT BETWEEN 1 AND 5000 OR (r->>'small_radius_m')::float8 NOT BETWEEN 1 AND 5000
     OR (r->>'historic_radius_m')::float8 NOT BETWEEN 1 AND 5000 THEN
    RAISE EXCEPTION 'green coverage: radii must be between 1 and 5000 m' USING ERRCODE = '22023';
  END IF;
  IF (r->>'access_width_m')::float8 NOT BETWEEN 1 AND 500 OR (r->>'snap_m')::float8 NOT BETWEEN 0 AND 500 THEN
    RAISE EXCEPTION 'green coverage: access_width_m must be 1–500 m and snap_m 0–500 m' USING ERRCODE = '22023';
  END IF;
  IF (r->>'distance_cap_m')::float8 NOT BETWEEN 100 AND 20000 THEN
    RAISE EXCEPTION 'green coverage: distance_cap_m must be 100–20000 m' USING ERRCODE = '22023';
  END IF;
  IF (r->>'estate_covered_min_share')::float8 NOT BETWEEN 0 AND 1 THEN
    RAISE EXCEPTION 'green coverage: estate_covered_min_share must be 0–1' USING ERRCODE = '22023';
  END IF;
  RETURN r;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_rules IS
  'Validated park service-radius rule parameters (indicators.md §4) as the rule_version jsonb stored with results';
