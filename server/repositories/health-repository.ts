/** Database facts for /api/health: reachability, versions and how much data is loaded. */
import { sql, type Kysely } from 'kysely';

export interface HealthFacts {
  postgres: string;
  postgis: string;
  pgrouting: string;
  datasets: { id: string; name: string; isSample: boolean; attribution: string | null }[];
  counts: Record<string, number>;
}

const COUNTED = ['building', 'estate', 'green_space', 'facility', 'waterlogging_point', 'heritage_site', 'admin_unit', 'walk_edge'] as const;

export async function readHealthFacts(db: Kysely<unknown>): Promise<HealthFacts> {
  const v = await sql<{ postgres: string; postgis: string; pgrouting: string }>`
    SELECT current_setting('server_version') AS postgres, postgis_lib_version() AS postgis, pgr_version() AS pgrouting`.execute(db);
  const counts: Record<string, number> = {};
  for (const t of COUNTED) {
    // Table names come from the constant whitelist above, quoted by sql.table.
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(`app.${t}`)}`.execute(db);
    counts[t] = r.rows[0].n;
  }
  const d = await sql<{ id: string; name: string; isSample: boolean; attribution: string | null }>`
    SELECT id, name, is_sample AS "isSample", attribution FROM app.dataset ORDER BY id`.execute(db);
  return { ...v.rows[0], datasets: d.rows, counts };
}
