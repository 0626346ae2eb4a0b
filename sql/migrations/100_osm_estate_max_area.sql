-- OSM import: landuse=residential polygons larger than this are residential land, not one estate (小区).
-- 50 ha: a whole 十分钟生活圈居住区 of GB 50180-2018 is about 32–50 ha (geodata/osm/estate-plausibility.ts).
INSERT INTO app.setting (key, value, description, source) VALUES
  ('osm_estate_max_area_m2', '500000',
   'OSM import: largest landuse=residential polygon (m², geodesic) taken as one estate (小区); larger ones stay residential land',
   'indicators.md §5.1: a 10-min life circle (居住区) is ~32–50 ha (GB 50180-2018, CONFIRMED [S23]); design default (CityCheck)')
ON CONFLICT (key) DO NOTHING;
