/**
 * The one typed, validated configuration of CityCheck. Every variable, its default and meaning:
 *
 * | variable                 | default                       | meaning |
 * |--------------------------|-------------------------------|---------|
 * | DATABASE_URL             | (project-local cluster)       | an existing PostGIS; when set, nothing is installed or started |
 * | DATABASE_READ_URL        | (none)                        | read replicas, comma-separated: tiles, features, read-only analysis reads (server/db/replica-router.ts) |
 * | CITYCHECK_PGDATA         | `<repo>/.data/pg`             | data folder of the project-local cluster |
 * | CITYCHECK_PGPORT         | 54329                         | its port on 127.0.0.1 |
 * | CITYCHECK_DB             | citycheck                     | database name in the local cluster |
 * | HOST                     | 127.0.0.1                     | HTTP listen address |
 * | PORT                     | 8080                          | HTTP port |
 * | CITYCHECK_GEODATA        | `<repo>/../shared/geodata`    | folder with the default city's OSM extracts |
 * | STATEMENT_TIMEOUT_MS     | 8000                          | per-statement timeout of API queries |
 * | LOG_LEVEL                | info                          | pino log level |
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReadUrls } from './db/replica-router.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Config {
  databaseUrl: string | undefined;
  /** Read replicas (DATABASE_READ_URL); empty: none. */
  databaseReadUrls: string[];
  pgData: string;
  pgPort: number;
  dbName: string;
  host: string;
  port: number;
  geodataDir: string;
  statementTimeoutMs: number;
  logLevel: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_ERROR';
}

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer in ${min}–${max}, got "${raw}"`);
  return n;
}

/** Reads and validates the configuration; throws ConfigError with the variable name on bad input. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const dbName = env.CITYCHECK_DB || 'citycheck';
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new ConfigError(`CITYCHECK_DB must be a plain identifier, got "${dbName}"`);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  let databaseReadUrls: string[];
  try {
    databaseReadUrls = parseReadUrls(env.DATABASE_READ_URL);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return {
    databaseUrl,
    databaseReadUrls,
    pgData: path.resolve(env.CITYCHECK_PGDATA || path.join(REPO_ROOT, '.data/pg')),
    pgPort: int(env, 'CITYCHECK_PGPORT', 54329, 1024, 65535),
    dbName,
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 8080, 0, 65535),
    geodataDir: path.resolve(env.CITYCHECK_GEODATA || path.join(REPO_ROOT, '../shared/geodata')),
    statementTimeoutMs: int(env, 'STATEMENT_TIMEOUT_MS', 8000, 100, 600000),
    logLevel,
  };
}
