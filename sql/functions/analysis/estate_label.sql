-- analysis.estate_label: the name a planner sees for an estate (小区). An estate with a name keeps
-- it; one without (typical of OSM landuse=residential) is named from its surroundings: the nearest
-- named street within 300 m of a point inside the estate and the side of the street the estate
-- lies on, e.g. "莫愁路北侧小区" / "Estate north of 莫愁路", and marked derived so the UI can say so.
-- Inputs: estate_id (app.estate.id). Distances in metres (geography).
-- Output: one row (name, name_en, derived); name NULL when the estate has no name and no named
--   street lies within 300 m.
-- STABLE: reads app.estate and app.base_road.
CREATE OR REPLACE FUNCTION analysis.estate_label(estate_id bigint)
RETURNS TABLE (name text, name_en text, derived boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH e AS (
    SELECT nullif(btrim(x.name), '') AS name, ST_PointOnSurface(x.geom) AS p FROM app.estate x WHERE x.id = estate_label.estate_id
  ), road AS (
    -- nearest named street by index (KNN), then the exact side and distance
    SELECT r.name AS road, ST_ClosestPoint(r.geom, e.p) AS q, e.p
    FROM e CROSS JOIN LATERAL (
      SELECT rd.name, rd.geom FROM app.base_road rd
      WHERE rd.name IS NOT NULL AND btrim(rd.name) <> '' AND rd.class NOT IN ('rail', 'subway')
      ORDER BY rd.geom <-> e.p LIMIT 1) r
    WHERE e.name IS NULL
  ), side AS (
    SELECT road.road,
           CASE WHEN ST_Equals(road.q, road.p) THEN NULL
                ELSE (ARRAY['北', '东', '南', '西'])[1 + (floor((degrees(ST_Azimuth(road.q, road.p)) + 45) / 90)::int % 4)] END AS zh,
           CASE WHEN ST_Equals(road.q, road.p) THEN NULL
                ELSE (ARRAY['north', 'east', 'south', 'west'])[1 + (floor((degrees(ST_Azimuth(road.q, road.p)) + 45) / 90)::int % 4)] END AS en
    FROM road WHERE ST_DWithin(road.q::geography, road.p::geography, 300)
  )
  SELECT e.name, e.name, false FROM e WHERE e.name IS NOT NULL
  UNION ALL
  SELECT s.road || coalesce(s.zh || '侧', '') || '小区', 'Estate ' || coalesce(s.en || ' of ', 'on ') || s.road, true
  FROM side s
  UNION ALL
  SELECT NULL, NULL, false FROM e WHERE e.name IS NULL AND NOT EXISTS (SELECT 1 FROM side)
$$;
COMMENT ON FUNCTION analysis.estate_label(bigint) IS
  'Estate name for display: its own, else derived from the nearest named street within 300 m and the side it lies on (derived = true)';
