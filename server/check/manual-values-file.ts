/**
 * Manual and survey values (统计/调查/满意度) from a file: one row per indicator, unit and year.
 * Columns (header names, English or Chinese): indicator|指标, unit_kind|单元类型, unit_id|单元编号
 * (empty for the city), year|年份, value|数值. CSV (UTF-8, else GB18030) and XLSX are read by the
 * ledger readers (geodata/ledger/read-ledger-file.ts). Returns the rows and row-level issues instead of
 * throwing (row numbers 1-based, header excluded). No Fastify, no database.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LedgerFileError, readLedgerFile, type RawRow } from '../../geodata/ledger/read-ledger-file.ts';
import type { ManualRow } from '../repositories/check-repository.ts';

const ALIASES: Record<string, keyof Omit<ManualRow, 'row'>> = {
  indicator: 'code', code: 'code', 指标: 'code', 指标代码: 'code',
  unit_kind: 'unitKind', 单元类型: 'unitKind', unit_id: 'unitId', 单元编号: 'unitId',
  year: 'year', 年份: 'year', value: 'value', 数值: 'value', 值: 'value',
};
const KINDS = new Set(['city', 'district', 'subdistrict', 'community', 'estate', 'building']);

export interface ManualFileIssue { row: number; field: string; message: string }

/** At most this many data rows per file. */
export const MANUAL_FILE_MAX_ROWS = 50_000;

/** Reads a CSV or XLSX file's bytes (through a private temporary file, removed afterwards). */
export async function readManualFile(bytes: Buffer, format: 'csv' | 'xlsx'): Promise<{ rows: ManualRow[]; errors: ManualFileIssue[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'citycheck-manual-'));
  const file = path.join(dir, `upload.${format}`);
  try {
    await fs.writeFile(file, bytes, { mode: 0o600 });
    const table = await readLedgerFile(file, format);
    return parseManualRows(table.headers, table.rows);
  } catch (err) {
    // the file's own faults (empty, not CSV, not a workbook) are the caller's; system errors (errno) are ours
    if (err instanceof LedgerFileError || (err instanceof Error && !('errno' in err))) {
      return { rows: [], errors: [{ row: 0, field: 'file', message: `not a readable ${format.toUpperCase()} file: ${(err as Error).message}` }] };
    }
    throw err;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Checks the table's header and every row. */
export function parseManualRows(header: string[], records: RawRow[]): { rows: ManualRow[]; errors: ManualFileIssue[] } {
  if (records.length > MANUAL_FILE_MAX_ROWS) return { rows: [], errors: [{ row: 0, field: 'file', message: `more than ${MANUAL_FILE_MAX_ROWS} rows` }] };
  const map = new Map(header.flatMap((h) => {
    const k = ALIASES[h.toLowerCase()] ?? ALIASES[h];
    return k ? [[k, h] as const] : [];
  }));
  const missing = (['code', 'unitKind', 'year', 'value'] as const).filter((k) => !map.has(k));
  if (missing.length) {
    return { rows: [], errors: [{ row: 0, field: 'header', message: `missing column(s) ${missing.join(', ')} (need indicator, unit_kind, unit_id, year, value)` }] };
  }
  const rows: ManualRow[] = [];
  const errors: ManualFileIssue[] = [];
  const seen = new Set<string>();
  for (const rec of records) {
    const row = rec.row;
    const get = (k: keyof Omit<ManualRow, 'row'>) => {
      const v = map.has(k) ? rec.values[map.get(k)!] : null;
      return v === null || v === undefined ? '' : String(v).trim();
    };
    const code = get('code');
    const unitKind = get('unitKind');
    const rawId = get('unitId');
    const year = Number(get('year'));
    const rawValue = get('value');
    const value = Number(rawValue);
    const before = errors.length;
    if (!/^[a-z][a-z0-9_]*$/.test(code)) errors.push({ row, field: 'indicator', message: `"${code}" is not an indicator code` });
    if (!KINDS.has(unitKind)) errors.push({ row, field: 'unit_kind', message: `"${unitKind}" is not one of ${[...KINDS].join(', ')}` });
    const unitId = rawId === '' ? null : Number(rawId);
    if (unitKind === 'city' && unitId !== null) errors.push({ row, field: 'unit_id', message: 'the city takes no unit_id' });
    if (unitKind !== 'city' && (unitId === null || !Number.isSafeInteger(unitId) || unitId <= 0)) errors.push({ row, field: 'unit_id', message: `"${rawId}" is not a unit id` });
    if (!Number.isInteger(year) || year < 1990 || year > 2200) errors.push({ row, field: 'year', message: `"${get('year')}" is not a year (1990–2200)` });
    if (rawValue === '' || !Number.isFinite(value)) errors.push({ row, field: 'value', message: `"${rawValue}" is not a finite number` });
    const key = `${code}|${unitKind}|${unitId}|${year}`;
    if (errors.length === before && seen.has(key)) errors.push({ row, field: 'row', message: 'the same indicator, unit and year appear twice' });
    seen.add(key);
    if (errors.length === before) rows.push({ code, unitKind, unitId, year, value, row });
  }
  return { rows, errors };
}
