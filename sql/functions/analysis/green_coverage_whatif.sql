-- analysis.green_coverage_whatif: coverage of a stored run if extra parks were built (nothing is saved).
-- Only the new parks' service areas are computed (official buffer, and walking reach on the graph when
-- the run has walking mode); newly covered land = the run's stored shortfall ∩ the new service area,
-- so the answer stays fast on a whole city.
-- Inputs: run_id (app.coverage_run), parks (EPSG:4326 polygons; each polygon one park, sized by the
--   run's rules — a polygon below the small-park threshold adds nothing).
-- Output: jsonb {run_id, parks:[{id, area_m2, radius_m}], city:{target_m2, official_m2_before/after,
--   official_pct_before/after, walking_…}, units:[{unit_kind, unit_id, name, official_pct_after, …}],
--   estates:[{estate_id, name, official_share_after, walking_share_after}], newly_covered: GeoJSON}.
-- STABLE: reads the stored run and the graph. 22023 on an unknown run or empty parks.
CREATE OR REPLACE FUNCTION analysis.green_coverage_whatif(run_id bigint, parks geometry)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
DECLARE
  run app.coverage_run;
  x_rules jsonb;
  walk boolean;
  add_o geometry;
  add_w geometry;
  new_o geometry;
  new_w geometry;
  res jsonb;
BEGIN
  SELECT * INTO run FROM app.coverage_run r WHERE r.id = green_coverage_whatif.run_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'green coverage what-if: unknown run %', run_id USING ERRCODE = '22023';
  END IF;
  IF parks IS NULL OR ST_IsEmpty(ST_CollectionExtract(parks, 3)) THEN
    RAISE EXCEPTION 'green coverage what-if: no park polygon given' USING ERRCODE = '22023';
  END IF;
  IF ST_SRID(parks) <> 4326 THEN
    RAISE EXCEPTION 'green coverage what-if: parks must be EPSG:4326' USING ERRCODE = '22023';
  END IF;
  x_rules := run.rule_version || '{"extra_only": true}';
  walk := run.walking_area IS NOT NULL;
  SELECT ST_Union(o.geom) INTO add_o FROM analysis.green_coverage_official_area(x_rules, run.dataset_id, parks, run.metric_srid) o;
  IF walk THEN
    SELECT ST_Union(w.geom) INTO add_w FROM analysis.green_coverage_walking_area(x_rules, run.dataset_id, parks, run.metric_srid) w;
  END IF;
  -- newly covered = stored shortfall ∩ new service area (metric)
  SELECT ST_CollectionExtract(ST_Intersection(internal.valid_polygonal(ST_Transform(s.geom, run.metric_srid)), internal.valid_polygonal(add_o)), 3) INTO new_o
  FROM app.coverage_shortfall s WHERE s.run_id = run.id AND s.layer = 'uncovered_official' AND add_o IS NOT NULL AND s.geom IS NOT NULL;
  IF walk THEN
    SELECT ST_CollectionExtract(ST_Intersection(internal.valid_polygonal(ST_Transform(s.geom, run.metric_srid)), internal.valid_polygonal(add_w)), 3) INTO new_w
    FROM app.coverage_shortfall s WHERE s.run_id = run.id AND s.layer = 'uncovered_walking' AND add_w IS NOT NULL AND s.geom IS NOT NULL;
  END IF;

  SELECT jsonb_build_object(
    'run_id', run.id,
    'rule_version', run.rule_version,
    'parks', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', sv.park_id, 'area_m2', round(sv.area_m2::numeric, 1), 'radius_m', sv.radius_m)), '[]')
              FROM analysis.green_coverage_services(x_rules, run.dataset_id, parks) sv),
    'city', (SELECT jsonb_build_object(
        'target_m2', u.target_m2,
        'official_m2_before', u.official_m2, 'official_m2_after', u.official_m2 + coalesce(ST_Area(new_o), 0),
        'official_pct_before', 100 * u.official_m2 / nullif(u.target_m2, 0),
        'official_pct_after', 100 * (u.official_m2 + coalesce(ST_Area(new_o), 0)) / nullif(u.target_m2, 0),
        'walking_m2_before', u.walking_m2, 'walking_m2_after', u.walking_m2 + coalesce(ST_Area(new_w), 0),
        'walking_pct_before', 100 * u.walking_m2 / nullif(u.target_m2, 0),
        'walking_pct_after', 100 * (u.walking_m2 + coalesce(ST_Area(new_w), 0)) / nullif(u.target_m2, 0))
      FROM app.coverage_unit u WHERE u.run_id = run.id AND u.unit_kind = 'city'),
    'units', (SELECT coalesce(jsonb_agg(jsonb_build_object(
        'unit_kind', u.unit_kind, 'unit_id', u.unit_id, 'name', u.name, 'target_m2', u.target_m2,
        'official_pct_before', 100 * u.official_m2 / nullif(u.target_m2, 0),
        'official_pct_after', 100 * (u.official_m2 + g.ao) / nullif(u.target_m2, 0),
        'walking_pct_before', 100 * u.walking_m2 / nullif(u.target_m2, 0),
        'walking_pct_after', 100 * (u.walking_m2 + g.aw) / nullif(u.target_m2, 0)) ORDER BY u.unit_kind, u.name), '[]')
      FROM app.coverage_unit u
      JOIN app.admin_unit au ON au.id = u.unit_id
      CROSS JOIN LATERAL (SELECT ST_Transform(au.geom, run.metric_srid) AS ug) t
      CROSS JOIN LATERAL (SELECT coalesce(ST_Area(ST_Intersection(new_o, t.ug)), 0) AS ao,
                                 coalesce(ST_Area(ST_Intersection(new_w, t.ug)), 0) AS aw) g
      WHERE u.run_id = run.id AND u.unit_kind <> 'city'),
    'estates', (SELECT coalesce(jsonb_agg(jsonb_build_object(
        'estate_id', ce.estate_id, 'name', ce.name,
        'official_share_before', ce.official_share, 'official_share_after', least(1, ce.official_share + coalesce(ST_Area(ST_Intersection(new_o, eg.g)), 0) / ce.area_m2),
        'walking_share_before', ce.walking_share, 'walking_share_after', least(1, ce.walking_share + coalesce(ST_Area(ST_Intersection(new_w, eg.g)), 0) / ce.area_m2))
        ORDER BY ce.estate_id), '[]')
      FROM app.coverage_estate ce
      JOIN app.estate e ON e.id = ce.estate_id
      CROSS JOIN LATERAL (SELECT ST_Transform(e.geom, run.metric_srid) AS g) eg
      WHERE ce.run_id = run.id AND add_o IS NOT NULL AND ST_Intersects(eg.g, add_o)),
    'newly_covered_official', ST_AsGeoJSON(ST_Transform(new_o, 4326), 7)::jsonb,
    'newly_covered_walking', ST_AsGeoJSON(ST_Transform(new_w, 4326), 7)::jsonb
  ) INTO res;
  RETURN res;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_whatif IS
  'Coverage of a stored run with extra (unsaved) park polygons: before/after for city, units and estates';
