/**
 * Typed calls for sign-in and the audit trail over `http.ts`; types derived from the server's
 * contract (server/contract/auth.ts) with `import type` only. Signing in hands the CSRF token to
 * `http.ts`, which sends it with every write.
 */
import type { Static } from 'typebox';
import type { ApiTokenSchema, AuditListSchema, NewApiTokenSchema, NewUserBodySchema, SessionInfoSchema, UserPatchBodySchema, UserSchema } from '../../server/contract/auth.ts';
import { getJson, pathWith, sendJson, setCsrfToken } from './http.ts';

export type SessionInfo = Static<typeof SessionInfoSchema>;
export type AuditList = Static<typeof AuditListSchema>;
export type AuditEntry = AuditList['entries'][number];
export type User = Static<typeof UserSchema>;
export type NewUser = Static<typeof NewUserBodySchema>;
export type UserPatch = Static<typeof UserPatchBodySchema>;
export type ApiToken = Static<typeof ApiTokenSchema>;
export type NewApiToken = Static<typeof NewApiTokenSchema>;

function remember(s: SessionInfo): SessionInfo {
  setCsrfToken(s.csrfToken);
  return s;
}

/** Who is signed in (null user when nobody); also picks up the CSRF token of an existing session. */
export async function fetchSession(signal?: AbortSignal): Promise<SessionInfo> {
  return remember(await getJson<SessionInfo>('/api/auth/me', signal));
}

export async function signIn(username: string, password: string): Promise<SessionInfo> {
  return remember(await sendJson<SessionInfo>('/api/auth/sign-in', 'POST', { username, password }));
}

export async function signOut(): Promise<void> {
  await fetch('/api/auth/sign-out', { method: 'POST' });
  setCsrfToken(null);
}

export interface AuditFilter {
  userId?: number;
  table?: string;
  /** A map layer instead of a table (its features' history). */
  layer?: string;
  rowId?: number;
  from?: string;
  to?: string;
  before?: number;
  limit?: number;
}

/** One's own API tokens for scripts; a new token is shown once. */
export const fetchTokens = (signal?: AbortSignal) => getJson<ApiToken[]>('/api/auth/tokens', signal);
export const createToken = (name: string) => sendJson<NewApiToken>('/api/auth/tokens', 'POST', { name });
export const revokeToken = (id: number) => sendJson<ApiToken>(`/api/auth/tokens/${id}`, 'DELETE', undefined);
/** Changes one's own password; the server ends one's other sessions and gives this one a new id. */
export const changePassword = (currentPassword: string, newPassword: string) =>
  sendJson<null>('/api/auth/password', 'PUT', { currentPassword, newPassword });

/** Admins: everyone who may sign in. */
export const fetchUsers = (signal?: AbortSignal) => getJson<User[]>('/api/users', signal);
export const addUser = (u: NewUser) => sendJson<User>('/api/users', 'POST', u);
export const changeUser = (id: number, change: UserPatch) => sendJson<User>(`/api/users/${id}`, 'PATCH', change);

export function fetchAudit(f: AuditFilter, signal?: AbortSignal): Promise<AuditList> {
  return getJson<AuditList>(pathWith('/api/audit', { ...f }), signal);
}
