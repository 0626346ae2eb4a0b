-- Waterlogging (内涝) per diagnosis unit: for every unit of a run (grid cell or 社区/街道, clipped to the
-- built-up area) the points within the run's exposure distance, how many are untreated, their
-- severity-weighted count and the untreated density per km² of the unit's built-up area, stored with
-- the run (its effective parameters hold the distance). Written by the run; read by
-- GET /api/analysis/diagnosis/{runId}/waterlogging.
CREATE TABLE app.diagnosis_unit_waterlogging (
  run_id            bigint NOT NULL,
  unit_no           integer NOT NULL,
  points_within     integer NOT NULL CHECK (points_within >= 0),
  untreated_within  integer NOT NULL CHECK (untreated_within >= 0 AND untreated_within <= points_within),
  severity_weighted double precision NOT NULL CHECK (severity_weighted >= 0),
  density_per_km2   double precision CHECK (density_per_km2 >= 0),   -- NULL: no built-up area
  by_status         jsonb NOT NULL DEFAULT '{}',                      -- points within by status
  PRIMARY KEY (run_id, unit_no),
  FOREIGN KEY (run_id, unit_no) REFERENCES app.diagnosis_unit (run_id, unit_no) ON DELETE CASCADE
);
COMMENT ON TABLE app.diagnosis_unit_waterlogging IS
  'Per diagnosis unit: waterlogging points within the run''s exposure distance (all, untreated, severity-weighted) and untreated density per km² of built-up area';
