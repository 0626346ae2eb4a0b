-- analysis.renewal_site_criteria: the renewal-candidate criteria of arbitrary sites — street blocks
-- (街区, analysis.renewal_blocks) or polygons drawn by a planner — measured like those of an estate
-- (analysis.renewal_estate_criteria; indicators.md §7, §8, §9.3). Raw values only: the server turns
-- the estates met into area-weighted criteria and ranks (server/renewal/site-criteria.ts).
--
-- Inputs: sites (polygons, EPSG:4326; the array index is the site's key), city (app.dataset id),
--   datasets (the city's dataset ids), cutoff_year (old estates 老旧小区 built ≤ it), park_min_m2 (m²),
--   waterlogging_radius_m and low_value_radius_m (metres), min_overlap_share (0–1, default 0.25): an
--   estate counts for a site only when at least this share of the estate lies inside it, or it
--   covers at least this share of the site — a sliver of an estate across a street (OSM estates
--   often reach over the centreline) neither lends the site its age nor makes it "old".
--   Level height for buildings without height_m: setting default_building_level_height_m (3 m).
-- Output per site: its area (m²); estates: the estates it overlaps as a JSON array of
--   {id, insideM2 (m² of the estate inside the site), estateM2, buildYear, isOld, status, residents,
--   unmet (unmet life-circle types in the latest stored run, NULL without one), isSample}; old_estate_share =
--   area of old estates inside ÷ site area; distance to the nearest park ≥ park_min_m2 (m, 0 when one
--   overlaps); untreated / in-progress waterlogging points within the radius and their severity sum
--   (analysis.waterlogging_severity_weights: low 1, medium 2, high 3, severe 4, unknown 1); buildings whose point-on-surface lies in the site,
--   their tallest height (m) and mean build year; idle low-value space within the radius (m²); a
--   point inside (lon/lat); the disease score and Gi* bin of the latest diagnosis unit holding that point.
-- Distances in the city's metric CRS (local UTM). STABLE: reads app tables. Raises 22023 on bad radii.
-- The signature gained min_overlap_share after its first release: the old one is dropped first.
DROP FUNCTION IF EXISTS analysis.renewal_site_criteria(geometry[], text, text[], integer, double precision, double precision, double precision);
CREATE OR REPLACE FUNCTION analysis.renewal_site_criteria(
  sites geometry[],
  city text,
  datasets text[],
  cutoff_year integer DEFAULT 2000,
  park_min_m2 double precision DEFAULT 2000,
  waterlogging_radius_m double precision DEFAULT 300,
  low_value_radius_m double precision DEFAULT 500,
  min_overlap_share double precision DEFAULT 0.25
) RETURNS TABLE (
  site_idx integer, area_m2 double precision, estates jsonb, old_estate_share double precision,
  park_distance_m double precision, life_circle_run_id bigint,
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
  IF min_overlap_share IS NULL OR min_overlap_share < 0 OR min_overlap_share > 1 THEN
    RAISE EXCEPTION 'renewal: siteEstateMinShare must be between 0 and 1, got %', min_overlap_share USING ERRCODE = '22023';
  END IF;
  SELECT analysis.coverage_metric_srid(ST_SetSRID(ST_Extent(u.g), 4326)) INTO srid FROM unnest(sites) u(g);
  IF srid IS NULL THEN RETURN; END IF;
  SELECT r.id INTO lc_run FROM app.life_circle_run r WHERE r.dataset_id = renewal_site_criteria.city ORDER BY r.id DESC LIMIT 1;
  SELECT r.id INTO dg_run FROM app.diagnosis_run r WHERE r.dataset_id = renewal_site_criteria.city ORDER BY r.created_at DESC, r.id DESC LIMIT 1;

  RETURN QUERY
  SELECT s.idx, ST_Area(s.gm), coalesce(est.list, '[]'::jsonb),
         coalesce(est.old_m2, 0) / nullif(ST_Area(s.gm), 0),
         park.d, lc_run,
         coalesce(w.n, 0), coalesce(w.sev, 0),
         coalesce(b.n, 0), b.max_h, b.mean_year,
         coalesce(lv.a, 0),
         ST_X(s.pos), ST_Y(s.pos),
         dg.disease, dg.gi_bin, dg_run
  FROM (
    SELECT u.i::integer AS idx, u.g AS geom, ST_Transform(u.g, srid) AS gm, ST_PointOnSurface(u.g) AS pos,
           ST_Expand(u.g, greatest(renewal_site_criteria.waterlogging_radius_m, renewal_site_criteria.low_value_radius_m) * 1.2
                          / (111320 * cos(radians(least(greatest(abs(ST_YMin(u.g)), abs(ST_YMax(u.g))), 89))))) AS near
    FROM unnest(sites) WITH ORDINALITY AS u(g, i) WHERE u.g IS NOT NULL
  ) s
  LEFT JOIN LATERAL (
    SELECT jsonb_agg(jsonb_build_object('id', x.id, 'insideM2', x.inside, 'estateM2', x.full_m2, 'buildYear', x.build_year,
                                        'isOld', x.is_old, 'status', x.renovation_status, 'residents', x.residents, 'unmet', x.unmet,
                                        'isSample', x.is_sample)
                     ORDER BY x.id) AS list,
           sum(x.inside) FILTER (WHERE x.is_old) AS old_m2
    FROM (
      SELECT e.id, e.build_year, e.renovation_status, e.residents, e.is_sample,
             e.build_year IS NOT NULL AND e.build_year <= renewal_site_criteria.cutoff_year AS is_old,
             ST_Area(ST_Intersection(ST_Transform(e.geom, srid), s.gm)) AS inside, ST_Area(ST_Transform(e.geom, srid)) AS full_m2,
             CASE WHEN lc_run IS NULL THEN NULL ELSE
               (SELECT count(*) FILTER (WHERE NOT r.met)::integer FROM app.life_circle_result r WHERE r.run_id = lc_run AND r.estate_id = e.id) END AS unmet
      FROM app.estate e
      WHERE e.dataset_id = ANY (renewal_site_criteria.datasets) AND e.geom && s.geom AND ST_Relate(e.geom, s.geom, 'T********')
    ) x WHERE x.inside > 0
        AND (x.inside >= renewal_site_criteria.min_overlap_share * x.full_m2 OR x.inside >= renewal_site_criteria.min_overlap_share * ST_Area(s.gm))
  ) est ON true
  LEFT JOIN LATERAL (
    SELECT min(ST_Distance(s.gm, ST_Transform(k.geom, srid))) AS d FROM (
      SELECT g.geom FROM app.green_space g
      WHERE g.dataset_id = ANY (renewal_site_criteria.datasets) AND g.is_park AND g.area_m2 >= renewal_site_criteria.park_min_m2
      ORDER BY g.geom <-> s.geom LIMIT 5) k
  ) park ON true
  LEFT JOIN LATERAL (
    SELECT count(*)::integer AS n,
           sum(analysis.waterlogging_severity_weight(p.severity, analysis.waterlogging_severity_weights()))::float8 AS sev
    FROM app.waterlogging_point p
    WHERE p.dataset_id = ANY (renewal_site_criteria.datasets) AND p.status <> 'closed' AND p.geom && s.near
      AND ST_DWithin(ST_Transform(p.geom, srid), s.gm, renewal_site_criteria.waterlogging_radius_m)
  ) w ON true
  LEFT JOIN LATERAL (
    SELECT count(*)::integer AS n, max(coalesce(x.height_m, x.levels * level_h)) AS max_h, avg(x.build_year)::float8 AS mean_year
    FROM app.building x
    WHERE x.dataset_id = ANY (renewal_site_criteria.datasets) AND x.geom && s.geom AND ST_Intersects(ST_PointOnSurface(x.geom), s.geom)
  ) b ON true
  LEFT JOIN LATERAL (
    SELECT sum(coalesce(v.area_m2, CASE WHEN GeometryType(v.geom) = 'POINT' THEN 0 ELSE ST_Area(v.geom::geography) END))::float8 AS a
    FROM app.low_value_space v
    WHERE v.dataset_id = ANY (renewal_site_criteria.datasets) AND v.status <> 'activated' AND v.geom && s.near
      AND ST_DWithin(ST_Transform(v.geom, srid), s.gm, renewal_site_criteria.low_value_radius_m)
  ) lv ON true
  LEFT JOIN LATERAL (
    SELECT u.disease, u.gi_bin FROM app.diagnosis_unit u
    WHERE dg_run IS NOT NULL AND u.run_id = dg_run AND u.geom && s.pos AND ST_Intersects(u.geom, s.pos)
    ORDER BY u.unit_no LIMIT 1
  ) dg ON true
  ORDER BY s.idx;
END $$;
COMMENT ON FUNCTION analysis.renewal_site_criteria(geometry[], text, text[], integer, double precision, double precision, double precision, double precision) IS
  'Raw renewal-candidate criteria of street blocks or drawn sites (estates overlapped, old-estate share, park distance, waterlogging, buildings, low-value space, diagnosis); indicators.md §7–9, §11';
