/**
 * A planner's own header → field mapping and value vocabulary for a ledger, from a JSON mapping
 * file (`--mapping`), `--map '源列=field'` and `--value 'field:源值=code'` flags. Checked against the
 * layer's declarative table before any row is read: targets must be fields of the layer (or a row
 * role: id, lon, lat, wkt, props, ignore) and vocabulary codes must be codes of the field's domain.
 * See README.md, "Mapping files".
 */
import fs from 'node:fs/promises';
import { ID_HEADERS, LAT_HEADERS, LON_HEADERS, WKT_HEADERS, normalizeHeader, type FieldSpec, type LayerSpec } from './layer-spec.ts';

/** The file format (JSON): every key optional. */
export interface LedgerMapping {
  /** Source header → target: a field of the layer (its name or any of its accepted headers), or a role. */
  columns: Record<string, string>;
  /** Field → { source value → code }, merged over the field's built-in vocabulary (the file wins). */
  values: Record<string, Record<string, string>>;
}

/** Row roles a column can be mapped to besides a field. */
export const ROLES = ['id', 'lon', 'lat', 'wkt', 'props', 'ignore'] as const;
export type Role = (typeof ROLES)[number];

export type ColumnTarget = { kind: 'field'; spec: FieldSpec } | { kind: Role };

/** A mapping checked against one layer: targets resolved, vocabularies merged into a copy of the spec. */
export interface ResolvedMapping {
  /** Source header (as written in the mapping) → target. */
  columns: Map<string, ColumnTarget>;
  /** The layer spec with the mapping's vocabularies merged into its enumerations. */
  spec: LayerSpec;
  /** Facility-type vocabulary (source value → facility type code), checked against app.facility_type at import. */
  facilityVocabulary: Record<string, string>;
}

/** A mapping that names an unknown field or code, or a malformed mapping file or flag. */
export class LedgerMappingError extends Error {
  readonly code = 'LEDGER_MAPPING';
  constructor(message: string, readonly problems: string[] = [message]) {
    super(message);
  }
}

export function emptyMapping(): LedgerMapping {
  return { columns: {}, values: {} };
}

const ROLE_ALIASES: Record<string, Role> = { 忽略: 'ignore', 不导入: 'ignore', 属性: 'props' };

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

/**
 * Parses a mapping document (the JSON text of a mapping file). `layer`, when present, must equal
 * the layer being imported, so a file made for 积水点 is not applied to 小区 by mistake.
 */
export function parseMapping(text: string, source: string, layer?: string): LedgerMapping {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new LedgerMappingError(`${source}: not valid JSON (映射文件不是有效的 JSON): ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new LedgerMappingError(`${source}: expected a JSON object with "columns" and/or "values"`);
  const d = doc as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(d)) if (!['layer', 'columns', 'values', 'comment'].includes(k)) problems.push(`unknown key "${k}" (expected layer, columns, values, comment)`);
  if (d.layer !== undefined && layer !== undefined && d.layer !== layer) problems.push(`the file is for layer "${String(d.layer)}", not "${layer}"`);
  if (d.columns !== undefined && !isStringRecord(d.columns)) problems.push('"columns" must map header names to field names (strings)');
  const values = d.values ?? {};
  if (typeof values !== 'object' || values === null || Array.isArray(values) || !Object.values(values).every(isStringRecord)) {
    problems.push('"values" must map field names to { source value: code } objects');
  }
  if (problems.length) throw new LedgerMappingError(`${source}: ${problems.join('; ')}`, problems);
  return { columns: { ...(d.columns as Record<string, string> | undefined) }, values: { ...(values as Record<string, Record<string, string>>) } };
}

/** Reads a mapping file; see {@link parseMapping}. */
export async function readMappingFile(file: string, layer?: string): Promise<LedgerMapping> {
  const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new LedgerMappingError(`mapping file not readable (映射文件无法读取): ${file} (${e.code ?? e.message})`);
  });
  return parseMapping(text, file, layer);
}

/** `--map '易涝点位置=name'` → one column entry (split at the last "=": field names hold none). */
export function parseMapFlag(s: string): LedgerMapping {
  const i = s.lastIndexOf('=');
  const [src, target] = [s.slice(0, i).trim(), s.slice(i + 1).trim()];
  if (i < 0 || !src || !target) throw new LedgerMappingError(`--map expects '源列=field', got '${s}'`);
  return { columns: { [src]: target }, values: {} };
}

/** `--value 'severity:高风险=severe'` → one vocabulary entry. */
export function parseValueFlag(s: string): LedgerMapping {
  const m = /^([^:]+):(.*)=([^=]+)$/.exec(s);
  if (!m || !m[1].trim() || !m[2].trim()) throw new LedgerMappingError(`--value expects 'field:源值=code', got '${s}'`);
  return { columns: {}, values: { [m[1].trim()]: { [m[2].trim()]: m[3].trim() } } };
}

/** Later mappings win, entry by entry (a flag overrides the file it follows). */
export function mergeMappings(...ms: LedgerMapping[]): LedgerMapping {
  const out = emptyMapping();
  for (const m of ms) {
    Object.assign(out.columns, m.columns);
    for (const [f, v] of Object.entries(m.values)) out.values[f] = { ...out.values[f], ...v };
  }
  return out;
}

/** The field a name refers to: its column name or any of its accepted headers. */
function findField(spec: LayerSpec, name: string): FieldSpec | undefined {
  const n = normalizeHeader(name);
  return spec.fields.find((f) => f.field === name) ?? spec.fields.find((f) => normalizeHeader(f.field) === n || f.headers.some((h) => normalizeHeader(h) === n));
}

/** Resolves a mapping target: a role keyword, a field of the layer, or a header synonym of a role. */
export function resolveTarget(target: string, spec: LayerSpec): ColumnTarget | undefined {
  const t = target.trim();
  if ((ROLES as readonly string[]).includes(t.toLowerCase())) return { kind: t.toLowerCase() as Role };
  if (Object.hasOwn(ROLE_ALIASES, t)) return { kind: ROLE_ALIASES[t] };
  const f = findField(spec, t);
  if (f) return { kind: 'field', spec: f };
  const n = normalizeHeader(t);
  const roles: [Role, string[]][] = [['id', ID_HEADERS], ['lon', LON_HEADERS], ['lat', LAT_HEADERS], ['wkt', WKT_HEADERS]];
  const r = roles.find(([, list]) => list.includes(n));
  return r ? { kind: r[0] } : undefined;
}

/** Normalises a vocabulary key as cells are normalised before lookup (parse-value.ts). */
export function vocabularyKey(v: string): string {
  return v.trim().toLowerCase().replace(/\s+/g, '');
}

function mergeVocabulary(spec: LayerSpec, values: LedgerMapping['values'], problems: string[]): { spec: LayerSpec; facility: Record<string, string> } {
  const fields = spec.fields.map((f) => ({ ...f }));
  const facility: Record<string, string> = {};
  for (const [name, vocab] of Object.entries(values)) {
    const target = findField(spec, name);
    const i = target ? fields.findIndex((f) => f.field === target.field) : -1;
    const f = fields[i];
    if (i < 0) {
      problems.push(`values: "${name}" is not a field of ${spec.layer} (fields: ${spec.fields.map((x) => x.field).join(', ')})`);
      continue;
    }
    const type = f.type;
    if (type.kind === 'facility_type') {
      for (const [src, code] of Object.entries(vocab)) facility[src.trim()] = code.trim();
      continue;
    }
    if (type.kind !== 'enum' && type.kind !== 'enum_list') {
      problems.push(`values: ${f.label} is not an enumeration; vocabularies apply to ${spec.fields.filter((x) => x.type.kind === 'enum' || x.type.kind === 'enum_list' || x.type.kind === 'facility_type').map((x) => x.field).join(', ') || 'no field of this layer'}`);
      continue;
    }
    const codes = [...new Set(Object.values(type.values))];
    const merged = { ...type.values };
    for (const [src, code] of Object.entries(vocab)) {
      if (!codes.includes(code.trim())) problems.push(`values: ${f.label}: "${src}" → "${code}" is not a code (codes: ${codes.join(', ')})`);
      else merged[vocabularyKey(src)] = code.trim();
    }
    fields[i] = { ...f, type: { ...type, values: merged } };
  }
  return { spec: { ...spec, fields }, facility };
}

/**
 * Checks a mapping against a layer and resolves it. Every problem is collected, then one
 * LedgerMappingError names them all.
 */
export function resolveMapping(m: LedgerMapping, spec: LayerSpec): ResolvedMapping {
  const problems: string[] = [];
  const { spec: merged, facility } = mergeVocabulary(spec, m.values, problems);
  const columns = new Map<string, ColumnTarget>();
  const taken = new Map<string, string>();
  for (const [src, target] of Object.entries(m.columns)) {
    const t = resolveTarget(target, merged);
    if (!t) {
      problems.push(`columns: "${src}" → "${target}": no such field of ${spec.layer} (fields: ${spec.fields.map((f) => f.field).join(', ')}; roles: ${ROLES.join(', ')})`);
      continue;
    }
    const key = t.kind === 'field' ? t.spec.field : t.kind;
    const other = taken.get(key);
    if (other !== undefined && t.kind !== 'props' && t.kind !== 'ignore') problems.push(`columns: "${other}" and "${src}" are both mapped to ${key}`);
    taken.set(key, src);
    columns.set(src, t);
  }
  if (problems.length) throw new LedgerMappingError(`mapping does not fit layer ${spec.layer} (映射与图层不符): ${problems.join('; ')}`, problems);
  return { columns, spec: merged, facilityVocabulary: facility };
}
