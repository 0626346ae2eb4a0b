-- analysis.renewal_estate_criteria: the renewal-candidate criteria of every estate (小区) of a city
-- (issue: ranked renewal candidates; indicators.md §7, §8, §9.3). Raw values only: ranking, weights
-- and the hard heritage checks are done by the server (server/renewal/).
--
-- Inputs: city (app.dataset id of the city), datasets (the city's dataset ids), cutoff_year (estates
--   built in or before it are old estates 老旧小区; default 2000), check_year (age = check_year −
--   build_year), park_min_m2 (smallest park counted, m², geodesic), waterlogging_radius_m and
--   low_value_radius_m (metres, geography). Level height for buildings without height_m: setting
--   default_building_level_height_m (3 m).
-- Output per estate: its own name (NULL when unnamed: the caller derives labels, analysis.estate_label,
--   for the estates it shows; name_derived is always false here), build year, age and old flag, renovation status/class/plan year, residents,
--   households, floor and land area (m²), straight-line distance to the nearest park ≥ park_min_m2
--   (m; NULL when the city has none), unmet life-circle facility types of the city's latest stored
--   life-circle run (NULL when none is stored), untreated/in-progress waterlogging points within the
--   radius and their severity sum (analysis.waterlogging_severity_weights: low 1, medium 2, high 3, severe 4, unknown 1), buildings whose
--   point-on-surface lies in the estate, their tallest height (m) and mean build year, idle
--   low-value space (低效空间 not yet activated) within the radius (m²), a point inside (lon/lat).
-- Distances are measured in the city's metric CRS (local UTM, analysis.coverage_metric_srid), with
-- index prefilters on boxes widened by the radius; JIT is off (compiling cost more than the query).
--   From the city's latest diagnosis run (app.diagnosis_run, when one is stored): the composite disease
--   score (1 − health score, 0–1) and the Gi* hot/cold-spot bin (−3…3) of the unit holding the estate.
-- STABLE: reads app tables. Raises 22023 on bad radii or years.
-- The output gained columns after its first release: the old signature is dropped first.
DROP FUNCTION IF EXISTS analysis.renewal_estate_criteria(text, text[], integer, integer, double precision, double precision, double precision);
CREATE OR REPLACE FUNCTION analysis.renewal_estate_criteria(
  city text,
  datasets text[],
  cutoff_year integer DEFAULT 2000,
  check_year integer DEFAULT NULL,
  park_min_m2 double precision DEFAULT 2000,
  waterlogging_radius_m double precision DEFAULT 300,
  low_value_radius_m double precision DEFAULT 500
) RETURNS TABLE (
  estate_id bigint, name text, name_derived boolean, build_year integer, is_old boolean, age_years integer,
  renovation_status text, renovation_class text[], renovation_plan_year integer,
  residents integer, households integer, floor_area_m2 double precision, area_m2 double precision, is_sample boolean,
  park_distance_m double precision, life_circle_unmet integer, life_circle_run_id bigint,
  waterlogging_points integer, waterlogging_severity double precision,
  building_count integer, max_height_m double precision, mean_building_year double precision,
  low_value_area_m2 double precision, lon double precision, lat double precision,
  disease_score double precision, hotspot_bin smallint, diagnosis_run_id bigint
)
LANGUAGE plpgsql STABLE SET jit = off AS $$
#variable_conflict use_column
DECLARE
  srid integer;
  level_h double precision := coalesce((SELECT (value #>> '{}')::float8 FROM app.setting WHERE key = 'default_building_level_height_m'), 3.0);
  lc_run bigint;
  dg_run bigint;
BEGIN
  IF cutoff_year IS NULL OR cutoff_year NOT BETWEEN 1900 AND 2200 THEN
    RAISE EXCEPTION 'renewal: cutoffYear must be a year between 1900 and 2200, got %', cutoff_year USING ERRCODE = '22023';
  END IF;
  IF waterlogging_radius_m IS NULL OR waterlogging_radius_m <= 0 OR waterlogging_radius_m > 5000
     OR low_value_radius_m IS NULL OR low_value_radius_m <= 0 OR low_value_radius_m > 5000 THEN
    RAISE EXCEPTION 'renewal: waterloggingRadiusM and lowValueRadiusM must be in (0, 5000] m' USING ERRCODE = '22023';
  END IF;
  IF park_min_m2 IS NULL OR park_min_m2 < 0 THEN
    RAISE EXCEPTION 'renewal: parkMinM2 must be ≥ 0 m², got %', park_min_m2 USING ERRCODE = '22023';
  END IF;
  SELECT analysis.coverage_metric_srid(ST_SetSRID(ST_Extent(x.geom), 4326)) INTO srid
  FROM app.estate x WHERE x.dataset_id = ANY (renewal_estate_criteria.datasets);
  IF srid IS NULL THEN RETURN; END IF;
  SELECT r.id INTO lc_run FROM app.life_circle_run r WHERE r.dataset_id = renewal_estate_criteria.city ORDER BY r.id DESC LIMIT 1;
  SELECT r.id INTO dg_run FROM app.diagnosis_run r WHERE r.dataset_id = renewal_estate_criteria.city ORDER BY r.created_at DESC, r.id DESC LIMIT 1;

  RETURN QUERY
  SELECT e.id, nullif(btrim(e.name), ''), false, e.build_year,
         e.build_year IS NOT NULL AND e.build_year <= renewal_estate_criteria.cutoff_year,
         CASE WHEN e.build_year IS NOT NULL AND renewal_estate_criteria.check_year IS NOT NULL THEN greatest(renewal_estate_criteria.check_year - e.build_year, 0) END,
         e.renovation_status, e.renovation_class, e.renovation_plan_year,
         e.residents, e.households, e.floor_area_m2, ST_Area(e.geom::geography), e.is_sample,
         park.d, CASE WHEN lc_run IS NULL THEN NULL ELSE lc.unmet END, lc_run,
         coalesce(w.n, 0), coalesce(w.sev, 0),
         coalesce(b.n, 0), b.max_h, b.mean_year,
         coalesce(lv.a, 0),
         ST_X(e.pos), ST_Y(e.pos),
         dg.disease, dg.gi_bin, dg_run
  FROM (
    -- each estate in metres, and its box widened by the larger radius (degrees, with a 20 % margin) for index prefilters
    SELECT x.*, ST_Transform(x.geom, srid) AS gm, ST_PointOnSurface(x.geom) AS pos,
           ST_Expand(x.geom, greatest(renewal_estate_criteria.waterlogging_radius_m, renewal_estate_criteria.low_value_radius_m) * 1.2
                             / (111320 * cos(radians(least(greatest(abs(ST_YMin(x.geom)), abs(ST_YMax(x.geom))), 89))))) AS near
    FROM app.estate x WHERE x.dataset_id = ANY (renewal_estate_criteria.datasets)
  ) e
  LEFT JOIN LATERAL (
    -- nearest parks by index, then the exact distance in metres of the closest few
    SELECT min(ST_Distance(e.gm, ST_Transform(k.geom, srid))) AS d FROM (
      SELECT g.geom FROM app.green_space g
      WHERE g.dataset_id = ANY (renewal_estate_criteria.datasets) AND g.is_park AND g.area_m2 >= renewal_estate_criteria.park_min_m2
      ORDER BY g.geom <-> e.geom LIMIT 5) k
  ) park ON true
  LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE NOT r.met)::integer AS unmet FROM app.life_circle_result r
    WHERE lc_run IS NOT NULL AND r.run_id = lc_run AND r.estate_id = e.id
  ) lc ON true
  LEFT JOIN LATERAL (
    SELECT count(*)::integer AS n,
           sum(analysis.waterlogging_severity_weight(p.severity, analysis.waterlogging_severity_weights()))::float8 AS sev
    FROM app.waterlogging_point p
    WHERE p.dataset_id = ANY (renewal_estate_criteria.datasets) AND p.status <> 'closed' AND p.geom && e.near
      AND ST_DWithin(ST_Transform(p.geom, srid), e.gm, renewal_estate_criteria.waterlogging_radius_m)
  ) w ON true
  LEFT JOIN LATERAL (
    SELECT count(*)::integer AS n,
           max(coalesce(x.height_m, x.levels * level_h)) AS max_h,
           avg(x.build_year)::float8 AS mean_year
    FROM app.building x
    WHERE x.dataset_id = ANY (renewal_estate_criteria.datasets) AND x.geom && e.geom AND ST_Intersects(ST_PointOnSurface(x.geom), e.geom)
  ) b ON true
  LEFT JOIN LATERAL (
    SELECT sum(coalesce(v.area_m2, CASE WHEN GeometryType(v.geom) = 'POINT' THEN 0 ELSE ST_Area(v.geom::geography) END))::float8 AS a
    FROM app.low_value_space v
    WHERE v.dataset_id = ANY (renewal_estate_criteria.datasets) AND v.status <> 'activated' AND v.geom && e.near
      AND ST_DWithin(ST_Transform(v.geom, srid), e.gm, renewal_estate_criteria.low_value_radius_m)
  ) lv ON true
  LEFT JOIN LATERAL (
    SELECT u.disease, u.gi_bin FROM app.diagnosis_unit u
    WHERE dg_run IS NOT NULL AND u.run_id = dg_run AND u.geom && e.pos AND ST_Intersects(u.geom, e.pos)
    ORDER BY u.unit_no LIMIT 1
  ) dg ON true
  ORDER BY e.id;
END $$;
COMMENT ON FUNCTION analysis.renewal_estate_criteria(text, text[], integer, integer, double precision, double precision, double precision) IS
  'Raw renewal-candidate criteria per estate of a city (age, renovation, park distance, life-circle gaps, waterlogging, buildings, low-value space, disease score and hot-spot bin of the latest diagnosis); indicators.md §7–9, §11';
