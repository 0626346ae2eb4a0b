-- internal.audit_actor(uid): who the audit log names: the username of app.app_user uid, else the
-- older citycheck.actor setting, else the database user (CLI, migrations).
-- STABLE: reads app.app_user.

CREATE OR REPLACE FUNCTION internal.audit_actor(uid bigint) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT u.username FROM app.app_user u WHERE u.id = uid),
                  nullif(current_setting('citycheck.actor', true), ''),
                  current_user::text)
$$;
COMMENT ON FUNCTION internal.audit_actor(bigint) IS 'Audit actor: the username of user uid, else citycheck.actor, else the database user';
