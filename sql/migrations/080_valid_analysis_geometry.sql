-- Stored analysis polygons are valid (ST_IsValid), so later intersections (what-if, pocket parks,
-- scenarios) cannot raise a GEOS TopologyException on them. Existing invalid rows — shortfall
-- multipolygons collected from touching pieces, rings collapsed by the reprojection ("Too few
-- points") — are repaired the way new rows are made (internal.valid_polygonal, re-stated here
-- because functions are applied after migrations): ST_MakeValid, then only the polygons kept.
UPDATE app.coverage_shortfall
SET geom = coalesce(ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3)), ST_SetSRID('MULTIPOLYGON EMPTY'::geometry, 4326))
WHERE geom IS NOT NULL AND NOT ST_IsValid(geom);

UPDATE app.coverage_run
SET official_area = CASE WHEN official_area IS NULL OR ST_IsValid(official_area) THEN official_area
                         ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(official_area), 3)) END,
    walking_area  = CASE WHEN walking_area IS NULL OR ST_IsValid(walking_area) THEN walking_area
                         ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(walking_area), 3)) END
WHERE (official_area IS NOT NULL AND NOT ST_IsValid(official_area))
   OR (walking_area IS NOT NULL AND NOT ST_IsValid(walking_area));

ALTER TABLE app.coverage_shortfall
  ADD CONSTRAINT coverage_shortfall_geom_valid CHECK (geom IS NULL OR ST_IsValid(geom));
ALTER TABLE app.coverage_run
  ADD CONSTRAINT coverage_run_official_area_valid CHECK (official_area IS NULL OR ST_IsValid(official_area)),
  ADD CONSTRAINT coverage_run_walking_area_valid CHECK (walking_area IS NULL OR ST_IsValid(walking_area));

COMMENT ON CONSTRAINT coverage_shortfall_geom_valid ON app.coverage_shortfall IS
  'Stored shortfall polygons are GEOS-valid (written through internal.valid_polygonal)';
