-- analysis.renewal_heritage_hits: which heritage protection features each renewal site meets
-- (indicators.md §9.1, §9.3). One call for many sites (estates of a city, or one drawn site).
--
-- Inputs: sites (polygons, EPSG:4326; the array index is the site's key), datasets (the city's
--   app.dataset ids), touch_m (metres, geography; 0 = a protected building counts when it shares at
--   least a boundary point with the site, > 0 = also when it lies within this distance).
-- Output: one row per (site, feature met):
--   hit       core_zone (核心保护范围) | control_zone (建设控制地带) | protected_building (历史建筑 or 文物保护单位)
--   relation  inside (the site lies wholly in the zone / the building lies wholly in the site)
--             | overlaps (their interiors meet) | touches (boundaries only) | near (within touch_m)
--   overlap_m2 geodesic area shared with a zone (NULL for buildings).
-- STABLE: reads app.heritage_*. Raises 22023 for touch_m outside 0–500 m.
CREATE OR REPLACE FUNCTION analysis.renewal_heritage_hits(
  sites geometry[],
  datasets text[],
  touch_m double precision DEFAULT 0
) RETURNS TABLE (site_idx integer, hit text, relation text, feature_id bigint, feature_name text, district_name text, overlap_m2 double precision)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF touch_m IS NULL OR touch_m < 0 OR touch_m > 500 THEN
    RAISE EXCEPTION 'renewal: protectedTouchM must be between 0 and 500 m, got %', touch_m USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
  WITH s AS (
    SELECT u.g AS geom, u.i::integer AS idx FROM unnest(sites) WITH ORDINALITY AS u(g, i) WHERE u.g IS NOT NULL
  )
  SELECT s.idx,
         CASE z.zone_type WHEN 'core' THEN 'core_zone' ELSE 'control_zone' END,
         CASE WHEN ST_CoveredBy(s.geom, z.geom) THEN 'inside'
              WHEN ST_Relate(s.geom, z.geom, 'T********') THEN 'overlaps'
              ELSE 'touches' END,
         z.id, z.name, d.name,
         CASE WHEN ST_Relate(s.geom, z.geom, 'T********') THEN ST_Area(ST_Intersection(s.geom, z.geom)::geography) ELSE 0 END
  FROM s
  JOIN app.heritage_zone z ON z.dataset_id = ANY (datasets) AND ST_Intersects(s.geom, z.geom)
  LEFT JOIN app.heritage_district d ON d.id = z.district_id
  UNION ALL
  SELECT s.idx, 'protected_building',
         CASE WHEN ST_CoveredBy(h.geom, s.geom) AND ST_Relate(s.geom, h.geom, 'T********') THEN 'inside'
              WHEN ST_Relate(s.geom, h.geom, 'T********') THEN 'overlaps'
              WHEN ST_Intersects(s.geom, h.geom) THEN 'touches'
              ELSE 'near' END,
         h.id, h.name, d.name, NULL::double precision
  FROM s
  JOIN app.heritage_site h ON h.dataset_id = ANY (datasets) AND h.kind IN ('historic_building', 'cultural_relic')
   -- index prefilter: the site's box widened by touch_m (degrees, 20 % margin; 0 = the box itself)
   AND h.geom && ST_Expand(s.geom, touch_m * 1.2 / (111320 * cos(radians(least(greatest(abs(ST_YMin(s.geom)), abs(ST_YMax(s.geom))), 89)))))
   AND (ST_Intersects(s.geom, h.geom)
        OR (touch_m > 0 AND ST_DWithin(s.geom::geography, h.geom::geography, touch_m)))
  LEFT JOIN app.heritage_district d ON d.id = h.district_id
  ORDER BY 1, 2, 4;
END $$;
COMMENT ON FUNCTION analysis.renewal_heritage_hits(geometry[], text[], double precision) IS
  'Heritage features (core/control zones, protected buildings) met by each renewal site, with the relation; indicators.md §9';
