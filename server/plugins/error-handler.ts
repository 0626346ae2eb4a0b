/**
 * The one error handler. Maps request validation → 400, HttpError → its status, PostgreSQL data
 * errors (class 22, 23) → 400 with the message, statement timeout (57014) → 503 + Retry-After,
 * anything else → 500 with the message hidden (logged).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.ts';

interface PgError extends Error {
  code?: string;
}

export function classifyError(err: FastifyError | PgError | HttpError): { status: number; message: string; code: string; headers?: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.statusCode, message: err.message, code: err.code, headers: err.headers };
  const fe = err as FastifyError;
  if (fe.validation) return { status: 400, message: fe.message, code: 'VALIDATION' };
  const code = (err as PgError).code;
  if (code === '57014') return { status: 503, message: 'The database took too long; try again shortly.', code: 'TIMEOUT', headers: { 'retry-after': '2' } };
  if (code && /^2[23]/.test(code)) return { status: 400, message: err.message, code: `PG_${code}` };
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
  if (status < 500) return { status, message: err.message, code: fe.code ?? 'CLIENT_ERROR' };
  return { status: 500, message: 'Internal server error', code: 'INTERNAL' };
}

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const c = classifyError(err);
      if (c.status >= 500) request.log.error({ err }, 'request failed');
      if (c.headers) reply.headers(c.headers);
      return reply.status(c.status).type('application/json').send({ error: c.code, message: c.message, statusCode: c.status });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ error: 'NOT_FOUND', message: `No route for ${request.method} ${request.url}`, statusCode: 404 }),
    );
  },
  { name: 'error-handler' },
);
