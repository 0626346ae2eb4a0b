-- internal.valid_polygonal(g): the polygonal part of g, made valid (GEOS-valid MultiPolygon).
--
-- Input:   g  any geometry, any SRID (NULL → NULL).
-- Output:  ST_Multi of the polygons of ST_MakeValid(g) (lines and points that a repair leaves
--          behind — collapsed slivers, "too few points" rings — are dropped); an empty
--          MULTIPOLYGON when nothing polygonal remains. A valid polygonal input comes back as it was
--          (only ST_Multi'ed), so the check costs one ST_IsValid.
-- Why:     analysis outputs are stored and intersected later; an invalid stored polygon makes a
--          later what-if throw a GEOS TopologyException. Stored columns carry CHECK (ST_IsValid)
--          (migration 080) and every writer goes through this function.
-- IMMUTABLE: reads no table; the result depends on g only.
CREATE OR REPLACE FUNCTION internal.valid_polygonal(g geometry)
RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN g IS NULL THEN NULL
    WHEN ST_IsValid(g) AND GeometryType(g) IN ('POLYGON', 'MULTIPOLYGON') THEN ST_Multi(g)
    ELSE coalesce(ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3)), ST_SetSRID('MULTIPOLYGON EMPTY'::geometry, ST_SRID(g)))
  END
$$;

COMMENT ON FUNCTION internal.valid_polygonal(geometry) IS
  'Polygonal part of a geometry, made valid (MultiPolygon); lines/points left by the repair dropped';
