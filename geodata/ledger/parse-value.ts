/**
 * Cell value parsers. Each returns `{ value }` or `{ error }` (a message for the row report),
 * never throws: ledgers are typed by hand and the user needs every problem at once.
 * Empty cells give `{ value: null }`.
 */
import type { FieldType, UnitTable } from './layer-spec.ts';

export type Parsed = { value: unknown; error?: undefined } | { value?: undefined; error: string };

const EMPTY = new Set(['', '-', '--', '—', '/', 'null', 'n/a', 'na', '无数据', '不详', '未知']);

export function isEmptyCell(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && EMPTY.has(v.trim().toLowerCase()));
}

/** Context a parser may need: the header's bracketed unit hint and the facility-type lookup. */
export interface ParseContext {
  headerUnit?: string;
  facilityTypes?: ReadonlyMap<string, string>;
}

const APPROX = /^(约|大约|近|逾|超过|不足|约计|~|≈)\s*/;

/** "约1200户" → 1200 with unit 户; "0.3米" → 0.3 with unit 米; "1,234" → 1234. */
function splitNumber(text: string): { n: number; unit: string } | null {
  const t = text.trim().replace(APPROX, '').replace(/[,，](?=\d{3})/g, '');
  const m = /^([+-]?\d+(?:\.\d+)?)\s*(.*?)\s*(左右|以上|以下|余)?$/.exec(t);
  if (!m) return null;
  return { n: Number(m[1]), unit: m[2].toLowerCase() };
}

function parseWithUnits(v: unknown, units: UnitTable | undefined, headerHint: string | undefined, label: string): Parsed {
  // A bracketed header unit ("积水深度(m)") applies to bare numbers; an unknown hint is ignored.
  const baseHint = headerHint && units && units[headerHint] !== undefined ? headerHint : undefined;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { error: `${label}: not a number` };
    const f = baseHint && units && units[baseHint] !== undefined ? units[baseHint] : 1;
    return { value: v * f };
  }
  const s = splitNumber(String(v));
  if (!s) return { error: `${label}: "${v}" is not a number (不是数字)` };
  const unit = s.unit || baseHint || '';
  if (!unit) return { value: s.n };
  if (!units || units[unit] === undefined) {
    return { error: `${label}: unknown unit "${s.unit}" in "${v}"${units ? ` (accepted: ${Object.keys(units).join(', ')})` : ''}` };
  }
  return { value: s.n * units[unit] };
}

function parseYear(v: unknown): Parsed {
  if (v instanceof Date) return { value: v.getUTCFullYear() };
  const t = String(v).trim();
  // "1998年", "1998", "1998.0", "1998-06", "1990年代" (taken as the decade's first year, reported in props by caller)
  const m = /^(\d{4})(?:\.0+)?(?:\s*年代?|[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?|年\d{1,2}月)?$/.exec(t);
  if (!m) return { error: `"${t}" is not a year (应为四位年份, e.g. 1998 / 1998年)` };
  const y = Number(m[1]);
  if (y < 1000 || y > 2200) return { error: `year ${y} is out of range 1000–2200` };
  return { value: y };
}

const TRUE = new Set(['有', '是', '已加装', '已安装', 'y', 'yes', 'true', '1', '√', '✓']);
const FALSE = new Set(['无', '否', '没有', '未加装', 'n', 'no', 'false', '0', '×', '✗']);

function parseBool(v: unknown): Parsed {
  if (typeof v === 'boolean') return { value: v };
  const t = String(v).trim().toLowerCase();
  if (TRUE.has(t)) return { value: true };
  if (FALSE.has(t)) return { value: false };
  return { error: `"${v}" is not yes/no (应为 有/无 或 是/否)` };
}

function lookupEnum(values: Record<string, string>, raw: string): string | undefined {
  const t = raw.trim().toLowerCase().replace(/\s+/g, '');
  return Object.hasOwn(values, t) ? values[t] : undefined;
}

function expected(values: Record<string, string>): string {
  return Object.keys(values).filter((k) => /[^\x00-\x7f]/.test(k)).slice(0, 8).join('/');
}

function parseDate(v: unknown): Parsed {
  if (v instanceof Date) return { value: v.toISOString().slice(0, 10) };
  const t = String(v).trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$/.exec(t);
  if (!m) return { error: `"${t}" is not a date (应为 2024-07-05 或 2024年7月5日)` };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return { error: `"${t}" is not a valid calendar date` };
  return { value: date.toISOString().slice(0, 10) };
}

/** Parses one cell by its field type. `label` names the field in messages. */
export function parseValue(v: unknown, type: FieldType, label: string, ctx: ParseContext = {}): Parsed {
  if (isEmptyCell(v)) return { value: null };
  switch (type.kind) {
    case 'text':
      return { value: v instanceof Date ? v.toISOString().slice(0, 10) : String(v).trim() };
    case 'year':
      return parseYear(v);
    case 'bool':
      return parseBool(v);
    case 'date':
      return parseDate(v);
    case 'int': {
      const p = parseWithUnits(v, type.units, undefined, label);
      if (p.error !== undefined) return p;
      const n = p.value as number;
      if (!Number.isInteger(n)) return { error: `${label}: "${v}" is not a whole number (应为整数)` };
      if (type.min !== undefined && n < type.min) return { error: `${label}: ${n} is below ${type.min}` };
      return { value: n };
    }
    case 'number': {
      const p = parseWithUnits(v, type.units, ctx.headerUnit, label);
      if (p.error !== undefined) return p;
      const n = Math.round((p.value as number) * 1e6) / 1e6; // drop float noise of unit factors (0.3 m × 100)
      if (type.min !== undefined && n < type.min) return { error: `${label}: ${n} is below ${type.min}` };
      return { value: n };
    }
    case 'enum': {
      const code = lookupEnum(type.values, String(v));
      return code ? { value: code } : { error: `${label}: unknown value "${v}" (应为 ${expected(type.values)})` };
    }
    case 'enum_list': {
      const parts = String(v).split(/[,，、;；/|+\s]+/).filter(Boolean);
      const codes: string[] = [];
      for (const p of parts) {
        const code = lookupEnum(type.values, p);
        if (!code) return { error: `${label}: unknown value "${p}" (应为 ${expected(type.values)}, 以逗号或顿号分隔)` };
        if (!codes.includes(code)) codes.push(code);
      }
      return { value: codes };
    }
    case 'facility_type': {
      const t = String(v).trim();
      const code = ctx.facilityTypes?.get(t) ?? ctx.facilityTypes?.get(t.toLowerCase());
      return code ? { value: code } : { error: `${label}: unknown facility type "${t}" (see app.facility_type name_zh or code)` };
    }
  }
}
