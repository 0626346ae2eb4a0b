-- analysis.diagnosis_unit_indicators: the per-area indicators of every unit of a diagnosis run
-- (step 2 of a run), stored in app.diagnosis_unit.indicators as { code: value } (NULL = not
-- applicable: the unit has none of the land the share is of). Direction: cost = higher is sicker.
--   green_shortfall_share   cost  share of the unit's residential land outside every park service
--                                 radius (uncovered_official of coverage run coverage_run_id, target
--                                 land of that run; indicators.md §4). NULL without a coverage run.
--   old_estate_share        cost  share of the unit's estate area (小区, known build year) that is an
--                                 old estate (built ≤ setting old_estate_cutoff_year, default 2000; §7)
--   estate_age_years        cost  estate-area-weighted mean age (check_year − build_year)
--   waterlogging_density    cost  untreated points (status untreated or in_progress) per km² of the
--                                 unit's built-up area (§8.3: the unit is already clipped to it)
--   waterlogging_severity   cost  the same, each point weighted by severity (low 1, medium 2, high 3,
--                                 severe 4, unknown 1; severity_weights overrides), per km²
--   missing_facility_types  cost  life-circle facility types (tier 5/10/15-min) with no facility of the
--                                 type within its standard distance (straight line, geodesic) of the
--                                 unit's representative point (ST_PointOnSurface); types with no
--                                 facility anywhere in the city are left out (a data gap, not a place)
--   heritage_share          —     share of the unit inside a historic district (历史文化街区; context:
--                                 a protection constraint, not a disease)
-- Inputs: run_id, datasets (the city's dataset ids), coverage_run_id (NULL = no green indicator),
--   check_year (for ages; NULL = the current year), severity_weights (jsonb, NULL = the defaults).
-- Output: the number of units updated.
-- VOLATILE: updates app.diagnosis_unit. Raises P0002 on an unknown run, 22023 on bad weights.
CREATE OR REPLACE FUNCTION analysis.diagnosis_unit_indicators(
  run_id bigint,
  datasets text[],
  coverage_run_id bigint DEFAULT NULL,
  check_year integer DEFAULT NULL,
  severity_weights jsonb DEFAULT NULL
) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  r app.diagnosis_run;
  cov app.coverage_run;
  sw jsonb := analysis.waterlogging_severity_weights(severity_weights);  -- the one scale; raises 22023 on bad weights
  yr integer := coalesce(check_year, extract(year FROM now())::int);
  uncovered geometry;
  target geometry;
  n integer;
BEGIN
  SELECT * INTO r FROM app.diagnosis_run x WHERE x.id = diagnosis_unit_indicators.run_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'diagnosis: no run %', run_id USING ERRCODE = 'P0002';
  END IF;
  IF coverage_run_id IS NOT NULL THEN
    SELECT * INTO cov FROM app.coverage_run c WHERE c.id = coverage_run_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'diagnosis: no green-coverage run %', coverage_run_id USING ERRCODE = '22023';
    END IF;
    SELECT ST_MakeValid(ST_Transform(s.geom, r.metric_srid)) INTO uncovered FROM app.coverage_shortfall s
    WHERE s.run_id = coverage_run_id AND s.layer = 'uncovered_official';
    SELECT ST_MakeValid(ST_Union(t.geom)) INTO target FROM analysis.green_coverage_targets(cov.target, r.dataset_id, r.metric_srid) t;
  END IF;

  WITH u AS (
    SELECT x.unit_no, ST_MakeValid(ST_Transform(x.geom, r.metric_srid)) AS g, x.geom AS g4326, x.built_up_m2
    FROM app.diagnosis_unit x WHERE x.run_id = r.id
  ), green AS (
    SELECT u.unit_no,
           CASE WHEN t.a > 0 THEN least(1, coalesce(ST_Area(ST_Intersection(u.g, uncovered)), 0) / t.a) END AS v
    FROM u CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(u.g, target)) AS a) t
    WHERE target IS NOT NULL
  ), estates AS (
    SELECT u.unit_no,
           coalesce(sum(a.m2) FILTER (WHERE e.is_old), 0) / nullif(sum(a.m2), 0) AS old_share,
           sum(a.m2 * greatest(0, yr - e.build_year)) / nullif(sum(a.m2), 0) AS age
    FROM u JOIN app.estate_v e ON e.dataset_id = ANY(datasets) AND e.build_year IS NOT NULL AND ST_Intersects(e.geom, u.g4326)
    CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(ST_MakeValid(ST_Transform(e.geom, r.metric_srid)), u.g)) AS m2) a
    GROUP BY u.unit_no
  ), water AS (
    SELECT u.unit_no, count(p.id) AS n,
           sum(analysis.waterlogging_severity_weight(p.severity, sw)) AS sev
    FROM u JOIN app.waterlogging_point p ON p.dataset_id = ANY(datasets) AND p.status IN ('untreated', 'in_progress') AND ST_Intersects(p.geom, u.g4326)
    GROUP BY u.unit_no
  ), types AS (
    SELECT t.code, t.standard_distance_m FROM app.facility_type t
    WHERE t.life_circle_tier IN ('5min', '10min', '15min') AND t.standard_distance_m IS NOT NULL
      AND EXISTS (SELECT 1 FROM app.facility f WHERE f.type_code = t.code AND f.dataset_id = ANY(datasets))
  ), missing AS (
    SELECT u.unit_no, count(*) FILTER (WHERE NOT EXISTS (
             SELECT 1 FROM app.facility f WHERE f.type_code = t.code AND f.dataset_id = ANY(datasets)
               AND ST_DWithin(f.geom::geography, ST_Transform(ST_PointOnSurface(u.g), 4326)::geography, t.standard_distance_m))) AS n
    FROM u CROSS JOIN types t GROUP BY u.unit_no
  ), heritage AS (
    SELECT u.unit_no, ST_Area(ST_Intersection(u.g, h.g)) / nullif(ST_Area(u.g), 0) AS v
    FROM u CROSS JOIN (SELECT ST_MakeValid(ST_Union(ST_Transform(d.geom, r.metric_srid))) AS g FROM app.heritage_district d WHERE d.dataset_id = ANY(datasets)) h
    WHERE h.g IS NOT NULL
  )
  UPDATE app.diagnosis_unit x SET indicators = jsonb_build_object(
      'green_shortfall_share', (SELECT green.v FROM green WHERE green.unit_no = x.unit_no),
      'old_estate_share', (SELECT estates.old_share FROM estates WHERE estates.unit_no = x.unit_no),
      'estate_age_years', (SELECT estates.age FROM estates WHERE estates.unit_no = x.unit_no),
      'waterlogging_density', coalesce((SELECT water.n FROM water WHERE water.unit_no = x.unit_no), 0) / (x.built_up_m2 / 1e6),
      'waterlogging_severity', coalesce((SELECT water.sev FROM water WHERE water.unit_no = x.unit_no), 0) / (x.built_up_m2 / 1e6),
      'missing_facility_types', coalesce((SELECT missing.n FROM missing WHERE missing.unit_no = x.unit_no), 0),
      'heritage_share', coalesce((SELECT heritage.v FROM heritage WHERE heritage.unit_no = x.unit_no), 0))
  WHERE x.run_id = r.id;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION analysis.diagnosis_unit_indicators IS
  'Per-area indicators of a diagnosis run''s units: green shortfall, old estates, waterlogging density, missing facility types, heritage';
