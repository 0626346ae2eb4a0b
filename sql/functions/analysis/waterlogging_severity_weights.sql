-- The one severity scale of waterlogging points (内涝积水点, indicators.md §8) used by every analysis
-- that weighs them: diagnosis unit indicators and exposure (analysis.diagnosis_unit_indicators,
-- analysis.waterlogging_exposure_unit / _estate) and the renewal criteria
-- (analysis.renewal_estate_criteria / renewal_site_criteria).
-- Defaults: low 1, medium 2, high 3, severe 4, unknown (or no severity recorded) 1 — a design
-- default (no official weighting exists), overridable per request.
--
-- analysis.waterlogging_severity_weights(overrides): the defaults merged with `overrides` (jsonb
--   object severity → weight, NULL = none); raises 22023 unless every weight is a number ≥ 0.
-- analysis.waterlogging_severity_weight(severity, weights): the weight of one point's severity in a
--   merged scale; a severity the scale does not name, or NULL, weighs as 'unknown'.
CREATE OR REPLACE FUNCTION analysis.waterlogging_severity_weights(overrides jsonb DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  sw jsonb := jsonb_build_object('low', 1, 'medium', 2, 'high', 3, 'severe', 4, 'unknown', 1) || coalesce(overrides, '{}');
BEGIN
  IF jsonb_typeof(sw) <> 'object'
     OR EXISTS (SELECT 1 FROM jsonb_each(sw) e WHERE jsonb_typeof(e.value) <> 'number' OR (e.value)::text::float8 < 0) THEN
    RAISE EXCEPTION 'waterlogging: severity weights must be numbers ≥ 0' USING ERRCODE = '22023';
  END IF;
  RETURN sw;
END $$;

CREATE OR REPLACE FUNCTION analysis.waterlogging_severity_weight(severity text, weights jsonb)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce((weights ->> severity)::float8, (weights ->> 'unknown')::float8)
$$;
