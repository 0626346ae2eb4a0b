/**
 * `npm run user -- <command>`: people who may sign in, from the shell (the first admin is made
 * here; there is no default account and no default password).
 *
 *   add <username> --role viewer|planner|admin [--city <dataset id>] [--name <display name>]
 *   passwd <username>            set a new password (ends their sessions)
 *   disable <username>           no more sign-in; sessions and tokens stop working
 *   enable <username>
 *   list
 *
 * The password is read from standard input: typed twice without echo at a terminal, or the first
 * line of piped input (`printf '%s\n' "$PW" | npm run user -- add …`). Never from the command line,
 * where it would land in the shell history and the process list.
 * Changes are audited with actor `cli:<login name>`.
 */
import os from 'node:os';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { checkPasswordPolicy, hashPassword } from '../auth/password.ts';
import { ROLES, type Role } from '../auth/roles.ts';
import { loadConfig } from '../config.ts';
import { bootstrapDatabase } from '../db/bootstrap.ts';
import { userRepository } from '../repositories/user-repository.ts';

const USAGE = `Usage: npm run user -- add <username> --role viewer|planner|admin [--city <id>] [--name <name>]
       npm run user -- passwd|disable|enable <username>
       npm run user -- list`;

class UsageError extends Error {}

/** Reads one line from stdin; at a terminal without echo. */
function readSecret(prompt: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    process.stdout.write(prompt);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  return new Promise((resolve, reject) => {
    // resolve before close: closing emits 'close' at once.
    rl.once('line', (line) => { resolve(line); rl.close(); if (process.stdin.isTTY) process.stdout.write('\n'); });
    rl.once('close', () => reject(new UsageError('No password given on standard input.')));
  });
}

async function newPassword(): Promise<string> {
  const pw = await readSecret('Password: ');
  checkPasswordPolicy(pw);
  if (process.stdin.isTTY && (await readSecret('Again: ')) !== pw) throw new UsageError('The passwords differ.');
  return pw;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, city: { type: 'string' }, name: { type: 'string' } },
  });
  const [cmd, username] = positionals;
  if (!cmd || !['add', 'passwd', 'disable', 'enable', 'list'].includes(cmd)) throw new UsageError(USAGE);
  if (cmd !== 'list' && !username) throw new UsageError(USAGE);

  if (cmd === 'add' && (!values.role || !ROLES.includes(values.role as Role))) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  // The password first, before anything else may touch standard input.
  const password = cmd === 'add' || cmd === 'passwd' ? await newPassword() : undefined;
  const config = loadConfig();
  const url = await bootstrapDatabase({ ...config, log: () => {} });
  const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'citycheck-cli-user' });
  const actor = `cli:${os.userInfo().username}`;
  pool.on('connect', (c) => { c.query(`SELECT set_config('citycheck.actor', $1, false)`, [actor]).catch(() => {}); });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const users = userRepository(db);
  try {
    if (cmd === 'list') {
      for (const u of await users.list()) {
        console.log(`${u.id}\t${u.username}\t${u.role}\t${u.dataset ?? '(all cities)'}\t${u.disabled ? 'disabled' : 'active'}\t${u.displayName}`);
      }
      return;
    }
    if (cmd === 'add') {
      const passwordHash = await hashPassword(password!);
      const u = await users.create({ username: username!, role: values.role as Role, dataset: values.city ?? null, displayName: values.name ?? '', passwordHash });
      console.log(`Added ${u.username} (${u.role}${u.dataset ? `, city ${u.dataset}` : ''}), id ${u.id}.`);
      return;
    }
    const row = (await users.list()).find((u) => u.username.toLowerCase() === username!.toLowerCase());
    if (!row) throw new UsageError(`No user ${username}.`);
    if (cmd === 'passwd') await users.update(row.id, { passwordHash: await hashPassword(password!) });
    else await users.update(row.id, { disabled: cmd === 'disable' });
    if (cmd !== 'enable') await pool.query('DELETE FROM app.user_session WHERE user_id = $1', [row.id]);
    console.log(`${cmd}: ${row.username} done.`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: Error & { statusCode?: number }) => {
  console.error(err instanceof UsageError || err.statusCode ? err.message : err);
  process.exit(err instanceof UsageError || err.statusCode ? 2 : 1);
});
