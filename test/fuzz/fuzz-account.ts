/**
 * The fuzzer's own admin account and API token, made straight in the database (never through the
 * API it is fuzzing). Minted again whenever hostile requests revoke the token or disable the account.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { hashPassword } from '../../server/auth/password.ts';
import { userRepository } from '../../server/repositories/user-repository.ts';

export const FUZZ_USERNAME = 'fuzz-admin';

/** Creates (or re-enables) the `fuzz-admin` admin and returns a fresh API token for it. */
export async function fuzzAdminToken(databaseUrl: string): Promise<string> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const users = userRepository(db);
    const existing = (await users.list()).find((u) => u.username === FUZZ_USERNAME);
    const user = existing
      ? await users.update(existing.id, { disabled: false, role: 'admin', dataset: null })
      : await users.create({ username: FUZZ_USERNAME, displayName: 'fuzz', role: 'admin', passwordHash: await hashPassword(randomBytes(24).toString('base64url')) });
    return (await users.createToken(user.id, 'fuzz')).token;
  } finally {
    await db.destroy();
  }
}
