/**
 * The @fastify/session store in PostgreSQL (app.user_session, migration 140). Rows are keyed by the
 * SHA-256 of the session id, so a copy of the table (a backup) cannot sign anyone in. Lookups are
 * kept for a few seconds in memory: a signed-in map view sends many tile requests with the cookie,
 * and each would otherwise cost a query. Destroying a session or all of a user's sessions drops
 * them from memory at once (one server process; several processes would see a revocation within
 * {@link CACHE_MS}; role checks always re-read the user, see server/plugins/auth.ts).
 */
import type { Session } from 'fastify';
import type pg from 'pg';
import { sha256Hex } from './tokens.ts';

type Callback = (err?: unknown) => void;
type GetCallback = (err: unknown, session?: Session | null) => void;

const CACHE_MS = 5000;
const CACHE_MAX = 2000;

export class PgSessionStore {
  private readonly cache = new Map<string, { at: number; data: Session | null }>();

  constructor(private readonly pool: pg.Pool) {}

  get(sessionId: string, callback: GetCallback): void {
    const key = sha256Hex(sessionId);
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) {
      callback(null, hit.data);
      return;
    }
    this.pool.query<{ data: Session }>(
      'SELECT data FROM app.user_session WHERE sid_hash = $1 AND expires_at > now()', [key],
    ).then((r) => {
      const data = r.rows[0]?.data ?? null;
      this.remember(key, data);
      callback(null, data);
    }, (err) => callback(err));
  }

  set(sessionId: string, session: Session, callback: Callback): void {
    const key = sha256Hex(sessionId);
    const data = JSON.parse(JSON.stringify(session)) as Session;
    const expires = session.cookie?.expires ? new Date(session.cookie.expires) : new Date(Date.now() + 24 * 3600_000);
    const userId = typeof session.userId === 'number' ? session.userId : null;
    this.pool.query(
      `INSERT INTO app.user_session (sid_hash, user_id, data, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sid_hash) DO UPDATE SET user_id = EXCLUDED.user_id, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
      [key, userId, data, expires],
    ).then(() => {
      this.remember(key, data);
      callback();
    }, (err) => callback(err));
  }

  destroy(sessionId: string, callback: Callback): void {
    const key = sha256Hex(sessionId);
    this.cache.delete(key);
    this.pool.query('DELETE FROM app.user_session WHERE sid_hash = $1', [key]).then(() => callback(), (err) => callback(err));
  }

  /** Ends every session of a user (disabled, password or role changed); also drops expired rows. */
  async destroyUserSessions(userId: number): Promise<number> {
    this.cache.clear();
    const r = await this.pool.query('DELETE FROM app.user_session WHERE user_id = $1 OR expires_at <= now()', [userId]);
    return r.rowCount ?? 0;
  }

  private remember(key: string, data: Session | null): void {
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { at: Date.now(), data });
  }
}
