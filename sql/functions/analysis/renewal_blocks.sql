-- analysis.renewal_blocks: the city's street blocks (街区) as renewal candidates (indicators.md §7, §9).
-- Rule (design choice, CityCheck): the street centrelines of the city's basemap (app.base_road of the
-- given classes; service lanes, paths and rail are not block edges) and the boundary of a clip area
-- are noded and polygonised (ST_Polygonize). The clip area is the city's built-up ledger
-- (app.built_up_area, 建成区) when it has one, else the extent of its estates widened by 50 m. Blocks
-- are the faces inside the clip area that overlap at least one estate (a 街区 holds homes), between
-- min_area_m2 (slivers between carriageways, traffic islands) and max_area_m2 (open land the streets
-- do not subdivide). The derived built-up area of the diagnosis (a closing of every building) is not
-- used: on a city of 10^5 buildings it alone took 7 s.
-- Inputs: datasets (the city's dataset ids), road_classes (app.base_road.class values),
--   min_area_m2 / max_area_m2 (m², in the city's metric CRS).
-- Output: block_no (1…n, ordered west → east then south → north by the block's lower-left corner,
--   stable for the same roads), geom (Polygon, EPSG:4326), area_m2, built_up_source ('ledger' |
--   'estate_extent': the clip area used). No rows when the city has no estates or no roads.
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
  clip geometry;
  clip_source text := 'ledger';
BEGIN
  IF min_area_m2 IS NULL OR max_area_m2 IS NULL OR min_area_m2 < 0 OR max_area_m2 <= min_area_m2 THEN
    RAISE EXCEPTION 'renewal: block areas must satisfy 0 ≤ blockMinAreaM2 < blockMaxAreaM2, got % and %', min_area_m2, max_area_m2
      USING ERRCODE = '22023';
  END IF;
  SELECT analysis.coverage_metric_srid(ST_SetSRID(ST_Extent(x.geom), 4326)) INTO srid
  FROM app.estate x WHERE x.dataset_id = ANY (renewal_blocks.datasets);
  IF srid IS NULL THEN RETURN; END IF;
  SELECT ST_Union(ST_Transform(b.geom, srid)) INTO clip FROM app.built_up_area b WHERE b.dataset_id = ANY (renewal_blocks.datasets);
  IF clip IS NULL THEN
    clip_source := 'estate_extent';
    SELECT ST_Expand(ST_Transform(ST_SetSRID(ST_Extent(x.geom), 4326)::geometry, srid), 50) INTO clip
    FROM app.estate x WHERE x.dataset_id = ANY (renewal_blocks.datasets);
  END IF;

  RETURN QUERY
  WITH box AS (SELECT ST_Transform(ST_Envelope(clip), 4326) AS b),
  edges AS (
    SELECT ST_Transform(r.geom, srid) AS g FROM app.base_road r, box
    WHERE r.dataset_id = ANY (renewal_blocks.datasets) AND r.geom && box.b AND r.class = ANY (renewal_blocks.road_classes)
    UNION ALL SELECT ST_Boundary(clip)
  ),
  faces AS (
    SELECT d.f, ST_Area(d.f) AS a FROM (
      SELECT (ST_Dump(ST_Polygonize(n.g))).geom AS f FROM (SELECT ST_Union(ST_Force2D(g)) AS g FROM edges) n
    ) d
  ),
  kept AS (
    SELECT f.f, f.a, ST_Transform(f.f, 4326) AS g FROM faces f
    WHERE f.a BETWEEN renewal_blocks.min_area_m2 AND renewal_blocks.max_area_m2 AND ST_Intersects(ST_PointOnSurface(f.f), clip)
  )
  SELECT (row_number() OVER (ORDER BY ST_XMin(k.f), ST_YMin(k.f), k.a))::integer, k.g, k.a, clip_source
  FROM kept k
  WHERE EXISTS (SELECT 1 FROM app.estate e WHERE e.dataset_id = ANY (renewal_blocks.datasets) AND e.geom && k.g AND ST_Relate(e.geom, k.g, 'T********'))
  ORDER BY 1;
END $$;
COMMENT ON FUNCTION analysis.renewal_blocks(text[], text[], double precision, double precision) IS
  'Street blocks (街区) of a city: street centrelines and the clip boundary (built-up ledger, else the estates'' extent) polygonised, faces overlapping an estate between the area bounds; indicators.md §7';
