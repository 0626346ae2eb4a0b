-- People: accounts with roles (viewer / planner / admin, optionally scoped to one city), sign-in
-- sessions, API tokens for scripts, and the audit log naming the signed-in person.
--
-- Secrets are never stored in the clear: passwords as scrypt hashes (server/auth/password.ts),
-- session ids and API tokens as SHA-256 hashes (a stolen backup cannot sign anyone in). The
-- audit triggers leave these columns out (internal.audit_row / audit_keyed_row strip the columns
-- named in their trigger arguments; sql/functions/internal/audit_row.sql).

CREATE TABLE app.app_user (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$'),
  display_name  text NOT NULL DEFAULT '',
  role          text NOT NULL CHECK (role IN ('viewer', 'planner', 'admin')),
  -- A city-scoped account (区/市 planner) writes only its own city; NULL = every city.
  dataset_id    text REFERENCES app.dataset (id) ON DELETE SET NULL,
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_username_idx ON app.app_user (lower(username));
COMMENT ON TABLE app.app_user IS 'People who sign in: role viewer/planner/admin, optionally scoped to one city (dataset_id)';

-- Sign-in sessions (@fastify/session store, server/auth/session-store.ts), keyed by the hash of the id.
CREATE TABLE app.user_session (
  sid_hash   text PRIMARY KEY,
  user_id    bigint REFERENCES app.app_user (id) ON DELETE CASCADE,
  data       jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX user_session_user_idx ON app.user_session (user_id);
CREATE INDEX user_session_expires_idx ON app.user_session (expires_at);

-- API tokens for scripts: `Authorization: Bearer <token>`; only the hash is kept; revoked_at ends it.
CREATE TABLE app.api_token (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES app.app_user (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash   text NOT NULL UNIQUE,
  prefix       text NOT NULL,            -- first characters of the token, to recognise it in a list
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_token_user_idx ON app.api_token (user_id);

-- The secret that signs session cookies, made on first use when CITYCHECK_SESSION_SECRET is not set.
CREATE TABLE app.auth_secret (
  id     integer PRIMARY KEY CHECK (id = 1),
  secret text NOT NULL CHECK (length(secret) >= 32)
);

-- The audit log names the person: the signed-in user's id (setting citycheck.user, set for every
-- database connection a request uses; server/auth/request-user.ts) and name. Rows written outside a
-- request (CLI, migrations) keep the database user as actor and no user_id.
ALTER TABLE app.audit_log ADD COLUMN user_id bigint;
CREATE INDEX audit_log_user_idx ON app.audit_log (user_id, at DESC);
CREATE INDEX audit_log_at_idx ON app.audit_log (at DESC);
ALTER TABLE app.import_run ADD COLUMN user_id bigint DEFAULT nullif(current_setting('citycheck.user', true), '')::bigint;

CREATE TRIGGER app_user_audit AFTER INSERT OR UPDATE OR DELETE ON app.app_user
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row('password_hash');
-- last_used_at is bookkeeping, not an edit: only creation, renaming and revocation are audited.
CREATE TRIGGER api_token_audit AFTER INSERT OR UPDATE OF name, revoked_at OR DELETE ON app.api_token
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row('token_hash');
