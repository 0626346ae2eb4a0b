-- internal.audit_user_id(): the signed-in user's app.app_user id from the setting citycheck.user
-- (set by server/auth/request-user.ts for every pooled connection a request uses, or per transaction
-- with set_config('citycheck.user', id, true)); NULL outside requests or when malformed.
-- STABLE: reads a setting.

CREATE OR REPLACE FUNCTION internal.audit_user_id() RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN s ~ '^[0-9]{1,18}$' THEN s::bigint END
  FROM (SELECT current_setting('citycheck.user', true) AS s) x
$$;
COMMENT ON FUNCTION internal.audit_user_id() IS 'The signed-in user''s id from setting citycheck.user, or NULL';
