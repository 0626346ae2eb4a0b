-- analysis.check_count_engine: the simple health-check engines (indicators.md §2.2, §3.2, §7, §8, §9)
-- that count items of a city per check unit: old estates (老旧小区), estates without property
-- management, waterlogging points not eliminated and their density, heritage sites, new residential
-- buildings over 80 m. Every item (estate, building, point) belongs to the units that contain its
-- point on surface; the city counts all items of its datasets.
-- Inputs: p_dataset — the city; p_engine — one of the engines below; p_params — the indicator's rule
--   parameters (jsonb, keys as in app.indicator_def.params); p_year — the check year.
--   old_estate_share / old_estate_count: p_params.cutoffYear (built ≤ it = old; required)
--   estate_no_property_management: estate level too (1 = property_management none)
--   waterlogging_untreated / waterlogging_density: p_params.statuses (text[] of counted statuses);
--     density = count ÷ area_km2 of the unit (the built-up area is not in the data model)
--   heritage_count: p_params.kinds (heritage_site kinds)
--   tall_new_residential: p_params.heightM (m), p_params.builtFromYear (NULL = p_year); building level
--     lists the residential buildings over heightM (1 = built in or after builtFromYear, else 0)
-- Outputs per unit: unit_kind, unit_id (NULL for the city), unit_name, numerator, denominator, value
--   (shares in %, densities per km², counts), population, area_km2.
-- VOLATILE: uses a session temp table. Raises 22023 on an unknown engine or a missing parameter.
CREATE OR REPLACE FUNCTION analysis.check_count_engine(p_dataset text, p_engine text, p_params jsonb, p_year integer)
RETURNS TABLE (unit_kind text, unit_id bigint, unit_name text, numerator double precision, denominator double precision,
               value double precision, population double precision, area_km2 double precision)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  v_ds text[];
  v_height float8;
  v_from integer;
  v_statuses text[];
BEGIN
  SELECT array_agg(d.id) INTO v_ds FROM app.dataset d WHERE p_dataset IN (d.id, d.city_id);
  IF v_ds IS NULL THEN
    RAISE EXCEPTION 'health check: unknown dataset "%"', p_dataset USING ERRCODE = '22023';
  END IF;
  DROP TABLE IF EXISTS pg_temp.check_item;
  CREATE TEMP TABLE check_item (item_kind text, item_id bigint, item_name text, pt geometry, num float8, den float8);

  IF p_engine IN ('old_estate_share', 'old_estate_count') THEN
    IF jsonb_typeof(p_params->'cutoffYear') IS DISTINCT FROM 'number' THEN
      RAISE EXCEPTION 'health check: % needs cutoffYear', p_engine USING ERRCODE = '22023';
    END IF;
    INSERT INTO check_item
      SELECT 'estate', e.id, e.name, ST_PointOnSurface(e.geom),
             (e.build_year IS NOT NULL AND e.build_year <= (p_params->>'cutoffYear')::int)::int, (e.build_year IS NOT NULL)::int
      FROM app.estate e WHERE e.dataset_id = ANY (v_ds);
  ELSIF p_engine = 'estate_no_property_management' THEN
    INSERT INTO check_item
      SELECT 'estate', e.id, e.name, ST_PointOnSurface(e.geom), (e.property_management = 'none')::int, 1
      FROM app.estate e WHERE e.dataset_id = ANY (v_ds);
  ELSIF p_engine IN ('waterlogging_untreated', 'waterlogging_density') THEN
    v_statuses := coalesce(ARRAY(SELECT jsonb_array_elements_text(p_params->'statuses')), ARRAY['untreated', 'in_progress']);
    INSERT INTO check_item
      SELECT 'point', w.id, w.name, w.geom, (w.status = ANY (v_statuses))::int, 1
      FROM app.waterlogging_point w WHERE w.dataset_id = ANY (v_ds);
  ELSIF p_engine = 'heritage_count' THEN
    INSERT INTO check_item
      SELECT 'point', h.id, h.name, ST_PointOnSurface(h.geom), 1, 1
      FROM app.heritage_site h WHERE h.dataset_id = ANY (v_ds)
        AND (p_params->'kinds' IS NULL OR h.kind IN (SELECT jsonb_array_elements_text(p_params->'kinds')));
  ELSIF p_engine = 'tall_new_residential' THEN
    v_height := coalesce((p_params->>'heightM')::float8, 80);
    v_from := coalesce((p_params->>'builtFromYear')::int, p_year);
    INSERT INTO check_item
      SELECT 'building', b.id, b.name, ST_PointOnSurface(b.geom), (b.build_year IS NOT NULL AND b.build_year >= v_from)::int, 1
      FROM app.building b WHERE b.dataset_id = ANY (v_ds) AND b.use = 'residential' AND b.height_m > v_height;
  ELSE
    RAISE EXCEPTION 'health check: unknown engine "%"', coalesce(p_engine, 'NULL') USING ERRCODE = '22023';
  END IF;
  CREATE INDEX ON check_item USING gist (pt);
  ANALYZE check_item;

  RETURN QUERY
  WITH per_unit AS (
    SELECT u.unit_kind, u.unit_id, u.name AS unit_name, u.population, u.area_km2,
           CASE WHEN u.unit_id IS NULL THEN (SELECT coalesce(sum(i.num), 0) FROM check_item i)
                ELSE (SELECT coalesce(sum(i.num), 0) FROM check_item i WHERE ST_Intersects(u.geom, i.pt)) END AS num,
           CASE WHEN u.unit_id IS NULL THEN (SELECT coalesce(sum(i.den), 0) FROM check_item i)
                ELSE (SELECT coalesce(sum(i.den), 0) FROM check_item i WHERE ST_Intersects(u.geom, i.pt)) END AS den
    FROM analysis.check_units(p_dataset) u
  )
  SELECT p.unit_kind, p.unit_id, p.unit_name, p.num,
         CASE WHEN p_engine = 'waterlogging_density' THEN p.area_km2 ELSE p.den END,
         CASE p_engine
           WHEN 'old_estate_share' THEN 100 * p.num / nullif(p.den, 0)
           WHEN 'waterlogging_density' THEN p.num / nullif(p.area_km2, 0)
           ELSE p.num END,
         p.population, p.area_km2
  FROM per_unit p
  UNION ALL
  SELECT i.item_kind, i.item_id, i.item_name, i.num, i.den, i.num, NULL::float8, NULL::float8
  FROM check_item i
  WHERE (p_engine = 'estate_no_property_management' AND i.item_kind = 'estate')
     OR (p_engine = 'tall_new_residential' AND i.item_kind = 'building');
END $$;
COMMENT ON FUNCTION analysis.check_count_engine(text, text, jsonb, integer) IS
  'Health-check counting engines per check unit (old estates, property management, waterlogging, heritage, tall new residential buildings)';
