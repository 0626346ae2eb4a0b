/**
 * The one error handler. Every failure becomes `{error, message, statusCode}` in our own words:
 *
 * - request validation → 400 with the schema message; HttpError → its status;
 * - our own SQL errors (`RAISE … USING ERRCODE = '22023'` in sql/functions) → 400 with their message;
 * - other data errors PostgreSQL or PostGIS raise because of the input (class 22, 23, and GEOS
 *   errors such as TopologyException) → 400 with a message of ours (PostgreSQL's text is logged, never sent);
 * - statement timeout (57014, also when it interrupts GEOS), lock timeout → 503 + Retry-After;
 * - the database unreachable or restarting (connection refused/reset, 57P01–57P03, class 08,
 *   too many connections) → 503 + Retry-After;
 * - a body over the limit → 413; rate limit → 429 + Retry-After (set by @fastify/rate-limit);
 * - anything else → 500 with the message hidden (logged).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.ts';

interface PgError extends Error {
  code?: string;
  routine?: string;
  errno?: number;
}

export interface ClassifiedError {
  status: number;
  message: string;
  code: string;
  headers?: Record<string, string>;
}

/** Seconds a client should wait after a 503 caused by the database being down or restarting. */
export const DB_DOWN_RETRY_AFTER_S = 5;

const dbUnavailable = (): ClassifiedError => ({
  status: 503, code: 'DATABASE_UNAVAILABLE', message: 'The database is not reachable right now; try again shortly.',
  headers: { 'retry-after': String(DB_DOWN_RETRY_AFTER_S) },
});
const timedOut = (): ClassifiedError => ({
  status: 503, code: 'TIMEOUT', message: 'The database took too long; try again shortly.', headers: { 'retry-after': '2' },
});

/** Node socket errors of a connection that could not be made or was cut. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** Messages node-postgres gives (without a code) when its connection ended or could not be had. */
const PG_CLIENT_DOWN = /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end)/;
/** node-postgres pool: no connection became free in connectionTimeoutMillis (the analysis queue is full). */
const PG_POOL_BUSY = /^timeout exceeded when trying to connect/;
/** GEOS and PostGIS geometry failures (SQLSTATE XX000) that come from the geometry they were given. */
const GEOS_INPUT = /TopologyException|GEOS\w*|side location conflict|IllegalArgumentException|Invalid number of points|Too few points|Self-intersection|geometry contains non-closed rings|LinearRing|Invalid hole|not a valid|must have at least|Unknown geometry type|parse error|Operation on mixed SRID/i;

/** Our words for PostgreSQL data errors (class 22) and constraint failures (class 23). */
function dataErrorMessage(code: string): string {
  switch (code) {
    case '22P02': return 'A value has the wrong form (for example text where a number or a geometry is expected).';
    case '22003': return 'A number is out of range.';
    case '22012': return 'A computation divided by zero; check the parameters.';
    case '22007': case '22008': return 'A date or time is not valid.';
    case '22001': return 'A text value is too long.';
    case '22004': case '22002': return 'A required value is missing.';
    case '22023': return 'A parameter value is not valid.';
    case '22021': case '22P05': return 'A text value is not valid UTF-8.';
    case '22032': case '22030': case '22031': case '22033': case '22034': case '22035': case '22036': case '22037': case '22038': case '22039': case '2203A': case '2203B': case '2203C': case '2203D': case '2203E': case '2203F':
      return 'A JSON value is not valid.';
    case '23505': return 'This item already exists.';
    case '23503': return 'This refers to an item that does not exist, or is still referred to by others.';
    case '23502': return 'A required value is missing.';
    case '23514': return 'A value breaks a rule of the data (for example an invalid or empty geometry).';
    default: return code.startsWith('23') ? 'The change breaks a rule of the data.' : 'A value in the request is not valid.';
  }
}

/** Maps any error to the status, code, message and headers we answer with. */
export function classifyError(err: FastifyError | PgError | HttpError): ClassifiedError {
  if (err instanceof HttpError) return { status: err.statusCode, message: err.message, code: err.code, headers: err.headers };
  const fe = err as FastifyError;
  if (fe.validation) return { status: 400, message: fe.message, code: 'VALIDATION' };
  // Connecting to a host name with several addresses (localhost → ::1, 127.0.0.1) fails with all of them.
  if (err instanceof AggregateError && !(err as PgError).code && err.errors[0] instanceof Error) return classifyError(err.errors[0] as PgError);
  const pe = err as PgError;
  const code = typeof pe.code === 'string' ? pe.code : undefined;
  const message = typeof pe.message === 'string' ? pe.message : '';

  if (code && SOCKET_CODES.has(code)) return dbUnavailable();
  if (!code && PG_CLIENT_DOWN.test(message)) return dbUnavailable();
  if (!code && PG_POOL_BUSY.test(message)) {
    return { status: 503, code: 'BUSY', message: 'The server is busy with other analyses; try again shortly.', headers: { 'retry-after': '10' } };
  }
  if (code && (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300', '53400'].includes(code))) return dbUnavailable();
  if (code === '57014' || code === '55P03') return timedOut();
  if (code === 'XX000' && /InterruptedException|Interrupted!/.test(message)) return timedOut();
  if (code === 'XX000' && GEOS_INPUT.test(message)) {
    return { status: 400, code: 'INVALID_GEOMETRY', message: 'A geometry could not be processed: it is invalid or degenerate (for example self-intersecting, too few points, or rings that do not close).' };
  }
  if (code && /^2[23]/.test(code)) {
    // A RAISE in our own SQL functions is written for the user (see sql/functions/*); anything
    // PostgreSQL or PostGIS raised itself is put in our words.
    const ours = pe.routine === 'exec_stmt_raise' && code.startsWith('22');
    return { status: 400, message: ours ? message : dataErrorMessage(code), code: `PG_${code}` };
  }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
    return { status: 413, code: 'BODY_TOO_LARGE', message: 'The request body is too large.' };
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
  if (status === 429) return { status, message: fe.message || 'Too many requests; slow down.', code: 'RATE_LIMITED' };
  if (status < 500) return { status, message, code: fe.code ?? 'CLIENT_ERROR' };
  if (typeof fe.statusCode === 'number' && fe.statusCode === 503) return { status: 503, message: 'Service unavailable; try again shortly.', code: 'UNAVAILABLE', headers: { 'retry-after': '5' } };
  return { status: 500, message: 'Internal server error', code: 'INTERNAL' };
}

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const c = classifyError(err);
      if (c.status === 503) request.log.warn({ err }, 'request answered 503');
      else if (c.status >= 500) request.log.error({ err }, 'request failed');
      else if (c.code.startsWith('PG_') || c.code === 'INVALID_GEOMETRY') request.log.info({ err }, 'request rejected by the database');
      if (c.headers) reply.headers(c.headers);
      return reply.status(c.status).type('application/json').send({ error: c.code, message: c.message, statusCode: c.status });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ error: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.slice(0, 200)}`, statusCode: 404 }),
    );
  },
  { name: 'error-handler' },
);
