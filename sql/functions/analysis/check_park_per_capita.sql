-- analysis.check_park_per_capita: 人均公园绿地面积 per check unit (indicators.md §4.1, GB 55014 > 8 m²).
-- Inputs: p_dataset — the city. Parks are app.green_space rows with is_park; the area of a park inside
--   a unit is geodesic (m²) of its intersection with the unit; the city takes every park of its
--   datasets whole. Residents: analysis.check_units population (NULL → value NULL).
-- Outputs per unit: unit_kind, unit_id (NULL for the city), unit_name, numerator (park m²), denominator
--   (residents), value (m² per resident), population, area_km2.
-- STABLE: reads tables. (plpgsql: its body is checked at first call, so file order does not matter.)
CREATE OR REPLACE FUNCTION analysis.check_park_per_capita(p_dataset text)
RETURNS TABLE (unit_kind text, unit_id bigint, unit_name text, numerator double precision, denominator double precision,
               value double precision, population double precision, area_km2 double precision)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH ds AS (SELECT d.id FROM app.dataset d WHERE p_dataset IN (d.id, d.city_id)),
  p AS (SELECT g.geom, g.area_m2 FROM app.green_space g WHERE g.is_park AND g.dataset_id IN (SELECT id FROM ds)),
  u AS (SELECT * FROM analysis.check_units(p_dataset)),
  a AS (
    SELECT u.unit_kind, u.unit_id, u.name, u.population, u.area_km2,
           CASE WHEN u.unit_id IS NULL THEN (SELECT coalesce(sum(p.area_m2), 0) FROM p)
                ELSE (SELECT coalesce(sum(ST_Area(ST_Intersection(p.geom, u.geom)::geography)), 0) FROM p WHERE ST_Intersects(p.geom, u.geom)) END AS park_m2
    FROM u
  )
  SELECT a.unit_kind, a.unit_id, a.name, a.park_m2, a.population, a.park_m2 / nullif(a.population, 0), a.population, a.area_km2 FROM a;
END $$;
COMMENT ON FUNCTION analysis.check_park_per_capita(text) IS
  'Park green space (m²) per resident for each check unit of a city';
