-- analysis.green_coverage_reach: walking distance (m, on app.walk_edge costs) from the nearest
-- eligible park to every walk vertex within reach — one multi-source pgr_drivingDistance (equicost:
-- each vertex is assigned to its nearest park) from virtual park vertices joined to the graph at the
-- park access points (analysis.green_coverage_access).
-- Inputs: rules, dataset_id, extra_parks (EPSG:4326 what-if), srid (metric CRS),
--   radius_m: only parks of this service radius, searched to radius_m; NULL = all eligible parks,
--   searched to rules.distance_cap_m.
-- Output: node (app.walk_vertex.id), park_id, agg_cost (m).
-- STABLE: reads the graph; pgRouting runs the edge query read-only.
CREATE OR REPLACE FUNCTION analysis.green_coverage_reach(
  rules jsonb, dataset_id text, extra_parks geometry, srid integer, radius_m double precision DEFAULT NULL
) RETURNS TABLE (node bigint, park_id bigint, agg_cost double precision)
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
DECLARE
  virt jsonb;
  roots bigint[];
  near_area geometry;
  prunable boolean;
  dist double precision := coalesce(radius_m, (rules->>'distance_cap_m')::float8);
  edges_sql text;
BEGIN
  -- Only the edges near the access points go to pgRouting (building its graph from the whole city's
  -- edges was most of the time: 9.4 s of pgr_drivingDistance at 10^6 buildings, when 6 % of the edges
  -- lie within 300 m of an access point of a 300 m park). Exact when no edge costs less than its
  -- length (checked here; else the whole graph is used): a vertex reached at agg_cost ≤ dist is then
  -- within dist metres straight of the access point it was reached from, so every edge of its path lies
  -- in the square of half-side dist around that point (1 % + 10 m more: lengths are geodesic, the
  -- squares in the metric CRS). Extra edges in the squares change no distance.
  WITH acc AS MATERIALIZED (
    SELECT a.* FROM analysis.green_coverage_access(rules, dataset_id, extra_parks, srid) a
    WHERE green_coverage_reach.radius_m IS NULL OR a.radius_m = green_coverage_reach.radius_m
  )
  SELECT (SELECT coalesce(jsonb_agg(jsonb_build_object('id', 2000000000000 + ord, 'source', v.vvid, 'target', v.node,
                                                       'cost', v.c, 'reverse_cost', -1)), '[]')
          FROM (
            SELECT row_number() OVER () AS ord, x.* FROM (
              SELECT a.vvid, a.source AS node, a.offset_m + a.fraction * a.reverse_cost AS c FROM acc a WHERE a.reverse_cost >= 0
              UNION ALL
              SELECT a.vvid, a.target, a.offset_m + (1 - a.fraction) * a.cost FROM acc a WHERE a.cost >= 0
            ) x
          ) v),
         (SELECT array_agg(DISTINCT a.vvid) FROM acc a WHERE a.reverse_cost >= 0 OR a.cost >= 0),
         (SELECT ST_Collect(d.g) FROM (
            SELECT ST_Subdivide(ST_Union(ST_Transform(ST_Expand(ST_LineInterpolatePoint(a.edge_geom, a.fraction), dist * 1.01 + 10), 4326)), 64) AS g
            FROM acc a) d)
    INTO virt, roots, near_area;
  IF roots IS NULL THEN
    RETURN;
  END IF;
  SELECT NOT EXISTS (
           SELECT 1 FROM app.walk_edge we
           WHERE (green_coverage_reach.dataset_id IS NULL OR we.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_reach.dataset_id IN (ds.id, ds.city_id)))
             AND ((we.cost >= 0 AND we.cost < we.length_m) OR (we.reverse_cost >= 0 AND we.reverse_cost < we.length_m)))
    INTO prunable;
  edges_sql := format(
    'SELECT id, source, target, cost, reverse_cost FROM app.walk_edge WHERE %s AND %s
     UNION ALL
     SELECT id, source, target, cost, reverse_cost FROM jsonb_to_recordset(%L::jsonb)
       AS v(id bigint, source bigint, target bigint, cost float8, reverse_cost float8)',
    CASE WHEN dataset_id IS NULL THEN 'true' ELSE format('dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE %L IN (ds.id, ds.city_id))', dataset_id) END,
    CASE WHEN prunable AND near_area IS NOT NULL
         THEN format('id IN (SELECT e.id FROM ST_Dump(%L::geometry) b JOIN app.walk_edge e ON e.geom && b.geom)', near_area::text)
         ELSE 'true' END,
    virt);
  RETURN QUERY
    SELECT d.node, CASE WHEN d.from_v >= 1500000000000 THEN 1500000000000 - d.from_v ELSE d.from_v - 1000000000000 END,
           d.agg_cost
    FROM pgr_drivingDistance(edges_sql, roots, dist, directed => true, equicost => true) d
    WHERE d.node < 1000000000000;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_reach IS
  'Walking distance from the nearest eligible park to each reachable walk vertex (multi-source pgr_drivingDistance)';
