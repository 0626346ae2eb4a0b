/**
 * Geometry repair in staging, before anything reaches the app tables (whose CHECK refuses invalid
 * geometry): invalid polygons are repaired with ST_MakeValid (warning); what stays empty or
 * non-polygonal is dropped (warning). Invalid lines (fewer than two distinct points) are dropped.
 */
import type pg from 'pg';
import type { ImportIssue } from '../import-run.ts';
import { areaSourceId, q, type StagingTables } from './run-osm2pgsql.ts';

export async function repairStaging(pool: pg.Pool, s: StagingTables): Promise<ImportIssue[]> {
  const issues: ImportIssue[] = [];
  for (const t of [s.area, s.boundary]) {
    const idCol = t === s.area ? areaSourceId('') : `'r' || osm_id`;
    const fixed = await pool.query(`UPDATE ${q(t)} SET geom = ST_CollectionExtract(ST_MakeValid(geom), 3)
      WHERE geom IS NOT NULL AND NOT ST_IsValid(geom) RETURNING ${idCol} AS id, ST_IsEmpty(geom) AS empty`);
    for (const r of fixed.rows) {
      if (!r.empty) issues.push({ field: r.id, severity: 'warning', message: 'invalid polygon repaired with ST_MakeValid' });
    }
    const dropped = await pool.query(`DELETE FROM ${q(t)} WHERE geom IS NOT NULL AND (ST_IsEmpty(geom) OR NOT ST_IsValid(geom)
      OR GeometryType(geom) NOT IN ('POLYGON', 'MULTIPOLYGON')) RETURNING ${idCol} AS id`);
    for (const r of dropped.rows) issues.push({ field: r.id, severity: 'warning', message: 'unrepairable polygon skipped' });
  }
  const lines = await pool.query(`DELETE FROM ${q(s.line)} WHERE NOT ST_IsValid(geom) RETURNING 'w' || osm_id AS id`);
  for (const r of lines.rows) issues.push({ field: r.id, severity: 'warning', message: 'invalid line skipped (fewer than two distinct points)' });
  return issues;
}
