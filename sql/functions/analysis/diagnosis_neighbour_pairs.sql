-- analysis.diagnosis_neighbour_pairs: the spatial weights of a diagnosis run as neighbour pairs
-- (i, j, w = 1: binary; row standardisation, where a statistic calls for it, is done by the kernel),
-- stored in app.diagnosis_neighbour and counted. Focal pairs (i = i) are never stored: Gi* adds the
-- focal unit itself.
-- Schemes:
--   'queen' / 'rook' on a grid run: by grid index, exact and fast. Square: queen = the 8 cells around,
--     rook = the 4 sharing an edge. Flat-top hexagons (ST_HexagonGrid, odd columns half a cell up):
--     queen = rook = the 6 sharing an edge: (0,±1), (±1,0) and (±1,−1) in even columns, (±1,+1) in
--     odd ones. Contiguity is that of the whole cells (the lattice), also where clipping to the
--     built-up area left two neighbouring pieces apart.
--   'queen' / 'rook' on 社区/街道 runs: the admin polygons within tolerance_m of each other (queen), or
--     sharing a boundary line of at least tolerance_m (rook), in the run's metric CRS.
--   'knn': the k nearest units by centroid distance (ties by unit number; asymmetric).
--   'distance': every unit whose centroid lies within band_m (m) of the unit's centroid (symmetric);
--     the default band is the largest service radius of the indicators (1000 m: the 15-minute tier).
-- Centroids are those of the units as stored (clipped to the built-up area), in the metric CRS.
-- VOLATILE: writes app.diagnosis_neighbour. Raises 22023 on bad arguments, P0002 on an unknown run.
CREATE OR REPLACE FUNCTION analysis.diagnosis_neighbour_pairs(
  run_id bigint,
  scheme text DEFAULT 'queen',
  k integer DEFAULT 6,
  band_m double precision DEFAULT 1000,
  tolerance_m double precision DEFAULT 1
) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  r app.diagnosis_run;
  n integer;
BEGIN
  SELECT * INTO r FROM app.diagnosis_run x WHERE x.id = diagnosis_neighbour_pairs.run_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'diagnosis: no run %', run_id USING ERRCODE = 'P0002';
  END IF;
  IF scheme IS NULL OR scheme NOT IN ('queen', 'rook', 'knn', 'distance') THEN
    RAISE EXCEPTION 'weights: scheme must be queen, rook, knn or distance, got %', coalesce(scheme, 'null') USING ERRCODE = '22023';
  END IF;
  IF scheme = 'knn' AND (k IS NULL OR k < 1 OR k > 50) THEN
    RAISE EXCEPTION 'weights: k must be between 1 and 50, got %', k USING ERRCODE = '22023';
  END IF;
  IF scheme = 'distance' AND (band_m IS NULL OR band_m <= 0 OR band_m > 20000) THEN
    RAISE EXCEPTION 'weights: distance band must be between 0 and 20000 m, got %', band_m USING ERRCODE = '22023';
  END IF;
  IF tolerance_m IS NULL OR tolerance_m < 0 OR tolerance_m > 100 THEN
    RAISE EXCEPTION 'weights: tolerance must be between 0 and 100 m, got %', tolerance_m USING ERRCODE = '22023';
  END IF;

  IF scheme IN ('queen', 'rook') AND r.unit_kind IN ('hexagon', 'square') THEN
    INSERT INTO app.diagnosis_neighbour (run_id, i, j)
    SELECT r.id, a.unit_no, b.unit_no
    FROM app.diagnosis_unit a
    CROSS JOIN (VALUES (-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)) o(di, dj)
    JOIN app.diagnosis_unit b ON b.run_id = a.run_id AND b.grid_i = a.grid_i + o.di AND b.grid_j = a.grid_j + o.dj
    WHERE a.run_id = r.id
      AND CASE
            WHEN r.unit_kind = 'square' AND scheme = 'queen' THEN true
            WHEN r.unit_kind = 'square' THEN abs(o.di) + abs(o.dj) = 1
            WHEN o.di = 0 OR o.dj = 0 THEN true                       -- hexagon: same column, or same row index
            ELSE o.dj = CASE WHEN (a.grid_i & 1) = 0 THEN -1 ELSE 1 END  -- hexagon: the diagonal side
          END;
  ELSIF scheme IN ('queen', 'rook') THEN
    INSERT INTO app.diagnosis_neighbour (run_id, i, j)
    SELECT r.id, a.unit_no, b.unit_no
    FROM (SELECT u.unit_no, ST_Transform(au.geom, r.metric_srid) AS g FROM app.diagnosis_unit u JOIN app.admin_unit au ON au.id = u.admin_unit_id WHERE u.run_id = r.id) a
    JOIN (SELECT u.unit_no, ST_Transform(au.geom, r.metric_srid) AS g FROM app.diagnosis_unit u JOIN app.admin_unit au ON au.id = u.admin_unit_id WHERE u.run_id = r.id) b
      ON a.unit_no <> b.unit_no AND ST_DWithin(a.g, b.g, tolerance_m)
    WHERE scheme = 'queen'
       OR ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(ST_Buffer(a.g, tolerance_m)), ST_Buffer(b.g, tolerance_m)), 2)) >= greatest(tolerance_m, 1e-6);
  ELSIF scheme = 'knn' THEN
    INSERT INTO app.diagnosis_neighbour (run_id, i, j)
    SELECT r.id, a.unit_no, nn.unit_no
    FROM (SELECT u.unit_no, ST_Centroid(ST_Transform(u.geom, r.metric_srid)) AS c FROM app.diagnosis_unit u WHERE u.run_id = r.id) a
    CROSS JOIN LATERAL (
      SELECT b.unit_no FROM (SELECT u.unit_no, ST_Centroid(ST_Transform(u.geom, r.metric_srid)) AS c FROM app.diagnosis_unit u WHERE u.run_id = r.id) b
      WHERE b.unit_no <> a.unit_no ORDER BY ST_Distance(a.c, b.c), b.unit_no LIMIT k) nn;
  ELSE
    INSERT INTO app.diagnosis_neighbour (run_id, i, j)
    SELECT r.id, a.unit_no, b.unit_no
    FROM (SELECT u.unit_no, ST_Centroid(ST_Transform(u.geom, r.metric_srid)) AS c FROM app.diagnosis_unit u WHERE u.run_id = r.id) a
    JOIN (SELECT u.unit_no, ST_Centroid(ST_Transform(u.geom, r.metric_srid)) AS c FROM app.diagnosis_unit u WHERE u.run_id = r.id) b
      ON a.unit_no <> b.unit_no AND ST_DWithin(a.c, b.c, band_m);
  END IF;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION analysis.diagnosis_neighbour_pairs IS
  'Spatial weights of a diagnosis run (queen/rook by grid index or polygon contiguity, kNN, distance band) stored as neighbour pairs';
