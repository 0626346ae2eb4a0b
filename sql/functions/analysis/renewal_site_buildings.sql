-- analysis.renewal_site_buildings: the buildings of a renewal site with what decides their 留改拆
-- (retain / renovate / demolish) suggestion (indicators.md §9.2 "留改拆并举、以保留利用提升为主").
--
-- Inputs: site (polygon, EPSG:4326), datasets (the city's dataset ids), touch_m (metres: a building
--   within this distance of a 历史建筑 / 文物保护单位 counts as that protected building's neighbour).
-- Output per building whose point-on-surface lies in the site: id, name, use, levels, height (m;
--   height_m, else levels × default_building_level_height_m), build year (the building's, else the
--   estate's it belongs to), footprint (m², geodesic), and whether it is a protected building itself
--   (a 历史建筑 / 文物 point inside it or footprint overlapping it), lies in a core zone (核心保护范围)
--   or a construction-control zone (建设控制地带).
-- STABLE: reads app tables. Raises 22023 for touch_m outside 0–500 m.
CREATE OR REPLACE FUNCTION analysis.renewal_site_buildings(
  site geometry,
  datasets text[],
  touch_m double precision DEFAULT 0
) RETURNS TABLE (
  building_id bigint, name text, use text, levels integer, height_m double precision, build_year integer,
  footprint_m2 double precision, is_protected boolean, protected_name text, in_core boolean, in_control boolean
)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  level_h double precision := coalesce((SELECT (value #>> '{}')::float8 FROM app.setting WHERE key = 'default_building_level_height_m'), 3.0);
BEGIN
  IF touch_m IS NULL OR touch_m < 0 OR touch_m > 500 THEN
    RAISE EXCEPTION 'renewal: protectedTouchM must be between 0 and 500 m, got %', touch_m USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
  SELECT b.id, b.name, b.use, b.levels, coalesce(b.height_m, b.levels * level_h),
         coalesce(b.build_year, e.build_year),
         ST_Area(b.geom::geography),
         h.id IS NOT NULL, h.name,
         EXISTS (SELECT 1 FROM app.heritage_zone z WHERE z.dataset_id = ANY (datasets) AND z.zone_type = 'core'
                  AND ST_Relate(b.geom, z.geom, 'T********')),
         EXISTS (SELECT 1 FROM app.heritage_zone z WHERE z.dataset_id = ANY (datasets) AND z.zone_type = 'control'
                  AND ST_Relate(b.geom, z.geom, 'T********'))
  FROM app.building b
  LEFT JOIN app.estate e ON e.id = b.estate_id
  LEFT JOIN LATERAL (
    SELECT s.id, s.name FROM app.heritage_site s
    WHERE s.dataset_id = ANY (datasets) AND s.kind IN ('historic_building', 'cultural_relic')
      AND s.geom && ST_Expand(b.geom, touch_m * 1.2 / (111320 * cos(radians(least(greatest(abs(ST_YMin(b.geom)), abs(ST_YMax(b.geom))), 89)))))
      AND (ST_Relate(b.geom, s.geom, 'T********')
           OR (touch_m > 0 AND ST_DWithin(b.geom::geography, s.geom::geography, touch_m)))
    ORDER BY s.id LIMIT 1
  ) h ON true
  WHERE b.dataset_id = ANY (datasets) AND b.geom && site AND ST_Intersects(ST_PointOnSurface(b.geom), site)
  ORDER BY b.id;
END $$;
COMMENT ON FUNCTION analysis.renewal_site_buildings(geometry, text[], double precision) IS
  'Buildings of a renewal site with their heritage status and height, for the 留改拆 suggestion; indicators.md §9';
