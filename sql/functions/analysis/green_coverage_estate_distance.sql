-- analysis.green_coverage_estate_distance: walking distance (m) from each estate to its nearest
-- eligible park, and which park, searched up to rules.distance_cap_m.
-- Method: walk vertices get their distance from analysis.green_coverage_reach (all parks); for each
-- walk edge passing within rules.access_width_m of the estate, the walker leaves the edge where it first
-- comes within that width (from whichever reached end, or from an access point on the edge itself) and
-- walks straight to the estate boundary. Estates with no edge within the width get NULL.
-- Inputs: rules, dataset_id (NULL = all), extra_parks (EPSG:4326 what-if), srid (metric CRS),
--   estate_ids (NULL = all estates of the dataset).
-- Output: estate_id, walk_distance_m, park_id (negative = what-if park).
-- plpgsql so the planner never inlines it (inlining re-evaluated the what-if geometry per row).
-- STABLE: reads estates, the graph and the parks.
-- Bodies reference sibling functions applied later in file order: validate at call time.
SET LOCAL check_function_bodies = off;
CREATE OR REPLACE FUNCTION analysis.green_coverage_estate_distance(
  rules jsonb, dataset_id text, extra_parks geometry, srid integer, estate_ids bigint[] DEFAULT NULL
) RETURNS TABLE (estate_id bigint, walk_distance_m double precision, park_id bigint)
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
BEGIN
RETURN QUERY
  WITH reach AS MATERIALIZED (
    SELECT * FROM analysis.green_coverage_reach(rules, dataset_id, extra_parks, srid, NULL)
  ),
  access AS MATERIALIZED (
    SELECT * FROM analysis.green_coverage_access(rules, dataset_id, extra_parks, srid)
  ),
  est AS MATERIALIZED (
    -- metric geometry, its access-width buffer and a lon/lat search box, once per estate
    SELECT e.id, m.g, ST_Buffer(m.g, (rules->>'access_width_m')::float8) AS gb,
           ST_Transform(ST_Expand(m.g, (rules->>'access_width_m')::float8 + 10), 4326) AS box
    FROM app.estate e
    CROSS JOIN LATERAL (SELECT ST_Transform(e.geom, srid) AS g) m
    WHERE (green_coverage_estate_distance.dataset_id IS NULL OR e.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_estate_distance.dataset_id IN (ds.id, ds.city_id)))
      AND (estate_ids IS NULL OR e.id = ANY (estate_ids))
  ),
  near AS MATERIALIZED (
    -- edge portion within the access width of the estate → fractions g1..g2 along the edge.
    -- The box (index on walk_edge.geom) and ST_DWithin only pre-filter: the buffer is inscribed in
    -- the exact width, so no edge they drop could intersect it.
    -- An edge wholly inside the buffer (ST_Covers, prepared per estate) spans 0..1 without an intersection.
    SELECT es.id AS estate_id, es.g AS eg, we.id AS edge_id, we.source, we.target, we.cost, we.reverse_cost, l.lg,
           CASE WHEN l.inside THEN 0 ELSE f.g1 END AS g1,
           CASE WHEN l.inside THEN 1 ELSE f.g2 END AS g2
    FROM est es
    JOIN app.walk_edge we ON we.geom && es.box
      AND (green_coverage_estate_distance.dataset_id IS NULL OR we.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_estate_distance.dataset_id IN (ds.id, ds.city_id)))
      -- only edges a walker can come from: a reached end, or an access point on the edge
      AND (we.source IN (SELECT r.node FROM reach r) OR we.target IN (SELECT r.node FROM reach r)
           OR we.id IN (SELECT a.edge_id FROM access a))
    CROSS JOIN LATERAL (SELECT t.lg, ST_Covers(es.gb, t.lg) AS inside FROM (SELECT ST_Transform(we.geom, srid) AS lg) t) l
    CROSS JOIN LATERAL (SELECT CASE WHEN l.inside THEN l.lg ELSE ST_Intersection(l.lg, es.gb) END AS part) x
    -- both ends of the part in one pass over its points (only for an edge not wholly inside)
    CROSS JOIN LATERAL (SELECT min(ST_LineLocatePoint(l.lg, dp.geom)) AS g1, max(ST_LineLocatePoint(l.lg, dp.geom)) AS g2
                        FROM ST_DumpPoints(CASE WHEN l.inside THEN NULL ELSE x.part END) dp) f
    -- an edge wholly inside needs no intersection test (CASE: evaluated in this order)
    WHERE CASE WHEN l.inside THEN true ELSE ST_Intersects(es.gb, l.lg) END AND NOT ST_IsEmpty(x.part)
  ),
  cand AS (
    SELECT n.estate_id, rs.agg_cost + n.g1 * n.cost + ST_Distance(ST_LineInterpolatePoint(n.lg, n.g1), n.eg) AS d, rs.park_id
    FROM near n JOIN reach rs ON rs.node = n.source WHERE n.cost >= 0
    UNION ALL
    SELECT n.estate_id, rt.agg_cost + (1 - n.g2) * n.reverse_cost + ST_Distance(ST_LineInterpolatePoint(n.lg, n.g2), n.eg), rt.park_id
    FROM near n JOIN reach rt ON rt.node = n.target WHERE n.reverse_cost >= 0
    UNION ALL
    SELECT n.estate_id,
           a.offset_m + abs(c.f - a.fraction) * CASE WHEN c.f >= a.fraction THEN n.cost ELSE n.reverse_cost END
             + ST_Distance(ST_LineInterpolatePoint(n.lg, c.f), n.eg),
           a.park_id
    FROM near n JOIN access a ON a.edge_id = n.edge_id
    CROSS JOIN LATERAL (SELECT least(greatest(a.fraction, n.g1), n.g2) AS f) c
    WHERE CASE WHEN c.f >= a.fraction THEN n.cost ELSE n.reverse_cost END >= 0
  )
  SELECT DISTINCT ON (c.estate_id) c.estate_id, c.d, c.park_id
  FROM cand c
  WHERE c.d <= (rules->>'distance_cap_m')::float8
  ORDER BY c.estate_id, c.d;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_estate_distance IS
  'Walking distance from each estate to the nearest eligible park (and which park), capped at distance_cap_m';
