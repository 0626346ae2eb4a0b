/**
 * md5 of an ordered text dump of every `app.*` table that holds the city's layers and settings, so a
 * fuzz run can prove that no request changed them. Tables that requests legitimately write are left
 * out by name: analysis runs and their results, saved scenarios, audit and import logs, accounts and
 * sessions, the planner's own records (renewal projects, check cycles, manual values, indicator
 * thresholds, problem actions, status histories), the per-city facility catalog overrides and
 * settings; and by column where a route edits a layer row on purpose: a city's display name, an
 * estate's renovation fields, a waterlogging point's status (their other columns are kept).
 */
import pg from 'pg';

/** Tables written by the API on purpose (name patterns), with the reason shown in reports. */
export const WRITTEN_BY_REQUESTS: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /^(coverage|life_circle)_/, why: 'analysis runs and their results' },
  { pattern: /(_run|_result|_scenario)s?$/, why: 'runs, results and scenarios' },
  { pattern: /(^|_)(audit|log|import)(_|$)/, why: 'audit, log and import records' },
  { pattern: /^facility_type_city$/, why: 'written by PUT /api/facility-types/{code}' },
  { pattern: /^dataset_setting$/, why: 'written by PUT /api/datasets/{id}/settings/{key}' },
  { pattern: /^(app_user|api_token|user_session|auth_secret)$/, why: 'accounts, tokens, sessions, the session secret (sign-in, /api/users, /api/auth)' },
  { pattern: /^renewal_project/, why: 'the project library (/api/renewal/projects)' },
  { pattern: /^(check_cycle|check_problem|check_report|indicator_value|indicator_def|indicator_threshold|manual_value)$/, why: 'check cycles, their values, problems and reports, local indicators, thresholds (/api/check/…)' },
  { pattern: /^diagnosis_/, why: 'diagnosis runs and their units (/api/analysis/diagnosis)' },
  { pattern: /_status_change$/, why: 'status histories (PATCH /api/waterlogging-points/{pointId})' },
];

/** Columns written by the API on purpose, left out of their table's checksum. */
export const COLUMNS_WRITTEN_BY_REQUESTS: Readonly<Record<string, readonly string[]>> = {
  dataset: ['name'], // PUT /api/datasets/{id}
  estate: ['renovation_status', 'renovation_class', 'renovation_plan_year', 'updated_at'], // PATCH /api/renewal/ledger/estates/{id}
  waterlogging_point: ['status', 'remediation_project_id', 'updated_at'], // PATCH /api/waterlogging-points/{pointId}
};

export interface TableChecksum {
  table: string;
  rows: number;
  md5: string;
}

/** Checksums of the layer tables, in table-name order. */
export async function layerChecksums(databaseUrl: string): Promise<{ tables: TableChecksum[]; excluded: string[] }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p') ORDER BY c.relname`);
    const tables: TableChecksum[] = [];
    const excluded: string[] = [];
    for (const { name } of rows) {
      if (WRITTEN_BY_REQUESTS.some((w) => w.pattern.test(name))) {
        excluded.push(name);
        continue;
      }
      // The row's text form covers every column (geometry as hex EWKB); ordering by it makes the dump stable.
      const skip = COLUMNS_WRITTEN_BY_REQUESTS[name] ?? [];
      let row = 't';
      if (skip.length) {
        const cols = await client.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = 'app' AND table_name = $1 ORDER BY ordinal_position`, [name]);
        row = `ROW(${cols.rows.filter((c) => !skip.includes(c.column_name)).map((c) => `t.${pg.escapeIdentifier(c.column_name)}`).join(', ')})`;
      }
      const r = await client.query<{ n: number; md5: string | null }>(
        `SELECT count(*)::int AS n, md5(string_agg(${row}::text, E'\\n' ORDER BY ${row}::text)) AS md5 FROM app.${pg.escapeIdentifier(name)} t`);
      tables.push({ table: name, rows: r.rows[0]!.n, md5: r.rows[0]!.md5 ?? 'empty' });
    }
    return { tables, excluded };
  } finally {
    await client.end();
  }
}

/** Tables whose checksum or row count differs between two dumps (tables added or dropped count too). */
export function changedTables(before: TableChecksum[], after: TableChecksum[]): string[] {
  const a = new Map(after.map((t) => [t.table, t]));
  const changed = before.filter((t) => a.get(t.table)?.md5 !== t.md5).map((t) => t.table);
  for (const t of after) if (!before.some((b) => b.table === t.table)) changed.push(t.table);
  return changed;
}
