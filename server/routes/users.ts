/**
 * People, for admins (config role admin; server/plugins/auth.ts). Every change is audited with
 * the admin's name (trigger on app.app_user, without the password hash).
 *
 *   GET   /api/users          everyone, without secrets
 *   POST  /api/users          { username, role, dataset?, displayName?, password } → 201
 *   PATCH /api/users/:id      role, city scope, display name, disabled, password; ends their sessions
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { hashPassword } from '../auth/password.ts';
import { NewUserBodySchema, UserIdParamsSchema, UserPatchBodySchema, UserSchema, type NewUserBody, type UserPatchBody } from '../contract/auth.ts';
import { ErrorSchema } from '../contract/common.ts';
import { HttpError } from '../errors.ts';
import { userRepository } from '../repositories/user-repository.ts';

const tags = ['users'];
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export default async function userRoutes(app: FastifyInstance) {
  const users = userRepository(app.db);

  app.get('/api/users', {
    config: { role: 'admin' },
    schema: { tags, summary: 'Everyone who may sign in (admins)', response: { 200: Type.Array(UserSchema), ...errors } },
  }, async () => users.list());

  app.post<{ Body: NewUserBody }>('/api/users', {
    config: { role: 'admin' },
    schema: { tags, summary: 'Add a person (admins)', body: NewUserBodySchema, response: { 201: UserSchema, ...errors } },
  }, async (req, reply) => {
    const { password, ...rest } = req.body;
    const created = await users.create({ ...rest, passwordHash: await hashPassword(password) });
    return reply.status(201).send(created);
  });

  app.patch<{ Params: Static<typeof UserIdParamsSchema>; Body: UserPatchBody }>('/api/users/:id', {
    config: { role: 'admin' },
    schema: { tags, summary: 'Change a person\'s role, city, name, password or disable them (admins); their sessions end', params: UserIdParamsSchema, body: UserPatchBodySchema, response: { 200: UserSchema, ...errors } },
  }, async (req) => {
    const { password, ...rest } = req.body;
    const demotes = (rest.role !== undefined && rest.role !== 'admin') || rest.disabled === true;
    if (demotes) {
      const target = await users.byId(req.params.id);
      if (target?.role === 'admin' && !target.disabled && (await users.otherActiveAdmins(target.id)) === 0) {
        throw new HttpError(409, 'This is the last admin: make someone else admin first.', 'LAST_ADMIN');
      }
    }
    const updated = await users.update(req.params.id, { ...rest, ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}) });
    if (password !== undefined || rest.role !== undefined || rest.dataset !== undefined || rest.disabled === true) {
      await app.auth.sessions?.destroyUserSessions(updated.id);
    }
    return updated;
  });
}
