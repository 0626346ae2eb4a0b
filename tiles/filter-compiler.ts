/**
 * Compiles parsed filter clauses (tiles/filter-parser.ts) against a layer's declared fields into a
 * kysely `sql` boolean expression. Field names are checked against the whitelist and quoted with
 * `sql.ref`; every value is a bound parameter with an explicit cast; operators and casts come from
 * fixed tables here, never from the request.
 */
import { sql, type RawBuilder } from 'kysely';
import { FilterError } from './errors.ts';
import type { FieldType } from './layer-def.ts';
import { parseFilter, type FilterClause } from './filter-parser.ts';
import { compileCql2 } from './cql2-compiler.ts';

/** A compiled filter: the SQL predicate and a canonical text (for cache keys). */
export interface CompiledFilter {
  where: RawBuilder<boolean>;
  canonical: string;
}

const OP_SQL = { '=': sql.raw('='), '!=': sql.raw('<>'), '<': sql.raw('<'), '<=': sql.raw('<='), '>': sql.raw('>'), '>=': sql.raw('>=') } as const;
const CAST: Record<FieldType, RawBuilder<unknown>> = {
  string: sql.raw('text'), integer: sql.raw('integer'), number: sql.raw('double precision'),
  boolean: sql.raw('boolean'), date: sql.raw('date'),
};
const CAST_ARRAY: Record<FieldType, RawBuilder<unknown>> = {
  string: sql.raw('text[]'), integer: sql.raw('integer[]'), number: sql.raw('double precision[]'),
  boolean: sql.raw('boolean[]'), date: sql.raw('date[]'),
};
const TRUE = new Set(['true', 't', '1', 'yes', '是']);
const FALSE = new Set(['false', 'f', '0', 'no', '否']);

/** Converts one textual value to the field's type; throws FilterError naming field and value. */
export function convertValue(field: string, type: FieldType, raw: string): string | number | boolean {
  const bad = () => new FilterError(`value "${raw.slice(0, 40)}" is not a valid ${type} for field "${field}"`);
  switch (type) {
    case 'string':
      if (raw.length > 200) throw new FilterError(`value for "${field}" is longer than 200 characters`);
      return raw;
    case 'integer': {
      if (!/^-?\d{1,10}$/.test(raw)) throw bad();
      const n = Number(raw);
      if (n > 2147483647 || n < -2147483648) throw bad();
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw bad();
      return n;
    }
    case 'boolean': {
      const v = raw.toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      throw bad();
    }
    case 'date': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) throw bad();
      return raw;
    }
  }
}

/**
 * Compiles one clause; `table` is the qualifier used for field references (default `t`).
 * `codeDomains` maps coded fields to their app.code_label domain: their values are resolved from
 * labels to codes in SQL (internal.code_of), still as bound parameters.
 */
export function compileClause(c: FilterClause, fields: Record<string, FieldType>, table = 't', codeDomains: Readonly<Record<string, string>> = {}): RawBuilder<boolean> {
  const type = Object.hasOwn(fields, c.field) ? fields[c.field] : undefined;
  if (!type) throw new FilterError(`unknown field "${c.field}"; fields: ${Object.keys(fields).join(', ')}`);
  const col = sql.ref(`${table}.${c.field}`);
  if (c.values.length === 1 && c.values[0] === null) {
    if (c.op === '=') return sql<boolean>`${col} IS NULL`;
    if (c.op === '!=') return sql<boolean>`${col} IS NOT NULL`;
    throw new FilterError(`null can only be compared with = or != (field "${c.field}")`);
  }
  if (c.values.includes(null)) throw new FilterError(`null cannot be part of a list (field "${c.field}")`);
  const values = (c.values as string[]).map((v) => convertValue(c.field, type, v));
  if (c.op === '~') {
    if (type !== 'string') throw new FilterError(`~ (contains) needs a text field; "${c.field}" is ${type}`);
    return sql<boolean>`strpos(${col}, ${values[0]}::text) > 0`;
  }
  if ((type === 'boolean') && c.op !== '=' && c.op !== '!=') {
    throw new FilterError(`boolean field "${c.field}" can only be compared with = or !=`);
  }
  const domain = type === 'string' && Object.hasOwn(codeDomains, c.field) ? codeDomains[c.field] : undefined;
  if (domain !== undefined && (c.op === '=' || c.op === '!=')) {
    const codes = sql`internal.codes_of(${domain}::text, ${values}::text[])`;
    return c.op === '=' ? sql<boolean>`${col} = ANY(${codes})` : sql<boolean>`${col} <> ALL(${codes})`;
  }
  if (values.length > 1) {
    return c.op === '='
      ? sql<boolean>`${col} = ANY(${values}::${CAST_ARRAY[type]})`
      : sql<boolean>`${col} <> ALL(${values}::${CAST_ARRAY[type]})`;
  }
  return sql<boolean>`${col} ${OP_SQL[c.op]} ${values[0]}::${CAST[type]}`;
}

/**
 * Parses and compiles a filter for a layer's fields; returns null for an empty filter.
 * @example compileFilter('build_year<2000;is_old=true', { build_year: 'integer', is_old: 'boolean' })
 */
export function compileFilter(
  text: string | undefined,
  fields: Record<string, FieldType>,
  table = 't',
  codeDomains: Readonly<Record<string, string>> = {},
): CompiledFilter | null {
  if (text === undefined || text.trim() === '') return null;
  const clauses = parseFilter(text);
  if (clauses.length === 0) return null;
  const parts = clauses.map((c) => compileClause(c, fields, table, codeDomains));
  return { where: sql<boolean>`(${sql.join(parts, sql` AND `)})`, canonical: JSON.stringify(clauses) };
}

/**
 * Values of OGC `filter-lang`: `cql2-text` (OGC API Features Part 3), `cql-text` (its draft name,
 * still sent by GDAL ≤ 3.6; read as CQL2-text) and `citycheck` (the short syntax above, the default
 * when `filter-lang` is absent, so existing URLs keep their meaning).
 */
export const FILTER_LANGS = ['cql2-text', 'cql-text', 'citycheck'] as const;
export type FilterLang = (typeof FILTER_LANGS)[number];

/** Compiles a filter written in `lang` (see FILTER_LANGS); null for an empty filter. */
export function compileFilterIn(
  lang: FilterLang,
  text: string | undefined,
  fields: Record<string, FieldType>,
  table = 't',
  codeDomains: Readonly<Record<string, string>> = {},
): CompiledFilter | null {
  if (lang === 'citycheck') return compileFilter(text, fields, table, codeDomains);
  if (text === undefined || text.trim() === '') return null;
  return { where: compileCql2(text, fields, table, codeDomains), canonical: `cql2:${text}` };
}
