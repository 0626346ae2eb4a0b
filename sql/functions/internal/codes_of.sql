-- internal.codes_of(domain, values): resolves filter values to the stored codes of a coded field.
--
-- Inputs:  domain  an app.code_label domain (e.g. 'waterlogging_status')
--          values  what a user typed: codes ('untreated'), Chinese labels ('未治理') or English
--                  labels ('Untreated', case-insensitive)
-- Output:  text[] of codes; a value that matches nothing is kept as it is (it then matches no row).
-- STABLE: it reads app.code_label.
CREATE OR REPLACE FUNCTION internal.codes_of(domain text, vals text[])
RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(coalesce(
    (SELECT l.code FROM app.code_label l
      WHERE l.domain = codes_of.domain AND (l.code = v OR l.label_zh = v OR lower(l.label_en) = lower(v))
      ORDER BY (l.code = v) DESC LIMIT 1),
    v) ORDER BY ord), '{}')
  FROM unnest(vals) WITH ORDINALITY AS u(v, ord)
$$;
COMMENT ON FUNCTION internal.codes_of(text, text[]) IS
  'Filter values (codes, Chinese or English labels) → codes of an app.code_label domain; unknown values pass through';
