/**
 * People and their API tokens (app.app_user, app.api_token; migration 140). Password and token
 * hashes are read only by {@link UserRepository.credentials} and {@link UserRepository.byToken},
 * never returned by the listing functions, so no route can send them by mistake.
 * Writes are audited by trigger (without the hashes) and name the signed-in admin.
 */
import { sql, type Kysely } from 'kysely';
import type { AuthUser, Role } from '../auth/roles.ts';
import { sha256Hex, newApiToken } from '../auth/tokens.ts';

type Db = Kysely<unknown>;

/** A user as listed to admins. */
export interface UserRow extends AuthUser {
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ApiTokenRow {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Unknown user, duplicate name, unknown city; 400/404/409 with the message. */
export class UserError extends Error {
  constructor(message: string, readonly statusCode: number, readonly code = 'USER') {
    super(message);
  }
}

const USER_COLUMNS = sql`u.id, u.username, u.display_name AS "displayName", u.role, u.dataset_id AS dataset,
  u.disabled, to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt",
  to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "updatedAt"`;
const TOKEN_COLUMNS = sql`id, name, prefix,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt",
  to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "lastUsedAt",
  to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "revokedAt"`;

async function assertCity(db: Db, dataset: string | null | undefined): Promise<void> {
  if (dataset == null) return;
  const r = await sql`SELECT 1 FROM app.dataset WHERE id = ${dataset}`.execute(db);
  if (!r.rows.length) throw new UserError(`Unknown city: ${dataset}`, 400, 'UNKNOWN_CITY');
}

export interface NewUser {
  username: string;
  displayName?: string;
  role: Role;
  dataset?: string | null;
  passwordHash: string;
}

export interface UserChange {
  displayName?: string;
  role?: Role;
  dataset?: string | null;
  disabled?: boolean;
  passwordHash?: string;
}

export function userRepository(db: Db) {
  const byId = async (id: number, trx: Db = db): Promise<UserRow | undefined> =>
    (await sql<UserRow>`SELECT ${USER_COLUMNS} FROM app.app_user u WHERE u.id = ${id}`.execute(trx)).rows[0];

  return {
    byId: (id: number) => byId(id),

    /** The enabled user with this id, as the auth plugin needs it; undefined when unknown or disabled. */
    async active(id: number): Promise<AuthUser | undefined> {
      const u = await byId(id);
      if (!u || u.disabled) return undefined;
      return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, dataset: u.dataset };
    },

    list: async (): Promise<UserRow[]> =>
      (await sql<UserRow>`SELECT ${USER_COLUMNS} FROM app.app_user u ORDER BY lower(u.username)`.execute(db)).rows,

    /** For sign-in only: the id and password hash of an enabled user by name (case-insensitive). */
    async credentials(username: string): Promise<{ id: number; passwordHash: string } | undefined> {
      const r = await sql<{ id: number; passwordHash: string }>`
        SELECT id, password_hash AS "passwordHash" FROM app.app_user
        WHERE lower(username) = lower(${username}) AND NOT disabled`.execute(db);
      return r.rows[0];
    },

    async create(u: NewUser): Promise<UserRow> {
      return db.transaction().execute(async (trx) => {
        await assertCity(trx, u.dataset);
        const taken = await sql`SELECT 1 FROM app.app_user WHERE lower(username) = lower(${u.username})`.execute(trx);
        if (taken.rows.length) throw new UserError(`The username ${u.username} is taken.`, 409, 'USERNAME_TAKEN');
        const r = await sql<{ id: number }>`
          INSERT INTO app.app_user (username, display_name, role, dataset_id, password_hash)
          VALUES (${u.username}, ${u.displayName ?? ''}, ${u.role}, ${u.dataset ?? null}, ${u.passwordHash})
          RETURNING id`.execute(trx);
        return (await byId(r.rows[0].id, trx))!;
      });
    },

    /** Changes the given fields; fields left out stay. 404 when unknown. */
    async update(id: number, c: UserChange): Promise<UserRow> {
      return db.transaction().execute(async (trx) => {
        if (c.dataset !== undefined) await assertCity(trx, c.dataset);
        const has = (k: keyof UserChange) => c[k] !== undefined;
        const r = await sql`
          UPDATE app.app_user SET
            display_name  = CASE WHEN ${has('displayName')} THEN ${c.displayName ?? ''} ELSE display_name END,
            role          = CASE WHEN ${has('role')} THEN ${c.role ?? 'viewer'} ELSE role END,
            dataset_id    = CASE WHEN ${has('dataset')} THEN ${c.dataset ?? null}::text ELSE dataset_id END,
            disabled      = CASE WHEN ${has('disabled')} THEN ${c.disabled ?? false} ELSE disabled END,
            password_hash = CASE WHEN ${has('passwordHash')} THEN ${c.passwordHash ?? ''} ELSE password_hash END,
            updated_at    = now()
          WHERE id = ${id}`.execute(trx);
        if (!r.numAffectedRows) throw new UserError(`No user ${id}.`, 404, 'NOT_FOUND');
        return (await byId(id, trx))!;
      });
    },

    /** Number of enabled admins other than `exceptId` (an installation keeps at least one). */
    async otherActiveAdmins(exceptId: number): Promise<number> {
      const r = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM app.app_user WHERE role = 'admin' AND NOT disabled AND id <> ${exceptId}`.execute(db);
      return r.rows[0].n;
    },

    /** Creates a token for a user; the token itself is returned once and never stored. */
    async createToken(userId: number, name: string): Promise<ApiTokenRow & { token: string }> {
      const token = newApiToken();
      const r = await sql<ApiTokenRow>`
        INSERT INTO app.api_token (user_id, name, token_hash, prefix)
        VALUES (${userId}, ${name}, ${sha256Hex(token)}, ${token.slice(0, 10)})
        RETURNING ${TOKEN_COLUMNS}`.execute(db);
      return { ...r.rows[0], token };
    },

    tokens: async (userId: number): Promise<ApiTokenRow[]> =>
      (await sql<ApiTokenRow>`SELECT ${TOKEN_COLUMNS} FROM app.api_token WHERE user_id = ${userId} ORDER BY id`.execute(db)).rows,

    /** Revokes a token of `userId` (any user's when `userId` is null: admins). 404 when not found. */
    async revokeToken(tokenId: number, userId: number | null): Promise<ApiTokenRow> {
      const r = await sql<ApiTokenRow>`
        UPDATE app.api_token SET revoked_at = coalesce(revoked_at, now())
        WHERE id = ${tokenId} AND (${userId}::bigint IS NULL OR user_id = ${userId}::bigint)
        RETURNING ${TOKEN_COLUMNS}`.execute(db);
      if (!r.rows.length) throw new UserError(`No token ${tokenId}.`, 404, 'NOT_FOUND');
      return r.rows[0];
    },

    /** The enabled user of an unrevoked token; notes its use. */
    async byToken(token: string): Promise<AuthUser | undefined> {
      const r = await sql<AuthUser & { tokenId: number }>`
        SELECT u.id, u.username, u.display_name AS "displayName", u.role, u.dataset_id AS dataset, t.id AS "tokenId"
        FROM app.api_token t JOIN app.app_user u ON u.id = t.user_id
        WHERE t.token_hash = ${sha256Hex(token)} AND t.revoked_at IS NULL AND NOT u.disabled`.execute(db);
      const row = r.rows[0];
      if (!row) return undefined;
      // last_used_at is bookkeeping, left out of the audit (trigger of migration 140), noted at most once a minute.
      await sql`UPDATE app.api_token SET last_used_at = now() WHERE id = ${row.tokenId} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`.execute(db);
      const { tokenId: _t, ...user } = row;
      return user;
    },
  };
}

export type UserRepository = ReturnType<typeof userRepository>;
