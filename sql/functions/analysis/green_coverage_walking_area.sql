-- analysis.green_coverage_walking_area: walking service area per radius class.
-- Method (documented choice): for each radius class R, vertices reached within R (analysis.green_coverage_reach);
-- every edge is covered from a reached end up to the remaining distance (R − agg_cost, interpolated along
-- the edge by cost, respecting one-way costs), plus the access edge itself around each access point;
-- the reached edge portions are buffered one by one and unioned (cascaded union: ~25× faster than buffering
-- the collected MultiLineString at once, same area to 1e-8 m²) by rules.access_width_m (default 50 m: land a walker reaches
-- from the path — frontage, estate gates), the parks themselves are added, and the result is clipped to
-- the official area of the same class (a place R metres straight from the park cannot be R metres away
-- on foot). Walking coverage is therefore never larger than official coverage.
-- Inputs: rules, dataset_id, extra_parks (EPSG:4326 what-if), srid (metric CRS). Output: radius_m, geom (srid).
-- STABLE: reads the graph and the parks.
CREATE OR REPLACE FUNCTION analysis.green_coverage_walking_area(
  rules jsonb, dataset_id text, extra_parks geometry, srid integer
) RETURNS TABLE (radius_m double precision, geom geometry)
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
DECLARE
  r double precision;
  w double precision := (rules->>'access_width_m')::float8;
BEGIN
  FOR r IN SELECT DISTINCT s.radius_m FROM analysis.green_coverage_services(rules, dataset_id, extra_parks) s ORDER BY 1 LOOP
    RETURN QUERY
    WITH reach AS (
      SELECT x.node, min(x.agg_cost) AS d FROM analysis.green_coverage_reach(rules, dataset_id, extra_parks, srid, r) x GROUP BY x.node
    ),
    e AS (
      SELECT ST_Transform(we.geom, srid) AS g, we.cost, we.reverse_cost, rs.d AS ds, rt.d AS dt
      FROM app.walk_edge we
      LEFT JOIN reach rs ON rs.node = we.source
      LEFT JOIN reach rt ON rt.node = we.target
      WHERE (rs.node IS NOT NULL OR rt.node IS NOT NULL)
        AND (green_coverage_walking_area.dataset_id IS NULL OR we.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_walking_area.dataset_id IN (ds.id, ds.city_id)))
    ),
    spans AS (
      SELECT g,
        CASE WHEN ds IS NOT NULL AND cost >= 0 AND ds < r THEN CASE WHEN cost = 0 THEN 1 ELSE least(1, (r - ds) / cost) END ELSE 0 END AS a_end,
        CASE WHEN dt IS NOT NULL AND reverse_cost >= 0 AND dt < r THEN CASE WHEN reverse_cost = 0 THEN 0 ELSE greatest(0, 1 - (r - dt) / reverse_cost) END ELSE 1 END AS b_start
      FROM e
    ),
    access_spans AS (
      SELECT a.edge_geom AS g,
        CASE WHEN a.reverse_cost >= 0 AND a.offset_m < r THEN CASE WHEN a.reverse_cost = 0 THEN 0 ELSE greatest(0, a.fraction - (r - a.offset_m) / a.reverse_cost) END ELSE a.fraction END AS f0,
        CASE WHEN a.cost >= 0 AND a.offset_m < r THEN CASE WHEN a.cost = 0 THEN 1 ELSE least(1, a.fraction + (r - a.offset_m) / a.cost) END ELSE a.fraction END AS f1
      FROM analysis.green_coverage_access(rules, dataset_id, extra_parks, srid) a
      WHERE a.radius_m = r
    ),
    pieces AS (
      SELECT CASE WHEN a_end >= b_start THEN g ELSE ST_LineSubstring(g, 0, a_end) END AS g FROM spans WHERE a_end > 0 OR b_start < 1
      UNION ALL
      SELECT ST_LineSubstring(g, b_start, 1) FROM spans WHERE b_start < 1 AND a_end < b_start
      UNION ALL
      SELECT ST_LineSubstring(g, f0, f1) FROM access_spans WHERE f1 > f0
    ),
    official AS (
      SELECT o.geom FROM analysis.green_coverage_official_area(rules, dataset_id, extra_parks, srid) o WHERE o.radius_m = r
    ),
    parks AS (
      SELECT ST_Union(ST_Transform(s.geom, srid)) AS geom
      FROM analysis.green_coverage_services(rules, dataset_id, extra_parks) s WHERE s.radius_m = r
    )
    SELECT r, ST_Intersection(
             ST_Union(coalesce((SELECT ST_Union(ST_Buffer(p.g, w, 'quad_segs=8')) FROM pieces p WHERE NOT ST_IsEmpty(p.g)),
                               ST_GeomFromText('POLYGON EMPTY', srid)),
                      (SELECT geom FROM parks)),
             (SELECT geom FROM official));
  END LOOP;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_walking_area IS
  'Walking service area per radius class: reached network portions buffered by the access width, clipped to the official area';
