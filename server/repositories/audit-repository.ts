/**
 * The audit trail (app.audit_log): who changed what, when, with the row before and after.
 * Filters are bound parameters; the table filter is checked against the audited tables (those with
 * an audit trigger) so a typo answers 400 instead of an empty list.
 */
import { sql, type Kysely } from 'kysely';

type Db = Kysely<unknown>;

export interface AuditFilter {
  /** app.app_user id of the person. */
  userId?: number;
  /** Audited table name, e.g. `facility_type_city`. */
  table?: string;
  /** A row (feature) id of that table. */
  rowId?: number;
  /** ISO time bounds, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  /** Entries with an id below this (paging: pass the last id seen). */
  before?: number;
  limit: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  userId: number | null;
  action: 'INSERT' | 'UPDATE' | 'DELETE';
  table: string;
  rowId: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export class AuditQueryError extends Error {
  readonly code = 'AUDIT_QUERY';
  readonly statusCode = 400;
}

export function auditRepository(db: Db) {
  return {
    /** Tables with an audit trigger (internal.audit_row / audit_keyed_row), sorted. */
    async auditedTables(): Promise<string[]> {
      const r = await sql<{ t: string }>`
        SELECT DISTINCT c.relname AS t
        FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_proc p ON p.oid = g.tgfoid
        WHERE n.nspname = 'app' AND NOT g.tgisinternal AND p.proname IN ('audit_row', 'audit_keyed_row')
        ORDER BY 1`.execute(db);
      return r.rows.map((x) => x.t);
    },

    /** Newest first, at most `limit` entries. */
    async list(f: AuditFilter): Promise<AuditEntry[]> {
      if (f.table !== undefined && !(await this.auditedTables()).includes(f.table)) {
        throw new AuditQueryError(`Table ${f.table} is not audited.`);
      }
      const r = await sql<AuditEntry>`
        SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor,
               user_id AS "userId", action, table_name AS table, row_id AS "rowId",
               old_row AS before, new_row AS after
        FROM app.audit_log
        WHERE (${f.userId ?? null}::bigint IS NULL OR user_id = ${f.userId ?? null}::bigint)
          AND (${f.table ?? null}::text IS NULL OR table_name = ${f.table ?? null}::text)
          AND (${f.rowId ?? null}::bigint IS NULL OR row_id = ${f.rowId ?? null}::bigint)
          AND (${f.from ?? null}::timestamptz IS NULL OR at >= ${f.from ?? null}::timestamptz)
          AND (${f.to ?? null}::timestamptz IS NULL OR at < ${f.to ?? null}::timestamptz)
          AND (${f.before ?? null}::bigint IS NULL OR id < ${f.before ?? null}::bigint)
        ORDER BY id DESC
        LIMIT ${f.limit}`.execute(db);
      return r.rows;
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
