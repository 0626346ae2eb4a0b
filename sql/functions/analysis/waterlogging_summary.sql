-- analysis.waterlogging_summary: a city's waterlogging points (内涝积水点, indicators.md §8) counted by
-- status, depth class, recurrence and location type, with the density of untreated points per km² of
-- the built-up area (§8.3: count(untreated, in_progress) ÷ km² of 建成区).
-- Depth classes (max_depth_cm): under 15 cm (within the one-lane criterion of GB 50014), 15–30 cm
--   (above it; ≤ 30 cm at the lowest point of a road section), 30–50 cm, 50 cm and more, unknown.
-- Recurrence: 'recurring' when the last occurrence is in a later year than the first record,
--   'once' when in the same year, 'unknown' when either is missing.
-- Inputs: datasets (the city's dataset ids), metric_srid, closing_m (derived built-up rule, m).
-- Treated points (已治理): points whose status is now 'closed' and whose history
--   (app.waterlogging_status_change, same ledger id across check years) shows them untreated or in
--   progress before; with the time of their first closing after that — so a re-check year, or an
--   edit within the year, shows which points were treated and when.
-- Output: jsonb { total, untreated, built_up_km2, built_up_source, density_per_km2,
--   by_status: {code: n}, by_depth: {class: n}, by_recurrence: {class: n}, by_location_type: {code: n},
--   treated: [{source_id, name, closed_at, check_year}] (oldest closing first) }.
-- STABLE: reads layer tables and the status history.
CREATE OR REPLACE FUNCTION analysis.waterlogging_summary(
  datasets text[],
  metric_srid integer,
  closing_m double precision DEFAULT 100
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  bu record;
  out jsonb;
BEGIN
  SELECT * INTO bu FROM analysis.diagnosis_built_up(datasets, metric_srid, closing_m);
  WITH p AS (
    SELECT x.status, x.location_type,
           CASE WHEN x.max_depth_cm IS NULL THEN 'unknown' WHEN x.max_depth_cm < 15 THEN 'lt15'
                WHEN x.max_depth_cm < 30 THEN '15to30' WHEN x.max_depth_cm < 50 THEN '30to50' ELSE 'ge50' END AS depth,
           CASE WHEN x.first_recorded_year IS NULL OR x.last_occurrence IS NULL THEN 'unknown'
                WHEN extract(year FROM x.last_occurrence) > x.first_recorded_year THEN 'recurring' ELSE 'once' END AS recurrence,
           x.status IN ('untreated', 'in_progress') AS open,
           bu.geom IS NOT NULL AND ST_Intersects(ST_Transform(x.geom, metric_srid), bu.geom) AS in_built_up
    FROM app.waterlogging_point x WHERE x.dataset_id = ANY(datasets)
  )
  SELECT jsonb_build_object(
    'total', (SELECT count(*) FROM p),
    'untreated', (SELECT count(*) FROM p WHERE open),
    'untreated_in_built_up', (SELECT count(*) FROM p WHERE open AND in_built_up),
    'built_up_km2', bu.area_m2 / 1e6,
    'built_up_source', bu.source,
    'density_per_km2', (SELECT count(*) FROM p WHERE open AND in_built_up) / nullif(bu.area_m2 / 1e6, 0),
    'by_status', (SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (SELECT status AS k, count(*) AS n FROM p GROUP BY 1) s),
    'by_depth', (SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (SELECT depth AS k, count(*) AS n FROM p GROUP BY 1) s),
    'by_recurrence', (SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (SELECT recurrence AS k, count(*) AS n FROM p GROUP BY 1) s),
    'by_location_type', (SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (SELECT location_type AS k, count(*) AS n FROM p GROUP BY 1) s),
    'treated', (
      SELECT coalesce(jsonb_agg(jsonb_build_object('source_id', t.source_id, 'name', t.name, 'closed_at', t.closed_at, 'check_year', t.check_year)
                                ORDER BY t.closed_at, t.source_id), '[]')
      FROM (
        SELECT x.source_id, x.name, x.check_year,
               (SELECT min(c.changed_at) FROM app.waterlogging_status_change c
                WHERE c.dataset_id = x.dataset_id AND c.source_id = x.source_id AND c.to_status = 'closed'
                  AND c.changed_at > o.first_open) AS closed_at
        FROM app.waterlogging_point x
        CROSS JOIN LATERAL (SELECT min(c.changed_at) AS first_open FROM app.waterlogging_status_change c
                            WHERE c.dataset_id = x.dataset_id AND c.source_id = x.source_id AND c.to_status IN ('untreated', 'in_progress')) o
        WHERE x.dataset_id = ANY(datasets) AND x.status = 'closed' AND o.first_open IS NOT NULL) t
      WHERE t.closed_at IS NOT NULL))
  INTO out;
  RETURN out;
END $$;
COMMENT ON FUNCTION analysis.waterlogging_summary IS
  'Waterlogging points of a city by status, depth class, recurrence and location type; untreated density per km² of built-up area';
