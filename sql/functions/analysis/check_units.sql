-- analysis.check_units: the check units of a city (indicators.md §3.3): the city itself (unit_id NULL),
-- and its 区 / 街道 / 社区 (app.admin_unit of the city's datasets, level city excluded: the city row
-- stands for it), with name, resident population and area.
-- Inputs: p_dataset — the city (app.dataset id); its ledgers and sample data count with it.
-- Outputs: unit_kind ('city' | 'district' | 'subdistrict' | 'community'), unit_id (app.admin_unit.id,
--   NULL for the city), name, population (admin_unit.population; the city: its city unit, else the sum
--   over the coarsest level present, else NULL), area_km2 (geodesic), geom (EPSG:4326; the city: its
--   city unit, else the union of the coarsest level present, else NULL).
-- STABLE: reads tables.
CREATE OR REPLACE FUNCTION analysis.check_units(p_dataset text)
RETURNS TABLE (unit_kind text, unit_id bigint, name text, population double precision, area_km2 double precision, geom geometry)
LANGUAGE sql STABLE AS $$
  WITH ds AS (SELECT d.id FROM app.dataset d WHERE p_dataset IN (d.id, d.city_id)),
  a AS (SELECT u.* FROM app.admin_unit u WHERE u.dataset_id IN (SELECT id FROM ds)),
  top AS (
    SELECT l.level FROM unnest(ARRAY['city', 'district', 'subdistrict', 'community']) WITH ORDINALITY AS l(level, o)
    WHERE EXISTS (SELECT 1 FROM a WHERE a.level = l.level) ORDER BY l.o LIMIT 1
  ),
  c AS (
    SELECT ST_Multi(ST_Union(a.geom)) AS geom, sum(a.population)::float8 AS population,
           bool_and(a.population IS NOT NULL) AS all_known
    FROM a WHERE a.level = (SELECT level FROM top)
  )
  SELECT 'city', NULL::bigint, (SELECT d.name FROM app.dataset d WHERE d.id = p_dataset),
         CASE WHEN c.all_known THEN c.population END, ST_Area(c.geom::geography) / 1e6, c.geom
  FROM c
  UNION ALL
  SELECT a.level, a.id, a.name, a.population::float8, ST_Area(a.geom::geography) / 1e6, a.geom
  FROM a WHERE a.level <> 'city'
$$;
COMMENT ON FUNCTION analysis.check_units(text) IS
  'Check units of a city: the city (unit_id NULL) and its districts, subdistricts and communities, with population and area (km²)';
