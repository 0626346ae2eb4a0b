-- analysis.waterlogging_exposure_unit: waterlogging (内涝, indicators.md §8) per unit of a diagnosis run
-- (grid cells or 社区/街道 as stored by analysis.diagnosis_run_create, i.e. clipped to the built-up area).
-- Untreated = status 'untreated' or 'in_progress' (§8.3); 'closed' points (已销号) count only in
-- points_within and by_status.
-- Inputs: run_id; datasets (the city's dataset ids); distance_m (m, 0–10000: a point counts for a unit
--   when its geodesic distance from the unit polygon is ≤ distance_m; 0 = inside or on the edge);
--   severity_weights (jsonb; default low 1, medium 2, high 3, severe 4, unknown 1).
-- Output per unit: unit_no, points_within (any status), untreated_within, severity_weighted (sum of the
--   untreated points' weights), density_per_km2 (untreated_within ÷ km² of the unit's built-up area;
--   NULL when that area is 0), by_status ({status: count} of the points within).
-- Distances on the WGS-84 spheroid (geography); a degree box around each unit only skips far points.
-- STABLE: reads app.diagnosis_unit and app.waterlogging_point. Raises P0002 on an unknown run, 22023 on
--   bad arguments.
CREATE OR REPLACE FUNCTION analysis.waterlogging_exposure_unit(
  run_id bigint,
  datasets text[],
  distance_m double precision DEFAULT 500,
  severity_weights jsonb DEFAULT NULL
) RETURNS TABLE (
  unit_no integer, points_within integer, untreated_within integer, severity_weighted double precision,
  density_per_km2 double precision, by_status jsonb
)
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  sw jsonb := analysis.waterlogging_severity_weights(severity_weights);  -- the one scale; raises 22023 on bad weights
BEGIN
  IF NOT EXISTS (SELECT 1 FROM app.diagnosis_run r WHERE r.id = waterlogging_exposure_unit.run_id) THEN
    RAISE EXCEPTION 'diagnosis: no run %', run_id USING ERRCODE = 'P0002';
  END IF;
  IF distance_m IS NULL OR distance_m < 0 OR distance_m > 10000 THEN
    RAISE EXCEPTION 'waterlogging: exposure distance must be between 0 and 10000 m, got %', distance_m USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
    WITH pts AS (
      SELECT p.status, p.status IN ('untreated', 'in_progress') AS open,
             analysis.waterlogging_severity_weight(p.severity, sw) AS w, p.geom, p.geom::geography AS g
      FROM app.waterlogging_point p WHERE p.dataset_id = ANY(datasets)
    ), u AS (
      SELECT x.unit_no, x.built_up_m2, x.geom, x.geom::geography AS g,
             -- a box at least distance_m wide around the unit, in degrees (a metre of longitude shrinks with cos(latitude))
             ST_Expand(x.geom, distance_m / (111319.49 * cos(radians(least(89.0, greatest(abs(ST_YMin(x.geom)), abs(ST_YMax(x.geom))) + 0.01)))) * 1.01 + 1e-9,
                       distance_m / 110574.0 * 1.01 + 1e-9) AS box
      FROM app.diagnosis_unit x WHERE x.run_id = waterlogging_exposure_unit.run_id
    )
    SELECT u.unit_no, coalesce(w.n_all, 0)::int, coalesce(w.n_open, 0)::int, coalesce(w.sev, 0),
           CASE WHEN u.built_up_m2 > 0 THEN coalesce(w.n_open, 0) / (u.built_up_m2 / 1e6) END,
           coalesce(s.by_status, '{}')
    FROM u
    LEFT JOIN LATERAL (
      SELECT count(*) AS n_all, count(*) FILTER (WHERE pts.open) AS n_open, sum(pts.w) FILTER (WHERE pts.open) AS sev
      FROM pts WHERE pts.geom && u.box AND ST_DWithin(u.g, pts.g, distance_m)) w ON true
    LEFT JOIN LATERAL (
      SELECT jsonb_object_agg(t.status, t.n) AS by_status FROM (
        SELECT pts.status, count(*) AS n FROM pts WHERE pts.geom && u.box AND ST_DWithin(u.g, pts.g, distance_m) GROUP BY pts.status) t) s ON true
    ORDER BY u.unit_no;
END $$;
COMMENT ON FUNCTION analysis.waterlogging_exposure_unit IS
  'Per diagnosis unit: waterlogging points within distance_m (all / untreated / by status), severity-weighted, untreated per km² of built-up area';
