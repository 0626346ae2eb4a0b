-- Ledger import helper: parse a WKT/EWKT cell without aborting the whole statement, so a ledger with
-- one malformed geometry gets a row-level message instead of a failed batch.
-- Input: text (WKT, or EWKT "SRID=4326;POINT(…)"). Output: the geometry as GeoJSON text (coordinates
-- as written, in the ledger's declared CRS — conversion to WGS-84 happens in geodata/crs), or NULL
-- when the text does not parse. IMMUTABLE: it reads no table and depends only on its argument.
CREATE FUNCTION internal.ledger_wkt_to_geojson(wkt text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN ST_AsGeoJSON(ST_GeomFromEWKT(wkt), 15);
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;
COMMENT ON FUNCTION internal.ledger_wkt_to_geojson(text) IS
  'WKT/EWKT → GeoJSON text, NULL when unparsable (ledger importer row-level validation)';
