-- analysis.check_estate_share: per check unit the share of a city's estates that meet a condition
-- computed outside SQL (the life-circle service: a facility type within its standard walking distance,
-- every complete-community item present), for the health check's life-circle indicators.
-- Every estate belongs to the 区 / 街道 / 社区 (app.admin_unit of the city's datasets) that contain its
-- point on surface, like the items of analysis.check_count_engine; the city counts every estate given.
-- Weighting per unit: by residents (居住人口) when every estate of the unit has a resident count and
-- they sum to more than 0, else by estate count (an unknown count would silently weigh as 0).
-- Inputs: p_dataset — the city (app.dataset id); p_ids — app.estate ids; p_met — per id, whether the
--   estate meets the condition; p_residents — per id, its residents (NULL when unknown). Arrays of equal
--   length (22023 otherwise).
-- Outputs per unit with at least one estate: unit_kind ('city' | 'district' | 'subdistrict' |
--   'community'), unit_id (NULL for the city), unit_name, numerator (residents or estates meeting it),
--   denominator (residents or estates), value (numerator ÷ denominator × 100, %), weighting
--   ('residents' | 'estates'), estates, estates_met.
-- STABLE: reads tables.
CREATE OR REPLACE FUNCTION analysis.check_estate_share(p_dataset text, p_ids bigint[], p_met boolean[], p_residents double precision[])
RETURNS TABLE (unit_kind text, unit_id bigint, unit_name text, numerator double precision, denominator double precision,
               value double precision, weighting text, estates integer, estates_met integer)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  IF cardinality(p_ids) IS DISTINCT FROM cardinality(p_met) OR cardinality(p_ids) IS DISTINCT FROM cardinality(p_residents) THEN
    RAISE EXCEPTION 'check_estate_share: ids, met and residents differ in length (%, %, %)',
      cardinality(p_ids), cardinality(p_met), cardinality(p_residents) USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
  WITH i AS (
    SELECT x.id, x.met, x.residents, ST_PointOnSurface(e.geom) AS pt
    FROM unnest(p_ids, p_met, p_residents) AS x(id, met, residents)
    JOIN app.estate e ON e.id = x.id
  ),
  member AS (
    SELECT NULL::text AS kind, NULL::bigint AS uid, i.* FROM i
    UNION ALL
    SELECT a.level, a.id, i.* FROM i
    JOIN app.admin_unit a ON ST_Intersects(a.geom, i.pt)
    WHERE a.level IN ('district', 'subdistrict', 'community')
      AND a.dataset_id IN (SELECT d.id FROM app.dataset d WHERE p_dataset IN (d.id, d.city_id))
  ),
  agg AS (
    SELECT m.kind, m.uid, count(*)::int AS n, count(*) FILTER (WHERE m.met)::int AS n_met,
           bool_and(m.residents IS NOT NULL) AND coalesce(sum(m.residents), 0) > 0 AS by_res,
           sum(m.residents) AS res, coalesce(sum(m.residents) FILTER (WHERE m.met), 0) AS res_met
    FROM member m GROUP BY m.kind, m.uid
  )
  SELECT coalesce(g.kind, 'city'), g.uid,
         CASE WHEN g.uid IS NULL THEN (SELECT d.name FROM app.dataset d WHERE d.id = p_dataset) ELSE (SELECT a.name FROM app.admin_unit a WHERE a.id = g.uid) END,
         CASE WHEN g.by_res THEN g.res_met ELSE g.n_met END::float8,
         CASE WHEN g.by_res THEN g.res ELSE g.n END::float8,
         100 * CASE WHEN g.by_res THEN g.res_met / g.res ELSE g.n_met::float8 / g.n END,
         CASE WHEN g.by_res THEN 'residents' ELSE 'estates' END,
         g.n, g.n_met
  FROM agg g
  ORDER BY g.kind NULLS FIRST, g.uid;
END
$$;
COMMENT ON FUNCTION analysis.check_estate_share(text, bigint[], boolean[], double precision[]) IS
  'Share (%) of given estates meeting a condition per check unit (city, 区, 街道, 社区): residents-weighted where every estate of the unit has residents, else by estate count';
