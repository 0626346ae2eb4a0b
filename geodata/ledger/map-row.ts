/**
 * Header mapping and row validation: source headers → layer fields by the layer's declarative
 * table, every cell parsed, geometry taken from GeoJSON, lon/lat columns or a WKT column, and a
 * stable source_id. Returns records plus an issue list (row, field, message) and never throws.
 */
import { createHash } from 'node:crypto';
import type { Geometry } from '../crs/to-wgs84.ts';
import type { ImportIssue } from '../import-run.ts';
import { ID_HEADERS, LAT_HEADERS, LON_HEADERS, WKT_HEADERS, headerUnit, normalizeHeader, type FieldSpec, type LayerSpec } from './layer-spec.ts';
import { isEmptyCell, parseValue } from './parse-value.ts';
import type { LedgerTable, RawRow } from './read-ledger-file.ts';

export interface HeaderMap {
  fields: Map<string, { spec: FieldSpec; header: string }>;
  id?: string;
  lon?: string;
  lat?: string;
  wkt?: string;
  /** Headers kept as props (unknown columns). */
  extra: string[];
}

export interface LedgerRecord {
  row: number;
  sourceId: string;
  /** Parsed table columns by column name. */
  attrs: Record<string, unknown>;
  props: Record<string, unknown>;
  geometry?: Geometry;
  /** WKT text still to be parsed by PostGIS (see import-ledger.ts). */
  wkt?: string;
  raw: Record<string, unknown>;
}

/** Maps the file's headers to the layer's fields; the first header matching a field wins. */
export function mapHeaders(headers: string[], spec: LayerSpec): HeaderMap {
  const map: HeaderMap = { fields: new Map(), extra: [] };
  const specials: [keyof Pick<HeaderMap, 'id' | 'lon' | 'lat' | 'wkt'>, string[]][] = [['id', ID_HEADERS], ['lon', LON_HEADERS], ['lat', LAT_HEADERS], ['wkt', WKT_HEADERS]];
  for (const h of headers) {
    const n = normalizeHeader(h);
    const f = spec.fields.find((x) => x.headers.some((a) => normalizeHeader(a) === n));
    if (f && !map.fields.has(f.field)) {
      map.fields.set(f.field, { spec: f, header: h });
      continue;
    }
    const s = specials.find(([k, list]) => !map[k] && list.includes(n));
    if (s) map[s[0]] = h;
    else map.extra.push(h);
  }
  return map;
}

/**
 * File-level check: required columns present and a geometry source available.
 * Returns messages naming the expected columns in Chinese and English.
 */
export function missingColumns(map: HeaderMap, spec: LayerSpec, table: LedgerTable): string[] {
  const out: string[] = [];
  for (const f of spec.fields.filter((x) => x.required && !map.fields.has(x.field))) {
    out.push(`${f.label} (accepted headers 可用列名: ${f.headers.join(' / ')})`);
  }
  const spatial = table.rows.some((r) => r.geometry !== undefined);
  if (!spatial && !(map.lon && map.lat) && !map.wkt) {
    out.push(`geometry 坐标: 经度/纬度 (lon/lat, lng/lat, x/y) columns or a WKT column (${WKT_HEADERS.slice(0, 3).join(' / ')})`);
  }
  return out;
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  return isEmptyCell(v) ? NaN : Number(String(v).trim().replace(/[°度]$/, ''));
}

function rowGeometry(r: RawRow, map: HeaderMap, issues: ImportIssue[]): { geometry?: Geometry; wkt?: string } {
  if (r.geometry) return { geometry: r.geometry };
  if (map.lon && map.lat && !(isEmptyCell(r.values[map.lon]) && isEmptyCell(r.values[map.lat]))) {
    const lon = num(r.values[map.lon]);
    const lat = num(r.values[map.lat]);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
      issues.push({ row: r.row, field: `${map.lon}/${map.lat}`, message: `coordinates "${r.values[map.lon]}", "${r.values[map.lat]}" are not numbers (坐标不是数字)`, severity: 'error' });
      return {};
    }
    return { geometry: { type: 'Point', coordinates: [lon, lat] } };
  }
  if (map.wkt && !isEmptyCell(r.values[map.wkt])) return { wkt: String(r.values[map.wkt]).trim() };
  issues.push({ row: r.row, field: 'geometry', message: 'no geometry: coordinates or WKT missing (缺少坐标)', severity: 'error' });
  return {};
}

function stableHash(r: RawRow): string {
  const keys = Object.keys(r.values).filter((k) => !isEmptyCell(r.values[k])).sort();
  const content = JSON.stringify([keys.map((k) => [k, String(r.values[k]).trim()]), r.geometry ?? null]);
  return 'h:' + createHash('sha256').update(content).digest('hex').slice(0, 20);
}

/** Validates and converts every row; see {@link LedgerRecord}. */
export function mapRows(table: LedgerTable, spec: LayerSpec, map: HeaderMap, facilityTypes?: ReadonlyMap<string, string>): { records: LedgerRecord[]; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const records: LedgerRecord[] = [];
  const seen = new Map<string, number>();
  for (const r of table.rows) {
    const before = issues.length;
    const attrs: Record<string, unknown> = {};
    const props: Record<string, unknown> = {};
    for (const { spec: f, header } of map.fields.values()) {
      const p = parseValue(r.values[header], f.type, f.label, { headerUnit: headerUnit(header), facilityTypes });
      if (p.error !== undefined) issues.push({ row: r.row, field: header, message: p.error, severity: 'error', raw: r.values[header] ?? null });
      else if (p.value === null && f.required) issues.push({ row: r.row, field: header, message: `${f.label} is required (必填)`, severity: 'error' });
      else if (p.value !== null) (f.column === false ? props : attrs)[f.field] = p.value;
    }
    for (const f of spec.fields) if (f.default !== undefined && attrs[f.field] === undefined) attrs[f.field] = f.default;
    for (const h of map.extra) if (!isEmptyCell(r.values[h])) props[h] = r.values[h] instanceof Date ? (r.values[h] as Date).toISOString() : r.values[h];
    const geo = rowGeometry(r, map, issues);
    const idRaw = map.id ? r.values[map.id] : undefined;
    const sourceId = isEmptyCell(idRaw) ? stableHash(r) : String(idRaw).trim();
    const dup = seen.get(sourceId);
    if (dup !== undefined) {
      const what = isEmptyCell(idRaw) ? `duplicate row: same content as row ${dup} (与第 ${dup} 行重复)` : `duplicate id "${sourceId}" (编号重复, also row ${dup})`;
      issues.push({ row: r.row, field: map.id ?? 'id', message: what, severity: 'error' });
    } else seen.set(sourceId, r.row);
    if (issues.length === before) records.push({ row: r.row, sourceId, attrs, props, ...geo, raw: r.values });
  }
  return { records, issues };
}
