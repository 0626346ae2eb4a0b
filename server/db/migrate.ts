/**
 * Forward-only migrations (`sql/migrations/NNN_name.sql`, applied once, in order, each in its own
 * transaction) and re-applied SQL functions (`sql/functions/<schema>/<name>.sql`, `CREATE OR REPLACE`,
 * re-run whenever their text changes). Both are recorded in `public.citycheck_schema` with checksums,
 * so editing a merged migration is detected and refused.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const SQL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql');

export class MigrationError extends Error {
  readonly code = 'MIGRATION_ERROR';
}

const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

function listSql(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Creates the database (if missing) with PostGIS and pgRouting, connecting through the maintenance URL. */
export async function ensureDatabase(adminUrl: string, dbName: string, opts: { recreate?: boolean } = {}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new MigrationError(`Invalid database name: ${dbName}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (opts.recreate) await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${dbName}" TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** Applies pending migrations and changed functions. Safe to run concurrently (advisory lock). */
export async function migrate(databaseUrl: string, log: (m: string) => void = () => {}): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(7291001)');
    await client.query(`CREATE TABLE IF NOT EXISTS public.citycheck_schema (
      kind text NOT NULL, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (kind, name))`);
    const { rows } = await client.query<{ kind: string; name: string; checksum: string }>(
      'SELECT kind, name, checksum FROM public.citycheck_schema',
    );
    const applied = new Map(rows.map((r) => [`${r.kind}:${r.name}`, r.checksum]));

    for (const file of listSql(path.join(SQL_DIR, 'migrations'))) {
      const name = path.basename(file);
      const text = fs.readFileSync(file, 'utf8');
      const prior = applied.get(`migration:${name}`);
      if (prior) {
        if (prior !== sha(text)) throw new MigrationError(`Migration ${name} was edited after it was applied; add a new migration instead.`);
        continue;
      }
      log(`migration ${name}`);
      await runInTransaction(client, text, 'migration', name, file);
    }
    for (const file of listSql(path.join(SQL_DIR, 'functions'))) {
      const name = path.relative(path.join(SQL_DIR, 'functions'), file);
      const text = fs.readFileSync(file, 'utf8');
      if (applied.get(`function:${name}`) === sha(text)) continue;
      log(`function ${name}`);
      await runInTransaction(client, text, 'function', name, file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(7291001)').catch(() => {});
    await client.end();
  }
}

async function runInTransaction(client: pg.Client, text: string, kind: string, name: string, file: string) {
  try {
    await client.query('BEGIN');
    await client.query(text);
    await client.query(
      `INSERT INTO public.citycheck_schema (kind, name, checksum) VALUES ($1, $2, $3)
       ON CONFLICT (kind, name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()`,
      [kind, name, sha(text)],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw new MigrationError(`${file}: ${(err as Error).message}`);
  }
}
