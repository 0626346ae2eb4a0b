/**
 * Readers: CSV (UTF-8 with or without BOM, else GB18030/GBK), XLSX (exceljs), GeoJSON, and any
 * OGR format (Shapefile, GeoPackage, …) through `ogr2ogr -f GeoJSON /vsistdout/`.
 * All give the same table: headers plus rows of raw cell values and, for spatial formats, a
 * GeoJSON geometry. Parsing of values happens later (map-row.ts).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Geometry } from '../crs/to-wgs84.ts';

export type LedgerFormat = 'csv' | 'xlsx' | 'geojson' | 'ogr';

export interface RawRow {
  /** 1-based data row, header excluded (Excel/CSV line = row + 1). */
  row: number;
  values: Record<string, unknown>;
  /** From GeoJSON/OGR; null when the feature has no geometry; undefined for tables. */
  geometry?: Geometry | null;
}

export interface LedgerTable {
  headers: string[];
  rows: RawRow[];
  /** Text encoding detected for CSV. */
  encoding?: string;
}

/** A problem with the whole file (unreadable, empty, wrong structure). */
export class LedgerFileError extends Error {
  readonly code = 'LEDGER_FILE';
  constructor(message: string, readonly file: string) {
    super(message);
  }
}

/** Format from the file extension (`.csv .txt .xlsx .geojson .json .shp .gpkg .zip .kml`). */
export function detectFormat(file: string): LedgerFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.geojson' || ext === '.json') return 'geojson';
  if (['.shp', '.gpkg', '.zip', '.kml', '.gml', '.fgb', '.tab'].includes(ext)) return 'ogr';
  throw new LedgerFileError(`Unsupported file type "${ext}" (支持 CSV / XLSX / GeoJSON / SHP / GPKG)`, file);
}

/** Decodes CSV bytes: UTF-8 (BOM stripped) if valid, else GB18030 (a superset of GBK/GB2312). */
export function decodeText(buf: Buffer): { text: string; encoding: string } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
    return { text, encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(buf), encoding: 'gb18030' };
  }
}

function tableFromArrays(records: unknown[][], file: string): LedgerTable {
  const nonEmpty = (r: unknown[]) => r.some((c) => c !== null && c !== undefined && String(c).trim() !== '');
  const all = records.filter(nonEmpty);
  if (all.length === 0) throw new LedgerFileError('The file is empty (文件为空): no header and no data rows', file);
  const headers = all[0].map((h, i) => (h === null || h === undefined || String(h).trim() === '' ? `column_${i + 1}` : String(h).trim()));
  const rows = all.slice(1).map((r, i) => ({ row: i + 1, values: Object.fromEntries(headers.map((h, j) => [h, r[j] ?? null])) }));
  if (rows.length === 0) throw new LedgerFileError(`The file has a header but no data rows (只有表头，没有数据行): ${headers.join(', ')}`, file);
  return { headers, rows };
}

async function readCsv(file: string): Promise<LedgerTable> {
  const { text, encoding } = decodeText(await fs.readFile(file));
  const records = parseCsv(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  return { ...tableFromArrays(records, file), encoding };
}

/** exceljs cell values: rich text, formulas, hyperlinks and dates reduced to plain values. */
function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v !== 'object') return v;
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
  if ('text' in v) return v.text;
  if ('error' in v) return null;
  return String(v);
}

async function readXlsx(file: string, sheet?: string): Promise<LedgerTable> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = sheet ? wb.getWorksheet(sheet) : wb.worksheets[0];
  if (!ws) {
    throw new LedgerFileError(`Sheet "${sheet}" not found (找不到工作表); sheets: ${wb.worksheets.map((w) => w.name).join(', ')}`, file);
  }
  const records: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (r) => {
    const vals = (r.values as ExcelJS.CellValue[]).slice(1); // exceljs rows are 1-based
    records.push(vals.map(cellValue));
  });
  return tableFromArrays(records, file);
}

interface Feature { type: 'Feature'; properties?: Record<string, unknown> | null; geometry: Geometry | null; id?: string | number }

function tableFromGeoJson(doc: unknown, file: string): LedgerTable {
  const d = doc as { type?: string; features?: Feature[] };
  const features = d?.type === 'FeatureCollection' ? d.features ?? [] : d?.type === 'Feature' ? [d as unknown as Feature] : null;
  if (!features) throw new LedgerFileError('Not a GeoJSON FeatureCollection or Feature (不是 GeoJSON 要素集合)', file);
  if (features.length === 0) throw new LedgerFileError('The file is empty (文件为空): the FeatureCollection has no features', file);
  const headers: string[] = [];
  const rows = features.map((f, i) => {
    const values: Record<string, unknown> = { ...(f.properties ?? {}) };
    if (f.id !== undefined && values.id === undefined) values.id = f.id;
    for (const k of Object.keys(values)) if (!headers.includes(k)) headers.push(k);
    return { row: i + 1, values, geometry: f.geometry ?? null };
  });
  return { headers, rows };
}

async function readGeoJson(file: string): Promise<LedgerTable> {
  const text = (await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new LedgerFileError('The file is empty (文件为空)', file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new LedgerFileError(`Invalid JSON (JSON 格式错误): ${(e as Error).message}`, file);
  }
  return tableFromGeoJson(doc, file);
}

const run = promisify(execFile);

/** Any OGR source → GeoJSON in EPSG:4326 (unprojected from its .prj; without one, taken as lon/lat). */
async function readOgr(file: string, layerName?: string): Promise<LedgerTable> {
  // A zipped Shapefile is read inside its archive (GDAL before 3.1 does not open a .zip by itself).
  const source = path.extname(file).toLowerCase() === '.zip' ? `/vsizip/${path.resolve(file)}` : file;
  const base = ['-f', 'GeoJSON', '/vsistdout/', source, ...(layerName ? [layerName] : [])];
  const opts = { maxBuffer: 512 * 1024 * 1024, env: { ...process.env, SHAPE_ENCODING: process.env.SHAPE_ENCODING ?? '' } };
  let out: string;
  try {
    out = (await run('ogr2ogr', ['-t_srs', 'EPSG:4326', ...base], opts)).stdout;
  } catch {
    try {
      out = (await run('ogr2ogr', base, opts)).stdout; // no source CRS: cannot reproject, read as is
    } catch (e) {
      throw new LedgerFileError(`ogr2ogr could not read the file (无法读取): ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`, file);
    }
  }
  return tableFromGeoJson(JSON.parse(out), file);
}

/** Reads a ledger file into a table. Throws LedgerFileError for unreadable or empty files. */
export async function readLedgerFile(file: string, format: LedgerFormat = detectFormat(file), sheet?: string): Promise<LedgerTable> {
  try {
    await fs.access(file);
  } catch {
    throw new LedgerFileError(`File not found (文件不存在): ${file}`, file);
  }
  switch (format) {
    case 'csv': return readCsv(file);
    case 'xlsx': return readXlsx(file, sheet);
    case 'geojson': return readGeoJson(file);
    case 'ogr': return readOgr(file, sheet);
  }
}
