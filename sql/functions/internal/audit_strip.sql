-- internal.audit_strip(row, columns): a row as jsonb without the named columns (secrets such as
-- password_hash and token_hash never reach app.audit_log). IMMUTABLE: pure.

CREATE OR REPLACE FUNCTION internal.audit_strip(row_json jsonb, secret_columns text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN row_json IS NULL THEN NULL ELSE row_json - coalesce(secret_columns, '{}'::text[]) END
$$;
COMMENT ON FUNCTION internal.audit_strip(jsonb, text[]) IS 'A row as jsonb without the named (secret) columns';
