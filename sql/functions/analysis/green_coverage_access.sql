-- analysis.green_coverage_access: where walkers enter each eligible park, attached to the walk graph.
-- Per park: mapped entrances (app.green_space_access kind 'entrance') if any; else stored derived
-- points (kind 'derived'); else points derived on the fly — where walk edges cross or touch the park
-- boundary, and walk vertices inside or within 1 m of the park. Each point is attached to the nearest
-- walk edge within rules.snap_m (metres) at fraction `fraction` (0 = edge source, 1 = target);
-- offset_m is the straight distance from the point to that edge.
-- Inputs: rules, dataset_id (NULL = all), extra_parks (EPSG:4326 what-if), srid (metric CRS).
-- Output: park_id, radius_m, vvid (virtual graph vertex of the park: 10^12 + id, what-if parks
--   1.5·10^12 + k), access_kind, edge_id, edge source/target/cost/reverse_cost, fraction, offset_m,
--   edge_geom (srid).
-- plpgsql so the planner never inlines it (inlining re-evaluated the what-if geometry per row).
-- STABLE: reads app.green_space_access, app.walk_edge, app.walk_vertex.
-- Bodies reference sibling functions applied later in file order: validate at call time.
SET LOCAL check_function_bodies = off;
CREATE OR REPLACE FUNCTION analysis.green_coverage_access(
  rules jsonb, dataset_id text, extra_parks geometry, srid integer
) RETURNS TABLE (park_id bigint, radius_m double precision, vvid bigint, access_kind text, edge_id bigint,
                 source bigint, target bigint, cost double precision, reverse_cost double precision,
                 fraction double precision, offset_m double precision, edge_geom geometry)
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
BEGIN
RETURN QUERY
  WITH svc AS MATERIALIZED (
    SELECT s.park_id, s.radius_m, s.geom, ST_Transform(s.geom, srid) AS gm,
           CASE WHEN s.park_id > 0 THEN 1000000000000 + s.park_id ELSE 1500000000000 - s.park_id END AS vvid,
           (SELECT array_agg(DISTINCT a.kind) FROM app.green_space_access a WHERE a.green_space_id = s.park_id) AS kinds
    FROM analysis.green_coverage_services(rules, dataset_id, extra_parks) s
  ),
  pts AS (
    -- mapped entrances, else stored derived points
    SELECT s.park_id, a.kind AS access_kind, a.geom
    FROM svc s JOIN app.green_space_access a ON a.green_space_id = s.park_id
    WHERE a.kind = CASE WHEN 'entrance' = ANY (s.kinds) THEN 'entrance' ELSE 'derived' END
    UNION ALL
    -- derived on the fly: edges crossing/touching the boundary …
    SELECT s.park_id, 'derived_live', d.geom
    FROM svc s
    JOIN app.walk_edge e ON ST_Intersects(e.geom, s.geom)
      AND (green_coverage_access.dataset_id IS NULL OR e.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_access.dataset_id IN (ds.id, ds.city_id)))
    CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(e.geom, ST_Boundary(s.geom)), 1)) d
    WHERE s.kinds IS NULL
    UNION ALL
    -- … and walk vertices inside or at the boundary
    SELECT s.park_id, 'derived_live', v.geom
    FROM svc s
    JOIN app.walk_vertex v ON v.geom && ST_Expand(s.geom, 0.001)
                           AND ST_DWithin(ST_Transform(v.geom, srid), s.gm, 1.0)
    WHERE s.kinds IS NULL
      AND (green_coverage_access.dataset_id IS NULL OR v.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_access.dataset_id IN (ds.id, ds.city_id)))
  ),
  snapped AS MATERIALIZED (
    SELECT p.park_id, p.access_kind, ST_Transform(p.geom, srid) AS pt, n.*
    FROM pts p
    CROSS JOIN LATERAL (
      SELECT e.id AS edge_id, e.source, e.target, e.cost, e.reverse_cost, ST_Transform(e.geom, srid) AS eg
      FROM app.walk_edge e
      WHERE e.geom && ST_Expand(p.geom, 0.01)
        AND (green_coverage_access.dataset_id IS NULL OR e.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_access.dataset_id IN (ds.id, ds.city_id)))
      ORDER BY e.geom <-> p.geom
      LIMIT 1
    ) n
  )
  SELECT DISTINCT ON (s.park_id, sn.edge_id, round(ST_LineLocatePoint(sn.eg, sn.pt)::numeric, 6))
         s.park_id, s.radius_m, s.vvid, sn.access_kind, sn.edge_id, sn.source, sn.target, sn.cost, sn.reverse_cost,
         ST_LineLocatePoint(sn.eg, sn.pt), ST_Distance(sn.eg, sn.pt), sn.eg
  FROM snapped sn JOIN svc s USING (park_id)
  WHERE ST_Distance(sn.eg, sn.pt) <= (rules->>'snap_m')::float8;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_access IS
  'Park access points (entrances, else derived) attached to the walk graph, with a virtual vertex per park';
