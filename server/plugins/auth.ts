/**
 * Sign-in and roles for every route, without the routes knowing (one `onRoute` hook):
 *
 * - every POST/PUT/PATCH/DELETE requires `planner`, unless the route says otherwise in its config:
 *   `config: { role: 'admin' }` (or `'viewer'`: any signed-in person), `config: { auth: 'public' }`
 *   (sign-in itself);
 * - GET/HEAD stay open in a public deployment (`readAccess: 'public'`, the default); in an intranet
 *   deployment (`'signed-in'`) the API, tiles, styles, features and docs need a signed-in viewer
 *   (the client's own files stay open, so the sign-in page can load); `config: { role }` raises it;
 * - who: a session cookie (@fastify/session; secure when served over https, HttpOnly, SameSite,
 *   stored in app.user_session by hash) or `Authorization: Bearer <API token>` (scripts);
 * - a write made with the session cookie must carry the CSRF token (`x-csrf-token`, from sign-in
 *   or GET /api/auth/me) → else 403 (@fastify/csrf-protection); token-authenticated calls need none
 *   (a browser never sends the token by itself);
 * - a city-scoped account writes only its city: a request naming another city (`dataset` in the
 *   query or body, the city in /api/datasets/:id) → 403;
 * - no user → 401, too small a role → 403. The check runs before the body is read or validated.
 * - the user is set for the database too (server/auth/request-user.ts), so audit rows name them.
 *
 * `mode: 'off'` (tests written before sign-in existed, never the server's default) attaches no check.
 * Decorates `app.auth` (mode, read access, the route policy table, the session store) and
 * `request.user`.
 *
 * Environment (each also settable through AuthPluginOptions, which wins):
 * | variable                           | default | meaning |
 * |------------------------------------|---------|---------|
 * | CITYCHECK_READ_ACCESS              | public  | `public`: reading needs no sign-in; `signed-in`: intranet |
 * | CITYCHECK_SESSION_SECRET           | (made once, kept in app.auth_secret) | signs session cookies (≥ 32 characters) |
 * | CITYCHECK_SESSION_HOURS            | 12      | a session ends this long after sign-in |
 * | CITYCHECK_COOKIE_SECURE            | auto    | `auto`: Secure when the request came over https (behind a proxy: CITYCHECK_TRUST_PROXY=1); `true`: always |
 * | CITYCHECK_SIGNIN_RATE_LIMIT_MAX    | 10      | sign-in attempts per client address and username per minute (429 + Retry-After) |
 */
import { randomBytes } from 'node:crypto';
import fastifyCookie, { Signer } from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { hasRole, ROLES, type AuthUser, type Role } from '../auth/roles.ts';
import { requestUser, tagPoolWithRequestUser } from '../auth/request-user.ts';
import { PgSessionStore } from '../auth/session-store.ts';
import { HttpError } from '../errors.ts';
import { userRepository } from '../repositories/user-repository.ts';

export type ReadAccess = 'public' | 'signed-in';

export interface AuthPluginOptions {
  /** 'on' (default). 'off' only for tests written before sign-in: no check at all. */
  mode?: 'on' | 'off';
  readAccess?: ReadAccess;
  sessionSecret?: string;
  sessionHours?: number;
  cookieSecure?: 'auto' | true;
  /** Sign-in attempts per client address and username per minute; false = no limit. */
  signInRateLimit?: { max: number; timeWindowMs: number } | false;
}

/** What a route requires: nothing, or a signed-in person with at least this role. */
export type RoutePolicy = { kind: 'public' } | { kind: 'optional' } | { kind: 'role'; role: Role };

export interface RoutePolicyEntry {
  method: string;
  url: string;
  policy: RoutePolicy;
}

/** Route config understood by this plugin. */
export interface AuthRouteConfig {
  role?: Role;
  /**
   * public: no sign-in needed even for a write; optional: reads who is signed in, requires nobody;
   * read: a POST that only computes (a what-if, an analysis run whose stored result changes no city
   * data) follows the deployment's read access like a GET, so a public map's visitors can use the
   * analysis panels; rate limits still apply.
   */
  auth?: 'public' | 'optional' | 'read';
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: {
      mode: 'on' | 'off';
      readAccess: ReadAccess;
      /** Every route with what it requires, in registration order (the matrix test reads it). */
      routes: readonly RoutePolicyEntry[];
      sessions: PgSessionStore | null;
      signInRateLimit: { max: number; timeWindowMs: number } | false;
    };
  }
  interface FastifyRequest {
    /** The signed-in person, when the route's policy looked (null otherwise). */
    user: AuthUser | null;
    /** How they proved it. */
    authVia: 'session' | 'token' | null;
  }
  interface FastifyContextConfig {
    /** The least role a route needs (server/plugins/auth.ts). */
    role?: Role;
    /** public: no sign-in even for a write; optional: reads who is signed in, requires nobody; read: like a GET. */
    auth?: 'public' | 'optional' | 'read';
  }
  interface Session {
    userId?: number;
    _csrf?: string;
  }
}

/** A bad CITYCHECK_* auth setting. */
export class AuthConfigError extends Error {
  readonly code = 'AUTH_CONFIG_ERROR';
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Reads that an intranet deployment keeps behind sign-in; the client's own files stay open. */
const PROTECTED_READS = /^\/(api|tiles|styles|ogc|collections|conformance|docs)(\/|$)/;

function readAccessFromEnv(): ReadAccess {
  const v = process.env.CITYCHECK_READ_ACCESS || 'public';
  if (v !== 'public' && v !== 'signed-in') throw new AuthConfigError(`CITYCHECK_READ_ACCESS must be public or signed-in, got "${v}"`);
  return v;
}

function intFromEnv(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new AuthConfigError(`${name} must be an integer in ${min}–${max}, got "${raw}"`);
  return n;
}

/** The policy of one route: from its method, its config and the read access of the deployment. */
export function routePolicy(method: string, url: string, config: AuthRouteConfig | undefined, readAccess: ReadAccess): RoutePolicy {
  if (config?.role !== undefined) {
    if (!ROLES.includes(config.role)) throw new AuthConfigError(`Route ${method} ${url}: unknown role "${config.role}"`);
    return { kind: 'role', role: config.role };
  }
  if (config?.auth === 'public') return { kind: 'public' };
  if (config?.auth === 'optional') return { kind: 'optional' };
  if (config?.auth === 'read') return routePolicy('GET', url, undefined, readAccess);
  if (WRITE_METHODS.has(method)) return { kind: 'role', role: 'planner' };
  if (readAccess === 'signed-in' && PROTECTED_READS.test(url)) return { kind: 'role', role: 'viewer' };
  // Reads of the API still look at who is asking (a GET that saves names them); tiles and files do not.
  return url.startsWith('/api/') ? { kind: 'optional' } : { kind: 'public' };
}

/** The city a request names, for the city scope of an account: `dataset` in query or body, or /api/datasets/:id. */
function namedCity(req: FastifyRequest): string | undefined {
  const q = req.query as Record<string, unknown> | undefined;
  const b = req.body as Record<string, unknown> | undefined;
  const p = req.params as Record<string, unknown> | undefined;
  for (const v of [q?.dataset, b && typeof b === 'object' ? b.dataset : undefined]) if (typeof v === 'string') return v;
  if (req.routeOptions.url?.startsWith('/api/datasets/:id') && typeof p?.id === 'string') return p.id;
  return undefined;
}

async function sessionSecret(databaseUrl: string, given: string | undefined): Promise<string> {
  const secret = given ?? process.env.CITYCHECK_SESSION_SECRET;
  if (secret !== undefined && secret !== '') {
    if (secret.length < 32) throw new AuthConfigError('CITYCHECK_SESSION_SECRET must have at least 32 characters');
    return secret;
  }
  // Made once per installation and kept in the database, so sessions survive a restart.
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'citycheck-auth' });
  await client.connect();
  try {
    await client.query('INSERT INTO app.auth_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [randomBytes(32).toString('base64url')]);
    return (await client.query<{ secret: string }>('SELECT secret FROM app.auth_secret WHERE id = 1')).rows[0].secret;
  } finally {
    await client.end();
  }
}

export default fp<AuthPluginOptions & { databaseUrl: string }>(
  async (app, opts) => {
    const mode = opts.mode ?? 'on';
    const readAccess = opts.readAccess ?? readAccessFromEnv();
    const signInRateLimit = opts.signInRateLimit ?? (() => {
      const max = intFromEnv('CITYCHECK_SIGNIN_RATE_LIMIT_MAX', 10, 0, 10_000);
      return max === 0 ? false : { max, timeWindowMs: 60_000 };
    })();
    const routes: RoutePolicyEntry[] = [];
    const state: FastifyInstance['auth'] = { mode, readAccess, routes, sessions: null, signInRateLimit };
    app.decorate('auth', state);
    app.decorateRequest('user', null);
    app.decorateRequest('authVia', null);

    app.addHook('onRoute', (route) => {
      const methods = (Array.isArray(route.method) ? route.method : [route.method]) as HTTPMethods[];
      const config = route.config as AuthRouteConfig | undefined;
      const policies = methods.map((m) => routePolicy(m, route.url, config, readAccess));
      methods.forEach((m, i) => routes.push({ method: m, url: route.url, policy: policies[i] }));
      if (mode === 'off') return;
      const byMethod = new Map(methods.map((m, i) => [m as string, policies[i]]));
      const check: onRequestHookHandler = async function (req, reply) {
        // false: the CSRF check has already answered 403.
        if (!(await authorize(req, reply, byMethod.get(req.method) ?? policies[0]))) return reply;
      };
      const scope: preHandlerHookHandler = async function (req) {
        checkCityScope(req);
      };
      const list = <T>(h: T | T[] | undefined): T[] => (h === undefined ? [] : Array.isArray(h) ? h : [h]);
      route.onRequest = [check, ...list(route.onRequest)] as typeof route.onRequest;
      if (policies.some((p) => p.kind === 'role')) route.preHandler = [scope, ...list(route.preHandler)] as typeof route.preHandler;
    });
    if (mode === 'off') return;

    tagPoolWithRequestUser(app.pg);
    tagPoolWithRequestUser(app.analysisPg);
    const users = userRepository(app.db);
    const store = new PgSessionStore(app.pg);
    state.sessions = store;

    // Every request runs in its own user context (read when a database connection is taken).
    app.addHook('onRequest', (_req, _reply, done) => requestUser.run({ userId: null }, done));

    // The signing secret is read from the database on first use, so the app starts (and /api/health
    // answers its own 503) while the database is down; until it is read, no cookie is valid and
    // none is issued (a session cannot be stored without the database anyway).
    let signer: Signer | undefined;
    let loading: Promise<void> | undefined;
    app.addHook('onRequest', async (req) => {
      if (signer) return;
      loading ??= sessionSecret(opts.databaseUrl, opts.sessionSecret).then((s) => { signer = new Signer(s, 'sha256'); });
      try {
        await loading;
      } catch (err) {
        loading = undefined;
        if (err instanceof AuthConfigError) throw err;
        req.log.warn({ err }, 'session secret not readable yet (database down?)');
      }
    });
    const lazySigner = {
      sign: (value: string) => (signer ? signer.sign(value) : `unsigned.${value}`),
      unsign: (value: string) => (signer ? signer.unsign(value) : { valid: false, renew: false, value: null }),
    };
    const hours = opts.sessionHours ?? intFromEnv('CITYCHECK_SESSION_HOURS', 12, 1, 24 * 90);
    const secureEnv = process.env.CITYCHECK_COOKIE_SECURE || 'auto';
    if (secureEnv !== 'auto' && secureEnv !== 'true') throw new AuthConfigError(`CITYCHECK_COOKIE_SECURE must be auto or true, got "${secureEnv}"`);
    await app.register(fastifyCookie);
    await app.register(fastifySession, {
      secret: lazySigner,
      cookieName: 'citycheck_session',
      store,
      saveUninitialized: false,
      rolling: false,
      cookie: { path: '/', httpOnly: true, sameSite: 'strict', secure: opts.cookieSecure ?? (secureEnv === 'true' ? true : 'auto'), maxAge: hours * 3600_000 },
    });
    await app.register(csrfProtection, {
      sessionPlugin: '@fastify/session',
      getToken: (req) => {
        const h = req.headers['x-csrf-token'];
        return typeof h === 'string' ? h : undefined;
      },
    });

    async function resolveUser(req: FastifyRequest): Promise<void> {
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const m = /^Bearer\s+(\S+)$/i.exec(authorization);
        const user = m ? await users.byToken(m[1]) : undefined;
        if (!user) throw new HttpError(401, 'The API token is not valid or was revoked.', 'INVALID_TOKEN', { 'www-authenticate': 'Bearer' });
        req.user = user;
        req.authVia = 'token';
      } else {
        const id = req.session?.get('userId');
        if (typeof id !== 'number') return;
        const user = await users.active(id);
        if (!user) {
          await req.session.destroy(); // disabled or removed since sign-in
          return;
        }
        req.user = user;
        req.authVia = 'session';
      }
      const ctx = requestUser.getStore();
      if (ctx) ctx.userId = req.user.id;
    }

    async function authorize(req: FastifyRequest, reply: FastifyReply, policy: RoutePolicy): Promise<boolean> {
      if (policy.kind === 'public') return true;
      await resolveUser(req);
      if (policy.kind === 'optional') return true;
      if (!req.user) throw new HttpError(401, 'Sign in first (登录后才能进行此操作).', 'UNAUTHENTICATED');
      if (!hasRole(req.user.role, policy.role)) {
        throw new HttpError(403, `This needs the ${policy.role} role; ${req.user.username} is ${req.user.role}.`, 'FORBIDDEN');
      }
      if (req.authVia === 'session' && WRITE_METHODS.has(req.method)) {
        // Answers 403 itself (FST_CSRF_MISSING_SECRET / FST_CSRF_INVALID_TOKEN) when the x-csrf-token header is missing or wrong.
        let passed = false;
        app.csrfProtection(req, reply, () => { passed = true; });
        return passed;
      }
      return true;
    }

    function checkCityScope(req: FastifyRequest): void {
      const user = req.user;
      if (!user?.dataset || !WRITE_METHODS.has(req.method)) return;
      const city = namedCity(req);
      if (city !== undefined && city !== user.dataset) {
        throw new HttpError(403, `${user.username} may change only the city ${user.dataset}, not ${city}.`, 'CITY_SCOPE');
      }
    }
  },
  { name: 'auth', dependencies: ['db'] },
);
