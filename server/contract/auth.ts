/**
 * Contract of sign-in, people, API tokens and the audit trail (TypeBox; camelCase on the wire).
 * No schema here has a field for a password hash or a token hash: response serialisation drops
 * anything not declared, so a hash cannot leave the server even if a query selected it.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from './common.ts';

export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('planner'), Type.Literal('admin')], {
  description: 'viewer reads; planner also runs and saves analyses and edits city data; admin also manages people and installation settings',
});

const CityScopeField = Nullable(Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 100, description: 'The one city (app.dataset id) this account may write; null = every city' }));

export const AuthUserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  dataset: Nullable(Type.String()),
});
export type AuthUserDto = Static<typeof AuthUserSchema>;

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  dataset: Nullable(Type.String()),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type UserDto = Static<typeof UserSchema>;

/** Who is signed in, the CSRF token to send as `x-csrf-token` with writes, and the read policy. */
export const SessionInfoSchema = Type.Object({
  user: Nullable(AuthUserSchema),
  csrfToken: Nullable(Type.String({ description: 'Send as header x-csrf-token with every write made with the session cookie' })),
  readAccess: Type.Union([Type.Literal('public'), Type.Literal('signed-in')], { description: 'public: reading needs no sign-in; signed-in: an intranet deployment' }),
  mode: Type.Union([Type.Literal('on'), Type.Literal('off')], { description: 'off only in tests written before sign-in: every control is usable without one' }),
});
export type SessionInfo = Static<typeof SessionInfoSchema>;

export const UsernameSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$', description: '2–64 letters, digits, _ . @ -' });
const PasswordInput = Type.String({ minLength: 1, maxLength: 200 });

export const SignInBodySchema = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: PasswordInput }, { additionalProperties: false });
export type SignInBody = Static<typeof SignInBodySchema>;

export const PasswordChangeBodySchema = Type.Object({ currentPassword: PasswordInput, newPassword: PasswordInput }, { additionalProperties: false });
export type PasswordChangeBody = Static<typeof PasswordChangeBodySchema>;

export const NewUserBodySchema = Type.Object({
  username: UsernameSchema,
  displayName: Type.Optional(Type.String({ maxLength: 100 })),
  role: RoleSchema,
  dataset: Type.Optional(CityScopeField),
  password: PasswordInput,
}, { additionalProperties: false });
export type NewUserBody = Static<typeof NewUserBodySchema>;

export const UserPatchBodySchema = Type.Object({
  displayName: Type.Optional(Type.String({ maxLength: 100 })),
  role: Type.Optional(RoleSchema),
  dataset: Type.Optional(CityScopeField),
  disabled: Type.Optional(Type.Boolean()),
  password: Type.Optional(PasswordInput),
}, { additionalProperties: false, minProperties: 1 });
export type UserPatchBody = Static<typeof UserPatchBodySchema>;

export const UserIdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the token, to recognise it' }),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
});
export type ApiTokenDto = Static<typeof ApiTokenSchema>;
export const NewApiTokenSchema = Type.Object({
  ...ApiTokenSchema.properties,
  token: Type.String({ description: 'Shown once: send as `Authorization: Bearer <token>`; only its hash is kept' }),
});
export const NewTokenBodySchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const AuditQuerySchema = Type.Object({
  userId: Type.Optional(Type.Integer({ minimum: 1, description: 'app.app_user id' })),
  table: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 63, description: 'an audited table, e.g. facility_type_city' })),
  layer: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 63, description: 'a map layer (tile/feature collection id) instead of table: its main table' })),
  rowId: Type.Optional(Type.Integer({ description: 'a row (feature) of that table or layer: its history' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'ISO time, inclusive' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'ISO time, exclusive' })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'paging: entries older than this id' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
}, { additionalProperties: false });
export type AuditQuery = Static<typeof AuditQuerySchema>;

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String({ description: 'username of the signed-in person, or the database user for CLI/migration writes' }),
  userId: Nullable(Type.Integer()),
  action: Type.Union([Type.Literal('INSERT'), Type.Literal('UPDATE'), Type.Literal('DELETE')]),
  table: Type.String(),
  rowId: Nullable(Type.Integer()),
  before: Nullable(Type.Record(Type.String(), Type.Unknown())),
  after: Nullable(Type.Record(Type.String(), Type.Unknown())),
});
export type AuditEntryDto = Static<typeof AuditEntrySchema>;

export const AuditListSchema = Type.Object({
  entries: Type.Array(AuditEntrySchema),
  limit: Type.Integer(),
  /** Pass as `before` for the next page; null on the last page. */
  nextBefore: Nullable(Type.Integer()),
  tables: Type.Array(Type.String(), { description: 'the audited tables (filter choices)' }),
});
export type AuditList = Static<typeof AuditListSchema>;
