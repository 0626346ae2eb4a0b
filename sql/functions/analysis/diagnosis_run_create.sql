-- analysis.diagnosis_run_create: stores a diagnosis run and its analysis units (step 1 of a run;
-- indicators: analysis.diagnosis_unit_indicators, weights: analysis.diagnosis_neighbour_pairs; the
-- composite score and hotspot statistics are computed in TypeScript and written to the same rows).
-- Inputs: dataset_id (the city), datasets (its dataset ids), metric_srid (UTM zone), unit_kind
--   'hexagon' | 'square' (grid over the built-up area, cell_size_m: hexagon edge or square side, m)
--   or 'community' | 'subdistrict' (社区 / 街道 admin units, clipped to the built-up area), min_share
--   (grids: smallest share of a cell inside the built-up area), closing_m (derived built-up rule),
--   effective (jsonb: the parameters with their origin, stored as they are).
-- Output: the run id. Units are numbered 0..n−1 (unit_no, the row of the weights matrix) by grid
--   index, or by admin unit id.
-- VOLATILE: writes app.diagnosis_run and app.diagnosis_unit. Raises 22023 on bad arguments and when
--   the city has no built-up area or no unit of the kind asked for.
CREATE OR REPLACE FUNCTION analysis.diagnosis_run_create(
  dataset_id text,
  datasets text[],
  metric_srid integer,
  unit_kind text DEFAULT 'hexagon',
  cell_size_m double precision DEFAULT 100,
  min_share double precision DEFAULT 0.1,
  closing_m double precision DEFAULT 100,
  effective jsonb DEFAULT '{}'
) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  bu record;
  rid bigint;
  n integer;
BEGIN
  IF unit_kind IS NULL OR unit_kind NOT IN ('hexagon', 'square', 'community', 'subdistrict') THEN
    RAISE EXCEPTION 'diagnosis: unit kind must be hexagon, square, community or subdistrict, got %', coalesce(unit_kind, 'null') USING ERRCODE = '22023';
  END IF;
  SELECT * INTO bu FROM analysis.diagnosis_built_up(datasets, metric_srid, closing_m);
  IF bu.geom IS NULL THEN
    RAISE EXCEPTION 'diagnosis: city % has no built-up area (no buildings, estates, residential land or 建成区 ledger)', dataset_id USING ERRCODE = '22023';
  END IF;
  INSERT INTO app.diagnosis_run (dataset_id, unit_kind, cell_size_m, metric_srid, built_up_source, built_up_m2, effective)
  VALUES (dataset_id, unit_kind, CASE WHEN unit_kind IN ('hexagon', 'square') THEN cell_size_m END, metric_srid, bu.source, bu.area_m2, coalesce(effective, '{}'))
  RETURNING id INTO rid;
  IF unit_kind IN ('hexagon', 'square') THEN
    INSERT INTO app.diagnosis_unit (run_id, unit_no, grid_i, grid_j, area_m2, built_up_m2, geom)
    SELECT rid, (row_number() OVER (ORDER BY g.grid_i, g.grid_j) - 1)::int, g.grid_i, g.grid_j,
           ST_Area(g.cell), ST_Area(g.clipped), ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(g.clipped, 4326)), 3))
    FROM analysis.diagnosis_grid(bu.geom, unit_kind, cell_size_m, min_share) g;
  ELSE
    INSERT INTO app.diagnosis_unit (run_id, unit_no, admin_unit_id, name, area_m2, built_up_m2, geom)
    SELECT rid, (row_number() OVER (ORDER BY a.id) - 1)::int, a.id, a.name, ST_Area(a.g), ST_Area(a.c), ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(a.c, 4326)), 3))
    FROM (SELECT u.id, u.name, ST_MakeValid(ST_Transform(u.geom, metric_srid)) AS g,
                 ST_Multi(ST_CollectionExtract(ST_Intersection(ST_MakeValid(ST_Transform(u.geom, metric_srid)), bu.geom), 3)) AS c
          FROM app.admin_unit u WHERE u.dataset_id = ANY(datasets) AND u.level = unit_kind) a
    WHERE NOT ST_IsEmpty(a.c) AND ST_Area(a.c) > 0;
  END IF;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n = 0 THEN
    RAISE EXCEPTION 'diagnosis: city % has no % units inside its built-up area', dataset_id, unit_kind USING ERRCODE = '22023';
  END IF;
  RETURN rid;
END $$;
COMMENT ON FUNCTION analysis.diagnosis_run_create IS
  'Stores a diagnosis run and its units (grid cells or 社区/街道) clipped to the built-up area; returns the run id';
