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
  dist double precision := coalesce(radius_m, (rules->>'distance_cap_m')::float8);
  edges_sql text;
BEGIN
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', 2000000000000 + ord, 'source', v.vvid, 'target', v.node,
                                               'cost', v.c, 'reverse_cost', -1)), '[]'),
         array_agg(DISTINCT v.vvid)
    INTO virt, roots
  FROM (
    SELECT row_number() OVER () AS ord, x.* FROM (
      SELECT a.vvid, a.source AS node, a.offset_m + a.fraction * a.reverse_cost AS c
      FROM analysis.green_coverage_access(rules, dataset_id, extra_parks, srid) a
      WHERE a.reverse_cost >= 0 AND (green_coverage_reach.radius_m IS NULL OR a.radius_m = green_coverage_reach.radius_m)
      UNION ALL
      SELECT a.vvid, a.target, a.offset_m + (1 - a.fraction) * a.cost
      FROM analysis.green_coverage_access(rules, dataset_id, extra_parks, srid) a
      WHERE a.cost >= 0 AND (green_coverage_reach.radius_m IS NULL OR a.radius_m = green_coverage_reach.radius_m)
    ) x
  ) v;
  IF roots IS NULL THEN
    RETURN;
  END IF;
  edges_sql := format(
    'SELECT id, source, target, cost, reverse_cost FROM app.walk_edge WHERE %s
     UNION ALL
     SELECT id, source, target, cost, reverse_cost FROM jsonb_to_recordset(%L::jsonb)
       AS v(id bigint, source bigint, target bigint, cost float8, reverse_cost float8)',
    CASE WHEN dataset_id IS NULL THEN 'true' ELSE format('dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE %L IN (ds.id, ds.city_id))', dataset_id) END, virt);
  RETURN QUERY
    SELECT d.node, CASE WHEN d.from_v >= 1500000000000 THEN 1500000000000 - d.from_v ELSE d.from_v - 1000000000000 END,
           d.agg_cost
    FROM pgr_drivingDistance(edges_sql, roots, dist, directed => true, equicost => true) d
    WHERE d.node < 1000000000000;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_reach IS
  'Walking distance from the nearest eligible park to each reachable walk vertex (multi-source pgr_drivingDistance)';
