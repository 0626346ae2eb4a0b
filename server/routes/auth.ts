/**
 * Sign-in, sign-out, who am I, one's own password and API tokens (server/plugins/auth.ts checks
 * every route; these routes say what they need in `config`).
 *
 *   GET    /api/auth/me               who is signed in, the CSRF token for writes, the read policy
 *   POST   /api/auth/sign-in          { username, password } → session cookie (rate limited)
 *   POST   /api/auth/sign-out         ends the session
 *   PUT    /api/auth/password         { currentPassword, newPassword }; ends the person's other sessions
 *   GET    /api/auth/tokens           one's own API tokens (never the token itself)
 *   POST   /api/auth/tokens           { name } → the token, shown once
 *   DELETE /api/auth/tokens/:id       revoke one of one's own tokens
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../auth/password.ts';
import {
  ApiTokenSchema, NewApiTokenSchema, NewTokenBodySchema, PasswordChangeBodySchema, SessionInfoSchema, SignInBodySchema,
  type PasswordChangeBody, type SessionInfo, type SignInBody,
} from '../contract/auth.ts';
import { ErrorSchema } from '../contract/common.ts';
import { HttpError } from '../errors.ts';
import { userRepository } from '../repositories/user-repository.ts';

const tags = ['auth'];
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 429: ErrorSchema };
const TokenIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export default async function authRoutes(app: FastifyInstance) {
  const users = userRepository(app.db);
  const on = app.auth.mode === 'on';

  app.get('/api/auth/me', {
    config: { auth: 'optional' },
    schema: { tags, summary: 'Who is signed in, with the CSRF token to send as x-csrf-token with writes', response: { 200: SessionInfoSchema } },
  }, async (req, reply): Promise<SessionInfo> => ({
    user: req.user,
    csrfToken: req.user && req.authVia === 'session' ? reply.generateCsrf() : null,
    readAccess: app.auth.readAccess,
    mode: app.auth.mode,
  }));
  if (!on) return;

  const limit = app.auth.signInRateLimit;
  app.post<{ Body: SignInBody }>('/api/auth/sign-in', {
    config: {
      auth: 'public',
      // Per client address and username, counted after the body is read.
      rateLimit: limit ? {
        max: limit.max, timeWindow: limit.timeWindowMs, hook: 'preHandler', groupId: 'sign-in',
        keyGenerator: (req) => `${req.ip}|${String((req.body as SignInBody | undefined)?.username ?? '').toLowerCase()}`,
        errorResponseBuilder: (_req, ctx) => Object.assign(new Error(`Too many sign-in attempts; retry in ${ctx.after}.`), { statusCode: 429 }),
      } : false,
    },
    schema: { tags, summary: 'Sign in with username and password; sets the session cookie', body: SignInBodySchema, response: { 200: SessionInfoSchema, ...errors } },
  }, async (req, reply): Promise<SessionInfo> => {
    const cred = await users.credentials(req.body.username);
    // An unknown name costs the same scrypt work as a wrong password.
    const ok = await verifyPassword(req.body.password, cred?.passwordHash ?? await decoyPasswordHash());
    if (!cred || !ok) throw new HttpError(401, 'Wrong username or password (用户名或密码错误).', 'SIGN_IN_FAILED');
    await req.session.regenerate(); // a new session id at sign-in (no session fixation)
    req.session.set('userId', cred.id);
    const user = await users.active(cred.id);
    req.log.info({ userId: cred.id }, 'signed in');
    return { user: user!, csrfToken: reply.generateCsrf(), readAccess: app.auth.readAccess, mode: app.auth.mode };
  });

  app.post('/api/auth/sign-out', {
    config: { auth: 'optional' },
    schema: { tags, summary: 'End the session', response: { 204: Type.Null() } },
  }, async (req, reply) => {
    if (req.authVia === 'session') await req.session.destroy();
    return reply.status(204).send();
  });

  app.put<{ Body: PasswordChangeBody }>('/api/auth/password', {
    config: { role: 'viewer' },
    schema: { tags, summary: 'Change one\'s own password; other sessions of the person end', body: PasswordChangeBodySchema, response: { 204: Type.Null(), ...errors } },
  }, async (req, reply) => {
    const me = req.user!;
    const cred = await users.credentials(me.username);
    if (!cred || !(await verifyPassword(req.body.currentPassword, cred.passwordHash))) {
      throw new HttpError(400, 'The current password is wrong.', 'WRONG_PASSWORD');
    }
    await users.update(me.id, { passwordHash: await hashPassword(req.body.newPassword) });
    await app.auth.sessions?.destroyUserSessions(me.id);
    if (req.authVia === 'session') {
      await req.session.regenerate();
      req.session.set('userId', me.id);
    }
    return reply.status(204).send();
  });

  app.get('/api/auth/tokens', {
    config: { role: 'viewer' },
    schema: { tags, summary: 'One\'s own API tokens (the tokens themselves are never shown again)', response: { 200: Type.Array(ApiTokenSchema), ...errors } },
  }, async (req) => users.tokens(req.user!.id));

  app.post<{ Body: Static<typeof NewTokenBodySchema> }>('/api/auth/tokens', {
    config: { role: 'viewer' },
    schema: { tags, summary: 'Create an API token for scripts (Authorization: Bearer …); shown once', body: NewTokenBodySchema, response: { 201: NewApiTokenSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await users.createToken(req.user!.id, req.body.name)));

  app.delete<{ Params: Static<typeof TokenIdParams> }>('/api/auth/tokens/:id', {
    config: { role: 'viewer' },
    schema: { tags, summary: 'Revoke one of one\'s own API tokens', params: TokenIdParams, response: { 200: ApiTokenSchema, ...errors } },
  }, async (req) => users.revokeToken(req.params.id, req.user!.id));
}
