-- analysis.renewal_blocks: the city's street blocks (街区) as renewal candidates (indicators.md §7, §9).
-- Rule (design choice, CityCheck): the street centrelines of the city's basemap (app.base_road of the
-- given classes; service lanes, paths and rail are not block edges) and the boundary of the city's
-- built-up area (analysis.diagnosis_built_up: its 建成区 ledger, else the closing of buildings,
-- estates and residential land) are noded and polygonised (ST_Polygonize); the faces inside the
-- built-up area are the blocks. Faces below min_area_m2 (slivers between carriageways, traffic
-- islands) and above max_area_m2 (open land the streets do not subdivide) are dropped.
-- Inputs: datasets (the city's dataset ids), road_classes (app.base_road.class values),
--   min_area_m2 / max_area_m2 (m², in the city's metric CRS).
-- Output: block_no (1…n, ordered west → east then south → north by the block's lower-left corner,
--   stable for the same roads), geom (Polygon, EPSG:4326), area_m2, built_up_source ('ledger' |
--   'derived'). No rows when the city has no estates, no built-up area or no roads there.
-- STABLE: reads app tables. Raises 22023 on bad areas.
CREATE OR REPLACE FUNCTION analysis.renewal_blocks(
  datasets text[],
  road_classes text[] DEFAULT ARRAY['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'minor'],
  min_area_m2 double precision DEFAULT 2000,
  max_area_m2 double precision DEFAULT 1000000
) RETURNS TABLE (block_no integer, geom geometry, area_m2 double precision, built_up_source text)
LANGUAGE plpgsql STABLE SET jit = off AS $$
#variable_conflict use_column
DECLARE
  srid integer;
  bu geometry;
  bu_source text;
BEGIN
  IF min_area_m2 IS NULL OR max_area_m2 IS NULL OR min_area_m2 < 0 OR max_area_m2 <= min_area_m2 THEN
    RAISE EXCEPTION 'renewal: block areas must satisfy 0 ≤ blockMinAreaM2 < blockMaxAreaM2, got % and %', min_area_m2, max_area_m2
      USING ERRCODE = '22023';
  END IF;
  SELECT analysis.coverage_metric_srid(ST_SetSRID(ST_Extent(x.geom), 4326)) INTO srid
  FROM app.estate x WHERE x.dataset_id = ANY (renewal_blocks.datasets);
  IF srid IS NULL THEN RETURN; END IF;
  SELECT b.geom, b.source INTO bu, bu_source FROM analysis.diagnosis_built_up(renewal_blocks.datasets, srid) b;
  IF bu IS NULL THEN RETURN; END IF;

  RETURN QUERY
  WITH box AS (SELECT ST_Transform(ST_Envelope(bu), 4326) AS b),
  edges AS (
    SELECT ST_Transform(r.geom, srid) AS g FROM app.base_road r, box
    WHERE r.dataset_id = ANY (renewal_blocks.datasets) AND r.geom && box.b AND r.class = ANY (renewal_blocks.road_classes)
    UNION ALL SELECT ST_Boundary(bu)
  ),
  faces AS (
    SELECT (ST_Dump(ST_Polygonize(n.g))).geom AS f
    FROM (SELECT ST_Union(ST_Force2D(g)) AS g FROM edges) n
  ),
  kept AS (
    SELECT f, ST_Area(f) AS a FROM faces
    WHERE ST_Intersects(ST_PointOnSurface(f), bu) AND ST_Area(f) BETWEEN renewal_blocks.min_area_m2 AND renewal_blocks.max_area_m2
  )
  SELECT (row_number() OVER (ORDER BY ST_XMin(f), ST_YMin(f), a))::integer, ST_Transform(f, 4326), a, bu_source
  FROM kept ORDER BY 1;
END $$;
COMMENT ON FUNCTION analysis.renewal_blocks(text[], text[], double precision, double precision) IS
  'Street blocks (街区) of a city: street centrelines and the built-up boundary polygonised, faces inside the built-up area between the area bounds; indicators.md §7';
