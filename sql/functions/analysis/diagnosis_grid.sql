-- analysis.diagnosis_grid: a regular grid of analysis cells over an area, clipped to it.
-- Inputs: area (polygonal, metric CRS, e.g. analysis.diagnosis_built_up), shape 'hexagon' (flat-top,
--   ST_HexagonGrid; size = edge length = circumradius) or 'square' (ST_SquareGrid; size = side),
--   size_m (m, 50–5000), min_share (0–1, default 0.1: a cell is kept when at least this share of it
--   lies in the area, so slivers along the edge do not become units of their own).
-- Output: grid_i, grid_j (the grid's own column/row index: neighbours follow from it), cell (the whole
--   cell) and clipped (cell ∩ area, MultiPolygon), both in the area's SRID, ordered by (grid_i, grid_j).
-- IMMUTABLE: depends only on its arguments. Raises 22023 on bad arguments.
CREATE OR REPLACE FUNCTION analysis.diagnosis_grid(
  area geometry,
  shape text DEFAULT 'hexagon',
  size_m double precision DEFAULT 250,
  min_share double precision DEFAULT 0.1
) RETURNS TABLE (grid_i integer, grid_j integer, cell geometry, clipped geometry)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
#variable_conflict use_column
BEGIN
  IF shape IS NULL OR shape NOT IN ('hexagon', 'square') THEN
    RAISE EXCEPTION 'grid: shape must be hexagon or square, got %', coalesce(shape, 'null') USING ERRCODE = '22023';
  END IF;
  IF size_m IS NULL OR size_m < 50 OR size_m > 5000 THEN
    RAISE EXCEPTION 'grid: cell size must be between 50 and 5000 m, got %', size_m USING ERRCODE = '22023';
  END IF;
  IF min_share IS NULL OR min_share < 0 OR min_share > 1 THEN
    RAISE EXCEPTION 'grid: minimum cell share must be between 0 and 1, got %', min_share USING ERRCODE = '22023';
  END IF;
  IF area IS NULL OR ST_IsEmpty(area) THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT g.i, g.j, g.geom, ST_Multi(ST_CollectionExtract(ST_Intersection(g.geom, area), 3))
    FROM (SELECT * FROM ST_HexagonGrid(size_m, area) WHERE shape = 'hexagon'
          UNION ALL SELECT * FROM ST_SquareGrid(size_m, area) WHERE shape = 'square') g
    WHERE ST_Intersects(g.geom, area)
      AND ST_Area(ST_Intersection(g.geom, area)) >= min_share * ST_Area(g.geom)
      AND ST_Area(ST_Intersection(g.geom, area)) > 0
    ORDER BY g.i, g.j;
END $$;
COMMENT ON FUNCTION analysis.diagnosis_grid IS
  'Hexagon (edge = size) or square cells over a metric-CRS area, clipped to it, with their grid index';
