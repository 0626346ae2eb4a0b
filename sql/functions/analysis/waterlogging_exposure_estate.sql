-- analysis.waterlogging_exposure_estate: exposure of every estate (小区) of a city to waterlogging
-- points (内涝积水点, indicators.md §8).
-- Untreated = status 'untreated' or 'in_progress' (§8.3: active or under remediation); 'closed' points
-- (已销号) count only in points_within.
-- Inputs: datasets (the city's dataset ids), distance_m (m, default 500: a design default), severity
--   weights (jsonb; default low 1, medium 2, high 3, severe 4, unknown 1).
-- Output per estate: points_within (any status) and untreated_within (geodesic distance from the estate
--   polygon ≤ distance_m; 0 inside), severity_weighted (sum of the untreated points' weights within
--   distance_m), nearest untreated point (id, name, geodesic distance in m from the estate polygon;
--   NULL when the city has none). Distances on the WGS-84 spheroid (geography).
-- STABLE: reads app.estate and app.waterlogging_point. Raises 22023 on bad arguments.
CREATE OR REPLACE FUNCTION analysis.waterlogging_exposure_estate(
  datasets text[],
  distance_m double precision DEFAULT 500,
  severity_weights jsonb DEFAULT NULL
) RETURNS TABLE (
  estate_id bigint, name text, points_within integer, untreated_within integer, severity_weighted double precision,
  nearest_untreated_id bigint, nearest_untreated_name text, nearest_untreated_m double precision
)
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  sw jsonb := analysis.waterlogging_severity_weights(severity_weights);  -- the one scale; raises 22023 on bad weights
BEGIN
  IF distance_m IS NULL OR distance_m < 0 OR distance_m > 10000 THEN
    RAISE EXCEPTION 'waterlogging: exposure distance must be between 0 and 10000 m, got %', distance_m USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
    WITH pts AS (
      SELECT p.id, p.name, p.status IN ('untreated', 'in_progress') AS open,
             analysis.waterlogging_severity_weight(p.severity, sw) AS w, p.geom::geography AS g
      FROM app.waterlogging_point p WHERE p.dataset_id = ANY(datasets)
    )
    SELECT e.id, e.name,
           w.n_all::int, w.n_open::int, coalesce(w.sev, 0),
           nn.id, nn.name, nn.d
    FROM app.estate e
    CROSS JOIN LATERAL (
      SELECT count(*) AS n_all, count(*) FILTER (WHERE pts.open) AS n_open, sum(pts.w) FILTER (WHERE pts.open) AS sev
      FROM pts WHERE ST_DWithin(e.geom::geography, pts.g, distance_m)) w
    LEFT JOIN LATERAL (
      SELECT pts.id, pts.name, ST_Distance(e.geom::geography, pts.g) AS d
      FROM pts WHERE pts.open ORDER BY 3, pts.id LIMIT 1) nn ON true
    WHERE e.dataset_id = ANY(datasets)
    ORDER BY e.id;
END $$;
COMMENT ON FUNCTION analysis.waterlogging_exposure_estate IS
  'Per estate: waterlogging points within distance_m (all / untreated), severity-weighted, and the nearest untreated point (geodesic m)';
