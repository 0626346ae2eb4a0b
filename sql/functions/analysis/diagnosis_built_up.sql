-- analysis.diagnosis_built_up: the city's built-up area (建成区) in its metric CRS, the denominator of
-- every density of the diagnosis (indicators.md §8.3, §12.4).
-- Rule: the city's ledger polygons (app.built_up_area) when it has any ('ledger'); else derived
-- ('derived') as the morphological closing of building footprints, estates (小区) and residential
-- land: each grown by closing_m, dissolved, shrunk by closing_m, so gaps narrower than 2 × closing_m
-- (streets, courtyards) close while large open land (parks wider than that, water) stays out; pieces
-- below min_piece_m2 are dropped.
-- Inputs: datasets (the city's dataset ids), metric_srid (UTM zone, analysis.coverage_metric_srid),
--   closing_m (m, default 100), min_piece_m2 (m², default 10000 = 1 ha).
-- Output: one row (geom MultiPolygon in metric_srid, source 'ledger' | 'derived', area_m2); no row
--   when the city has none of these layers.
-- STABLE: reads layer tables. Raises 22023 on bad arguments.
CREATE OR REPLACE FUNCTION analysis.diagnosis_built_up(
  datasets text[],
  metric_srid integer,
  closing_m double precision DEFAULT 100,
  min_piece_m2 double precision DEFAULT 10000
) RETURNS TABLE (geom geometry, source text, area_m2 double precision)
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  g geometry;
BEGIN
  IF datasets IS NULL OR cardinality(datasets) = 0 THEN
    RAISE EXCEPTION 'built-up area: no dataset given' USING ERRCODE = '22023';
  END IF;
  IF closing_m IS NULL OR closing_m < 0 OR closing_m > 1000 THEN
    RAISE EXCEPTION 'built-up area: closing distance must be between 0 and 1000 m, got %', closing_m USING ERRCODE = '22023';
  END IF;
  IF min_piece_m2 IS NULL OR min_piece_m2 < 0 THEN
    RAISE EXCEPTION 'built-up area: minimum piece area must be 0 m² or more, got %', min_piece_m2 USING ERRCODE = '22023';
  END IF;
  SELECT ST_Multi(ST_Union(ST_Transform(b.geom, metric_srid))) INTO g FROM app.built_up_area b WHERE b.dataset_id = ANY(datasets);
  IF g IS NOT NULL THEN
    RETURN QUERY SELECT g, 'ledger'::text, ST_Area(g);
    RETURN;
  END IF;
  WITH parts AS (
    SELECT ST_Transform(x.geom, metric_srid) AS p FROM app.building x WHERE x.dataset_id = ANY(datasets)
    UNION ALL SELECT ST_Transform(x.geom, metric_srid) FROM app.estate x WHERE x.dataset_id = ANY(datasets)
    UNION ALL SELECT ST_Transform(x.geom, metric_srid) FROM app.base_landuse x WHERE x.dataset_id = ANY(datasets) AND x.kind = 'residential'
  ), grown AS (
    SELECT ST_Union(ST_Buffer(p, closing_m, 'quad_segs=4')) AS u FROM parts
  ), pieces AS (
    SELECT (ST_Dump(ST_Buffer(u, -closing_m, 'quad_segs=4'))).geom AS d FROM grown
  )
  SELECT ST_Multi(ST_Union(d)) INTO g FROM pieces WHERE ST_Area(d) >= min_piece_m2;
  IF g IS NULL OR ST_IsEmpty(g) THEN
    RETURN;
  END IF;
  RETURN QUERY SELECT g, 'derived'::text, ST_Area(g);
END $$;
COMMENT ON FUNCTION analysis.diagnosis_built_up IS
  '建成区 of a city in its metric CRS: ledger polygons, else closing (±closing_m) of buildings, estates and residential land';
