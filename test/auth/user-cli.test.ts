/**
 * `npm run user -- …`: the first admin from the shell, with the password on standard input (never
 * an argument, never a default); audited as `cli:<login>`; disabling ends sign-in.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../server/config.ts';
import { authApp, authDatabase } from './auth-app.ts';

let url: string;

function user(args: string[], input = '') {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/cli/user.ts'), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: url }, input, encoding: 'utf8', timeout: 60_000,
  });
}

beforeAll(async () => {
  url = await authDatabase('cli');
}, 60_000);

describe('npm run user', () => {
  it('adds the first admin with the password from standard input, who can then sign in', async () => {
    const r = user(['add', 'first.admin', '--role', 'admin', '--name', '管理员'], 'a long first password\n');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Added first.admin (admin)');
    const app = await authApp(url, { auth: { signInRateLimit: false } });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'first.admin', password: 'a long first password' } });
      expect(res.statusCode).toBe(200);
      expect(res.json().user).toMatchObject({ role: 'admin', displayName: '管理员' });
    } finally {
      await app.close();
    }
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const audit = await pool.query(`SELECT actor FROM app.audit_log WHERE table_name = 'app_user' ORDER BY id DESC LIMIT 1`);
      expect(audit.rows[0].actor).toMatch(/^cli:/);
    } finally {
      await pool.end();
    }
  });

  it('refuses without a password, with a short one, and with an unknown role (exit 2, nothing added)', () => {
    expect(user(['add', 'no.password', '--role', 'viewer']).status).toBe(2);
    const short = user(['add', 'short.password', '--role', 'viewer'], 'short\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/at least 10/);
    expect(user(['add', 'bad.role', '--role', 'king'], 'a long enough password\n').status).toBe(2);
    const list = user(['list']);
    expect(list.stdout).toContain('first.admin');
    expect(list.stdout).not.toMatch(/no\.password|short\.password|bad\.role|scrypt/);
  });

  it('disables a person so that sign-in fails', async () => {
    user(['add', 'temp.planner', '--role', 'planner'], 'a long enough password\n');
    expect(user(['disable', 'temp.planner']).status).toBe(0);
    const app = await authApp(url, { auth: { signInRateLimit: false } });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'temp.planner', password: 'a long enough password' } });
      expect(res.statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});

