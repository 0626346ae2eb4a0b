/**
 * The dry run behind `--check`: a ledger read, mapped and validated exactly as an import would,
 * then staged (repairs, estate footprints) in a transaction that is always rolled back. It writes
 * no table row — no dataset, no import run, no report — and returns what the import would do.
 */
import path from 'node:path';
import type pg from 'pg';
import { parseInputCrs } from '../crs/to-wgs84.ts';
import type { ImportIssue } from '../import-run.ts';
import { prepareLedger, resolveDataset, resolveLedgerInputs, type ImportLedgerOptions } from './import-ledger.ts';
import { previewStaged, stageLedger, type StagedRow } from './load-ledger.ts';
import type { ColumnReport } from './map-row.ts';

export interface LedgerCheck {
  layer: string;
  file: string;
  encoding?: string;
  rowsIn: number;
  /** Every file column in file order, with the field or role it goes to and how it matched. */
  columns: ColumnReport[];
  /** The column giving the row id, or undefined when rows are keyed by name + location. */
  idColumn?: string;
  /** The first rows as they would land (after repair and footprints). */
  rows: StagedRow[];
  /** Everything an import would report: column warnings, row errors and warnings, geometry repairs. */
  issues: ImportIssue[];
  /** Set when the file as a whole would be rejected. */
  fileError?: string;
  /** Rows an import would load (0 when any error rejects the file). */
  wouldLoad: number;
}

/**
 * Checks a ledger file without writing; see the module comment.
 * @param o the options an import would take; `previewRows` rows are shown (default 5).
 * @throws LedgerMappingError for a mapping that does not fit the layer, LedgerFileError for an unreadable file,
 *   UnknownCityError for a city that is not in the database.
 */
export async function checkLedger(pool: pg.Pool, o: ImportLedgerOptions & { previewRows?: number }): Promise<LedgerCheck> {
  const inputs = await resolveLedgerInputs(pool, o);
  const crs = parseInputCrs(o.crs);
  await resolveDataset(pool, o.dataset, o.datasetName, o.cityId); // an unknown --city fails here too
  const p = await prepareLedger(pool, o, inputs, crs);
  const base = { layer: p.spec.layer, file: path.basename(o.file), encoding: p.table.encoding, rowsIn: p.table.rows.length, columns: p.map.columns, idColumn: p.map.id };
  if (p.fileError) return { ...base, rows: [], issues: p.issues, fileError: p.fileError, wouldLoad: 0 };
  let rows: StagedRow[] = [];
  const issues = [...p.issues];
  if (p.records.length) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      issues.push(...await stageLedger(client, p.spec, p.records, {
        estateRadiusM: o.estateRadiusM ?? 60, estateLanduseMaxM2: o.estateLanduseMaxM2 ?? 100_000, repairAreaRatio: o.repairAreaRatio ?? 1.25,
      }));
      const order = p.spec.fields.map((f) => f.field);
      rows = (await previewStaged(client, o.previewRows ?? 5)).map((r) => ({
        ...r, attrs: Object.fromEntries(order.filter((k) => Object.hasOwn(r.attrs, k)).map((k) => [k, r.attrs[k]])),
      }));
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  }
  const rejected = issues.some((i) => i.severity === 'error');
  return { ...base, rows, issues, wouldLoad: rejected ? 0 : p.records.length };
}
