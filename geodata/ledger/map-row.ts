/**
 * Header mapping and row validation: source headers → layer fields by the planner's mapping and the
 * layer's declarative table, every cell parsed, geometry taken from GeoJSON, lon/lat columns or a
 * WKT column, and a stable source_id (the file's id, else name + location). Returns records plus an
 * issue list (row, field, message, severity) and never throws.
 */
import { createHash } from 'node:crypto';
import type { Geometry } from '../crs/to-wgs84.ts';
import type { ImportIssue } from '../import-run.ts';
import { ID_HEADERS, LAT_HEADERS, LON_HEADERS, SEQ_HEADERS, WKT_HEADERS, headerUnit, normalizeHeader, type FieldSpec, type LayerSpec } from './layer-spec.ts';
import type { ResolvedMapping } from './ledger-mapping.ts';
import { isEmptyCell, parseValue } from './parse-value.ts';
import type { LedgerTable, RawRow } from './read-ledger-file.ts';

/** How a file column was matched, for the mapping report (`--check`) and the warnings. */
export interface ColumnReport {
  header: string;
  /** A field of the layer, a row role, or where the column went when it matched nothing. */
  role: 'field' | 'id' | 'lon' | 'lat' | 'wkt' | 'props' | 'ignore' | 'row_counter' | 'unmapped';
  field?: FieldSpec;
  how: 'mapping' | 'synonym' | 'prefix' | 'row counter' | 'unmapped';
  /** The prefix stripped before the synonym matched (how = 'prefix'). */
  prefix?: string;
}

export interface HeaderMap {
  fields: Map<string, { spec: FieldSpec; header: string }>;
  id?: string;
  lon?: string;
  lat?: string;
  wkt?: string;
  /** Headers kept as props: unmatched columns, columns mapped to props, the row counter. */
  extra: string[];
  /** Columns that matched nothing (a subset of extra), reported by name. */
  unmapped: string[];
  /** A 序号-like row counter, kept in props and never used as the id. */
  rowCounter?: string;
  /** Columns mapped to `ignore`: neither stored nor kept. */
  ignored: string[];
  /** Mapping entries naming a column the file does not have. */
  absent: string[];
  /** Every file column in file order, as matched. */
  columns: ColumnReport[];
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

type Special = 'id' | 'lon' | 'lat' | 'wkt';
const SPECIALS: [Special, string[]][] = [['id', ID_HEADERS], ['lon', LON_HEADERS], ['lat', LAT_HEADERS], ['wkt', WKT_HEADERS]];

/** The file header a mapping entry names: the exact text, else the same header after normalisation. */
function findHeader(headers: string[], src: string): string | undefined {
  return headers.find((h) => h === src) ?? headers.find((h) => normalizeHeader(h) === normalizeHeader(src));
}

/**
 * Maps the file's headers to the layer's fields. A planner's mapping comes first; then, for the
 * other columns in file order, the layer's synonyms (the first header matching a field wins), then
 * the synonyms after stripping the layer's header prefixes (易涝点名称 → 点名称). A 序号 column is a
 * row counter; anything else left is kept in props and reported as unmapped.
 */
export function mapHeaders(headers: string[], spec: LayerSpec, mapping?: ResolvedMapping): HeaderMap {
  const map: HeaderMap = { fields: new Map(), extra: [], unmapped: [], ignored: [], absent: [], columns: [] };
  const explicit = new Map<string, ColumnReport>();
  for (const [src, t] of mapping?.columns ?? []) {
    const h = findHeader(headers, src);
    if (h === undefined) { map.absent.push(src); continue; }
    explicit.set(h, t.kind === 'field' ? { header: h, role: 'field', field: t.spec, how: 'mapping' } : { header: h, role: t.kind, how: 'mapping' });
  }
  const fieldTaken = (f: string) => map.fields.has(f) || [...explicit.values()].some((c) => c.field?.field === f);
  const specialTaken = (k: Special) => map[k] !== undefined || [...explicit.values()].some((c) => c.role === k);
  const match = (n: string): Pick<ColumnReport, 'role' | 'field'> | undefined => {
    const f = spec.fields.find((x) => x.headers.some((a) => normalizeHeader(a) === n) && !fieldTaken(x.field));
    if (f) return { role: 'field', field: f };
    const s = SPECIALS.find(([k, list]) => !specialTaken(k) && list.includes(n));
    return s ? { role: s[0] } : undefined;
  };
  const prefixes = [...(spec.headerPrefixes ?? [])].sort((a, b) => b.length - a.length);
  for (const h of headers) {
    let c = explicit.get(h);
    if (!c) {
      const n = normalizeHeader(h);
      const direct = match(n);
      if (direct) c = { header: h, ...direct, how: 'synonym' };
      for (let rest = n, stripped = ''; !c;) {
        const p = prefixes.find((x) => rest.startsWith(x) && rest.length > x.length);
        if (!p) break;
        rest = rest.slice(p.length);
        stripped += p;
        const m = match(rest);
        if (m) c = { header: h, ...m, how: 'prefix', prefix: stripped };
      }
      if (!c && !map.rowCounter && SEQ_HEADERS.includes(n)) c = { header: h, role: 'row_counter', how: 'row counter' };
      c ??= { header: h, role: 'unmapped', how: 'unmapped' };
    }
    map.columns.push(c);
    if (c.role === 'field' && c.field) map.fields.set(c.field.field, { spec: c.field, header: h });
    else if (c.role === 'id' || c.role === 'lon' || c.role === 'lat' || c.role === 'wkt') map[c.role] = h;
    else if (c.role === 'ignore') map.ignored.push(h);
    else {
      map.extra.push(h);
      if (c.role === 'unmapped') map.unmapped.push(h);
      if (c.role === 'row_counter') map.rowCounter = h;
    }
  }
  return map;
}

/** File-level warnings about the columns: unmapped ones by name, the row counter, the row key, mapping entries not found. */
export function headerWarnings(map: HeaderMap, spec: LayerSpec): ImportIssue[] {
  const w = (field: string, message: string): ImportIssue => ({ field, message, severity: 'warning' });
  const out: ImportIssue[] = [];
  if (map.unmapped.length) out.push(w('columns', `columns not matched to a field of ${spec.label}, kept in props (未匹配的列，保存在 props 中): ${map.unmapped.join(', ')} — map them with --map '列名=field' or a mapping file`));
  if (map.rowCounter) out.push(w(map.rowCounter, `${map.rowCounter} is a row counter, not an id: kept in props (序号为行号，不作编号); if it never changes, map it with --map '${map.rowCounter}=id'`));
  if (!map.id) out.push(w('id', 'no id column (无编号列): on re-import a row is matched by its name and location, so a moved or renamed point becomes a new row'));
  if (map.absent.length) out.push(w('mapping', `the mapping names columns this file does not have (映射中的列在文件中不存在): ${map.absent.join(', ')}`));
  return out;
}

/**
 * File-level check: required columns present (a name that can be generated is not required) and a
 * geometry source available.
 * Returns messages naming the expected columns in Chinese and English.
 */
export function missingColumns(map: HeaderMap, spec: LayerSpec, table: LedgerTable): string[] {
  const out: string[] = [];
  const generated = (f: FieldSpec) => spec.generatedName !== undefined && f.field === 'name';
  for (const f of spec.fields.filter((x) => x.required && !map.fields.has(x.field) && !generated(x))) {
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

/**
 * The row key when the file has no id: a hash of what identifies a place — its name and its
 * geometry as written — not of the whole row, so editing any other cell updates the row in place.
 */
function placeKey(name: unknown, geo: { geometry?: Geometry; wkt?: string }): string {
  const content = JSON.stringify([isEmptyCell(name) ? null : String(name).trim(), geo.geometry ?? geo.wkt ?? null]);
  return 'h:' + createHash('sha256').update(content).digest('hex').slice(0, 20);
}

/** A stable name for a nameless row: from the file's id, else from its coordinates as written (5 decimals ≈ 1 m). */
function generatedName(prefix: string, idRaw: unknown, geo: { geometry?: Geometry; wkt?: string }): string {
  if (!isEmptyCell(idRaw)) return `${prefix} ${String(idRaw).trim()}`;
  const g = geo.geometry;
  if (g?.type === 'Point') return `${prefix} (${g.coordinates[0].toFixed(5)}, ${g.coordinates[1].toFixed(5)})`;
  return `${prefix} ${placeKey(null, geo).slice(2, 10)}`;
}

function cellForProps(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}

/** Validates and converts every row; see {@link LedgerRecord}. Issues hold errors and warnings. */
export function mapRows(table: LedgerTable, spec: LayerSpec, map: HeaderMap, facilityTypes?: ReadonlyMap<string, string>): { records: LedgerRecord[]; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const records: LedgerRecord[] = [];
  const seen = new Map<string, number>();
  const nameHeader = map.fields.get('name')?.header;
  for (const r of table.rows) {
    const before = issues.length;
    const attrs: Record<string, unknown> = {};
    const props: Record<string, unknown> = {};
    for (const { spec: f, header } of map.fields.values()) {
      const p = parseValue(r.values[header], f.type, f.label, { headerUnit: headerUnit(header), facilityTypes });
      const mayGenerate = spec.generatedName !== undefined && f.field === 'name';
      if (p.error !== undefined) issues.push({ row: r.row, field: header, message: p.error, severity: 'error', raw: r.values[header] ?? null });
      else if (p.value === null && f.required && !mayGenerate) issues.push({ row: r.row, field: header, message: `${f.label} is required (必填)`, severity: 'error' });
      else if (p.value !== null) (f.column === false ? props : attrs)[f.field] = p.value;
    }
    for (const f of spec.fields) if (f.default !== undefined && attrs[f.field] === undefined) attrs[f.field] = f.default;
    for (const h of map.extra) if (!isEmptyCell(r.values[h])) props[h] = cellForProps(r.values[h]);
    const geo = rowGeometry(r, map, issues);
    const idRaw = map.id ? r.values[map.id] : undefined;
    const sourceId = isEmptyCell(idRaw) ? placeKey(attrs.name, geo) : String(idRaw).trim();
    if (spec.generatedName && attrs.name === undefined && (geo.geometry || geo.wkt)) {
      attrs.name = generatedName(spec.generatedName.prefix, idRaw, geo);
      props.name_generated = true;
      issues.push({ row: r.row, field: nameHeader ?? 'name', message: `no name: generated "${String(attrs.name)}" (无名称，已生成名称)`, severity: 'warning' });
    }
    const dup = seen.get(sourceId);
    if (dup !== undefined) {
      const what = isEmptyCell(idRaw) ? `duplicate row: same name and location as row ${dup} (与第 ${dup} 行名称和位置相同); give the rows an id column (编号) if both are meant` : `duplicate id "${sourceId}" (编号重复, also row ${dup})`;
      issues.push({ row: r.row, field: map.id ?? 'id', message: what, severity: 'error' });
    } else seen.set(sourceId, r.row);
    const raw = map.ignored.length ? Object.fromEntries(Object.entries(r.values).filter(([k]) => !map.ignored.includes(k))) : r.values;
    if (!issues.slice(before).some((i) => i.severity === 'error')) records.push({ row: r.row, sourceId, attrs, props, ...geo, raw });
  }
  return { records, issues };
}
