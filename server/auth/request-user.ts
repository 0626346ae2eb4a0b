/**
 * Who is asking, for the database: the signed-in user of the request being served is kept in an
 * AsyncLocalStorage, and every pooled connection the request takes is given the setting
 * `citycheck.user` (their app.app_user id) before it is handed out. The audit triggers read it
 * (sql/functions/internal/audit_row.sql), so every write path names the person without each route
 * or repository passing the user along, including writes other engineers add later.
 *
 * Why a session-level setting rather than `set_config(…, true)` per transaction: many writes run as
 * a single autocommitted statement (no transaction to be local to). The setting is reconciled at
 * every checkout (set to the current request's user, or cleared), so a connection never carries one
 * request's user into another. Code that runs its own transaction may also set it locally with
 * {@link setTransactionUser}.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';

export interface RequestUserStore {
  userId: number | null;
}

export const requestUser = new AsyncLocalStorage<RequestUserStore>();

const TAGGED = Symbol('citycheck.user');
const WRAPPED = Symbol('citycheck.pool-wrapped');

type TaggedClient = pg.PoolClient & { [TAGGED]?: string };
type ConnectCallback = (err: Error | undefined, client?: pg.PoolClient, release?: (err?: Error | boolean) => void) => void;

/**
 * Makes every connection taken from `pool` carry the current request's user as citycheck.user.
 * Idempotent. The user is read when `connect` is called, in the caller's async context.
 */
export function tagPoolWithRequestUser(pool: pg.Pool): void {
  const p = pool as pg.Pool & { [WRAPPED]?: boolean };
  if (p[WRAPPED]) return;
  p[WRAPPED] = true;
  const original = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const connect = (cb?: ConnectCallback): Promise<pg.PoolClient> | undefined => {
    const uid = requestUser.getStore()?.userId;
    const want = uid == null ? '' : String(uid);
    const ready = original().then(async (client) => {
      const c = client as TaggedClient;
      if ((c[TAGGED] ?? '') !== want) {
        try {
          await client.query(`SELECT set_config('citycheck.user', $1, false)`, [want]);
        } catch (err) {
          client.release(err as Error);
          throw err;
        }
        c[TAGGED] = want;
      }
      return client;
    });
    if (!cb) return ready;
    ready.then((client) => cb(undefined, client, client.release.bind(client)), (err: Error) => cb(err));
    return undefined;
  };
  (pool as unknown as { connect: typeof connect }).connect = connect;
}

/** Inside a transaction: names `userId` as the writer for the rest of it (set_config(…, true)). */
export async function setTransactionUser(trx: Kysely<unknown>, userId: number): Promise<void> {
  await sql`SELECT set_config('citycheck.user', ${String(userId)}, true)`.execute(trx);
}
