-- analysis.green_coverage_targets: the land whose coverage is measured, in a metric CRS.
-- Inputs: target 'residential_land' (app.base_landuse kind 'residential', dissolved so overlapping
--   polygons count once), 'estate' (app.estate, one row per estate, residents attached) or
--   'residential_building' (app.building with use 'residential': footprints, the 住房 level);
--   dataset_id (NULL = all); srid (metric CRS of the run, analysis.coverage_metric_srid).
-- Output: target_id (estate or building id; piece number for residential land), name, residents, geom (srid).
-- STABLE: reads app.base_landuse / app.estate. Raises 22023 on an unknown target.
CREATE OR REPLACE FUNCTION analysis.green_coverage_targets(target text, dataset_id text, srid integer)
RETURNS TABLE (target_id bigint, name text, residents integer, geom geometry)
LANGUAGE plpgsql STABLE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
DECLARE
  v_pairs text;
BEGIN
  IF target = 'residential_land' THEN
    -- Dissolved per group of touching/overlapping polygons: the same pieces as one ST_UnaryUnion of
    -- everything, without noding every polygon against the whole city. The groups are the connected
    -- components (pgr_connectedComponents) of the pairs found through the spatial index; a polygon
    -- that meets no other is its own piece, with no union. Pairs are taken within 1e-6° in EPSG:4326
    -- (no reprojection per candidate pair): a pair that meets in the metric CRS always qualifies, and
    -- a pair that only nearly meets merely joins two groups, whose union gives the same pieces.
    -- (ST_ClusterDBSCAN(eps 0) gave the same groups but took 2.4 s for the 16k polygons of the
    -- 10^6-building city, measuring distances between polygons instead of testing indexed pairs.)
    v_pairs := format(
      'SELECT row_number() OVER () AS id, a.id AS source, b.id AS target, 1::float8 AS cost, 1::float8 AS reverse_cost
       FROM app.base_landuse a JOIN app.base_landuse b ON b.geom && ST_Expand(a.geom, 1e-6) AND a.id < b.id + 0  -- + 0: not an index condition on b (a BitmapAnd with the key range took 30 s)
       WHERE a.kind = %1$L AND b.kind = %1$L AND %2$s AND %3$s
         AND ST_DWithin(a.geom, b.geom, 1e-6)',
      'residential',
      CASE WHEN dataset_id IS NULL THEN 'true' ELSE format('a.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE %L IN (ds.id, ds.city_id))', dataset_id) END,
      CASE WHEN dataset_id IS NULL THEN 'true' ELSE format('b.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE %L IN (ds.id, ds.city_id))', dataset_id) END);
    RETURN QUERY
      WITH land AS MATERIALIZED (
        SELECT l.id, ST_Transform(l.geom, srid) AS g
        FROM app.base_landuse l
        WHERE l.kind = 'residential'
          AND (green_coverage_targets.dataset_id IS NULL OR l.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_targets.dataset_id IN (ds.id, ds.city_id)))
      ),
      comp AS MATERIALIZED (
        SELECT c.node, c.component FROM pgr_connectedComponents(v_pairs) c
      )
      SELECT (row_number() OVER ())::bigint, NULL::text, NULL::integer, d.geom
      FROM (SELECT CASE WHEN count(*) = 1 THEN (array_agg(la.g))[1] ELSE ST_UnaryUnion(ST_Collect(la.g)) END AS u
            FROM land la LEFT JOIN comp c ON c.node = la.id
            GROUP BY coalesce(c.component, la.id)) k,
           ST_Dump(k.u) d
      WHERE NOT ST_IsEmpty(d.geom);
  ELSIF target = 'estate' THEN
    RETURN QUERY
      SELECT e.id, e.name, e.residents, ST_Transform(e.geom, srid)
      FROM app.estate e
      WHERE green_coverage_targets.dataset_id IS NULL OR e.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_targets.dataset_id IN (ds.id, ds.city_id));
  ELSIF target = 'residential_building' THEN
    RETURN QUERY
      SELECT b.id, b.name, NULL::integer, ST_Transform(b.geom, srid)
      FROM app.building b
      WHERE b.use = 'residential'
        AND (green_coverage_targets.dataset_id IS NULL OR b.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_targets.dataset_id IN (ds.id, ds.city_id)));
  ELSE
    RAISE EXCEPTION 'green coverage: unknown target "%" (residential_land | estate | residential_building)', target USING ERRCODE = '22023';
  END IF;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_targets IS
  'Coverage targets (dissolved residential land, estates or residential buildings) in a metric CRS';
