-- analysis.coverage_metric_srid: EPSG code of the WGS-84 UTM zone containing the centre of a
-- geometry (EPSG:4326 lon/lat), e.g. 32650 for Nanjing, 32632 for Liechtenstein. Buffers and areas
-- of the coverage engine are computed in this CRS, never in degrees.
-- IMMUTABLE: depends only on the argument.
CREATE OR REPLACE FUNCTION analysis.coverage_metric_srid(geom geometry)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
#variable_conflict use_column
DECLARE
  c geometry;
BEGIN
  IF geom IS NULL OR ST_IsEmpty(geom) THEN
    RAISE EXCEPTION 'coverage_metric_srid: empty geometry' USING ERRCODE = '22023';
  END IF;
  IF ST_SRID(geom) <> 4326 THEN
    RAISE EXCEPTION 'coverage_metric_srid: expected EPSG:4326, got %', ST_SRID(geom) USING ERRCODE = '22023';
  END IF;
  c := ST_Centroid(ST_Envelope(geom));
  RETURN CASE WHEN ST_Y(c) >= 0 THEN 32600 ELSE 32700 END
         + least(60, greatest(1, floor((ST_X(c) + 180) / 6)::int + 1));
END $$;
COMMENT ON FUNCTION analysis.coverage_metric_srid IS 'EPSG code of the UTM zone at the centre of a lon/lat geometry';
