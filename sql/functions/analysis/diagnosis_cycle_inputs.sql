-- analysis.diagnosis_cycle_inputs: step 2b of a diagnosis run tied to a check cycle — replaces the
-- run's own indicator values of 社区/街道 units by the values the cycle stored (app.indicator_value,
-- same unit kind and admin unit id), through a linear map from the cycle's indicator to the
-- diagnosis indicator, and records per unit where every value came from (input_origin:
-- {code: 'cycle' | 'computed'}). A unit the cycle has no row for keeps its computed value (and says
-- so); a row with a NULL value is taken as it is (the cycle found the indicator not applicable).
-- Grid cells (hexagon/square) have no cycle values: every value stays computed.
-- Inputs: run_id; cycle_id (app.check_cycle.id); sources jsonb — [{code, indicator, offset, scale}]:
--   diagnosis value = offset + scale × cycle value (e.g. green_shortfall_share = 1 − 0.01 × park_coverage %).
-- Output: one row per diagnosis indicator of the run: code, units_from_cycle, units_computed.
-- VOLATILE: updates app.diagnosis_unit. Raises P0002 on an unknown run or cycle, 22023 on a cycle of
--   another city or a malformed source.
CREATE OR REPLACE FUNCTION analysis.diagnosis_cycle_inputs(run_id bigint, cycle_id bigint, sources jsonb)
RETURNS TABLE (code text, units_from_cycle integer, units_computed integer)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  r app.diagnosis_run;
  c app.check_cycle;
BEGIN
  SELECT * INTO r FROM app.diagnosis_run x WHERE x.id = diagnosis_cycle_inputs.run_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'diagnosis: no run %', run_id USING ERRCODE = 'P0002';
  END IF;
  SELECT * INTO c FROM app.check_cycle x WHERE x.id = diagnosis_cycle_inputs.cycle_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'diagnosis: no check cycle %', cycle_id USING ERRCODE = 'P0002';
  END IF;
  IF c.dataset_id <> r.dataset_id THEN
    RAISE EXCEPTION 'diagnosis: check cycle % is of city %, the run of city %', cycle_id, c.dataset_id, r.dataset_id USING ERRCODE = '22023';
  END IF;
  IF jsonb_typeof(sources) <> 'array' OR EXISTS (
       SELECT 1 FROM jsonb_array_elements(sources) s
       WHERE jsonb_typeof(s -> 'code') <> 'string' OR jsonb_typeof(s -> 'indicator') <> 'string'
          OR jsonb_typeof(s -> 'offset') <> 'number' OR jsonb_typeof(s -> 'scale') <> 'number') THEN
    RAISE EXCEPTION 'diagnosis: sources must be [{code, indicator, offset, scale}]' USING ERRCODE = '22023';
  END IF;

  WITH src AS (
    SELECT s ->> 'code' AS code, s ->> 'indicator' AS indicator, (s ->> 'offset')::float8 AS off, (s ->> 'scale')::float8 AS scale
    FROM jsonb_array_elements(sources) s
  ), hit AS (
    SELECT u.unit_no, src.code, v.value, src.off, src.scale
    FROM app.diagnosis_unit u
    CROSS JOIN src
    JOIN app.indicator_value v ON v.cycle_id = c.id AND v.indicator = src.indicator
                              AND v.unit_kind = r.unit_kind AND v.unit_id = u.admin_unit_id
    WHERE u.run_id = r.id AND r.unit_kind IN ('community', 'subdistrict')
  ), per_unit AS (
    SELECT hit.unit_no,
           jsonb_object_agg(hit.code, to_jsonb(hit.off + hit.scale * hit.value)) AS vals,
           jsonb_object_agg(hit.code, 'cycle') AS origin
    FROM hit GROUP BY hit.unit_no
  )
  UPDATE app.diagnosis_unit u
  SET indicators = u.indicators || coalesce(p.vals, '{}'),
      input_origin = (SELECT jsonb_object_agg(k, 'computed') FROM jsonb_object_keys(u.indicators) k) || coalesce(p.origin, '{}')
  FROM app.diagnosis_unit u2 LEFT JOIN per_unit p ON p.unit_no = u2.unit_no
  WHERE u.run_id = r.id AND u2.run_id = r.id AND u2.unit_no = u.unit_no;

  UPDATE app.diagnosis_run x SET cycle_id = c.id WHERE x.id = r.id;

  RETURN QUERY
  SELECT k.code, count(*) FILTER (WHERE u.input_origin ->> k.code = 'cycle')::int,
         count(*) FILTER (WHERE u.input_origin ->> k.code IS DISTINCT FROM 'cycle')::int
  FROM app.diagnosis_unit u CROSS JOIN LATERAL jsonb_object_keys(u.indicators) AS k(code)
  WHERE u.run_id = r.id GROUP BY k.code ORDER BY k.code;
END $$;
COMMENT ON FUNCTION analysis.diagnosis_cycle_inputs(bigint, bigint, jsonb) IS
  'Diagnosis on a check cycle: 社区/街道 units take the cycle''s stored indicator values (linear map per indicator), with per-unit provenance';
