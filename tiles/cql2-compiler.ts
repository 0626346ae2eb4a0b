/**
 * Compiles a CQL2-text AST (tiles/cql2-parser.ts) against a layer's declared fields into a kysely
 * `sql` boolean expression, the same way tiles/filter-compiler.ts does for the short syntax:
 * property names checked against the whitelist and quoted with `sql.ref`, every literal a bound
 * parameter with an explicit cast, operators and functions from fixed tables here.
 *
 * The geometry property is `geometry` (also accepted: `geom`), in EPSG:4326; geometry literals are
 * bound as GeoJSON text and repaired with ST_MakeValid so a bow-tie polygon cannot raise a GEOS error.
 */
import { sql, type RawBuilder } from 'kysely';
import { FilterError } from './errors.ts';
import type { FieldType } from './layer-def.ts';
import { parseCql2, type Cql2Expr, type Cql2Scalar, type Cql2SpatialOperand } from './cql2-parser.ts';

/** Names that refer to a layer's geometry in CQL2 filters (the first is the one advertised). */
export const GEOMETRY_PROPERTIES = ['geometry', 'geom'] as const;

const OP_SQL = { '=': sql.raw('='), '<>': sql.raw('<>'), '<': sql.raw('<'), '<=': sql.raw('<='), '>': sql.raw('>'), '>=': sql.raw('>=') } as const;
const FLIP = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;
const SPATIAL_SQL = {
  S_INTERSECTS: sql.raw('ST_Intersects'), S_DISJOINT: sql.raw('ST_Disjoint'), S_CONTAINS: sql.raw('ST_Contains'), S_WITHIN: sql.raw('ST_Within'),
  S_TOUCHES: sql.raw('ST_Touches'), S_CROSSES: sql.raw('ST_Crosses'), S_OVERLAPS: sql.raw('ST_Overlaps'), S_EQUALS: sql.raw('ST_Equals'),
} as const;
const CAST: Record<FieldType, RawBuilder<unknown>> = {
  string: sql.raw('text'), integer: sql.raw('integer'), number: sql.raw('double precision'), boolean: sql.raw('boolean'), date: sql.raw('date'),
};

/** Context of one compilation: the layer's whitelist and how to qualify its columns. */
interface Ctx {
  fields: Readonly<Record<string, FieldType>>;
  table: string;
  codeDomains: Readonly<Record<string, string>>;
}

function fail(reason: string, pos: number): FilterError {
  return new FilterError(`cql2-text filter: ${reason} at position ${pos}`, pos);
}

/** A typed SQL value: a column or a bound, cast literal. */
interface Typed {
  sql: RawBuilder<unknown>;
  /** Field type, or 'timestamp' for TIMESTAMP literals. */
  type: FieldType | 'timestamp';
  property?: string;
}

function propertyType(name: string, pos: number, ctx: Ctx): FieldType {
  if ((GEOMETRY_PROPERTIES as readonly string[]).includes(name)) throw fail(`the geometry "${name}" can only be used in a spatial function (S_INTERSECTS …)`, pos);
  const type = Object.hasOwn(ctx.fields, name) ? ctx.fields[name] : undefined;
  if (!type) throw fail(`unknown property "${name.slice(0, 60)}"; queryables: ${Object.keys(ctx.fields).join(', ')}`, pos);
  return type;
}

function column(name: string, ctx: Ctx): RawBuilder<unknown> {
  return sql.ref(`${ctx.table}.${name}`) as unknown as RawBuilder<unknown>;
}

/**
 * Converts a literal to the type of the property it is compared with; throws FilterError naming
 * both. Dates also accept a plain 'YYYY-MM-DD[T…]' string (what GDAL ≤ 3.6 sends).
 */
function literalFor(lit: Cql2Scalar, type: FieldType, property: string): Typed {
  const bad = (what: string) => fail(`"${property}" is ${type === 'integer' || type === 'number' ? 'a number' : `a ${type}`}; ${what}`, lit.pos);
  switch (type) {
    case 'string':
      if (lit.kind !== 'string') throw bad(`compare it with a quoted string ('…'), not a ${lit.kind}`);
      if (lit.value.length > 200) throw fail(`value for "${property}" is longer than 200 characters`, lit.pos);
      return { sql: sql`${lit.value}::text`, type };
    case 'integer':
    case 'number': {
      if (lit.kind !== 'number') throw bad(`compare it with a number, not a ${lit.kind}`);
      const asInteger = type === 'integer' && Number.isInteger(lit.value) && Math.abs(lit.value) <= 2147483647;
      return { sql: asInteger ? sql`${lit.value}::integer` : sql`${lit.value}::double precision`, type };
    }
    case 'boolean':
      if (lit.kind === 'boolean') return { sql: sql`${lit.value}::boolean`, type };
      if (lit.kind === 'number' && (lit.value === 0 || lit.value === 1)) return { sql: sql`${lit.value === 1}::boolean`, type };
      throw bad('compare it with TRUE or FALSE');
    case 'date': {
      if (lit.kind === 'date') return { sql: sql`${lit.value}::date`, type };
      if (lit.kind === 'timestamp') return { sql: sql`${lit.value}::timestamptz`, type: 'timestamp' };
      const m = lit.kind === 'string' ? /^(\d{4}-\d{2}-\d{2})(T[0-9:.]*(Z|[+-]\d{2}:?\d{2})?)?$/.exec(lit.value) : null;
      if (m && !Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) return { sql: sql`${m[1]}::date`, type };
      throw bad("compare it with DATE('YYYY-MM-DD')");
    }
  }
}

function isNumeric(t: FieldType | 'timestamp'): boolean {
  return t === 'integer' || t === 'number';
}

function compileCompare(e: Extract<Cql2Expr, { kind: 'compare' }>, ctx: Ctx): RawBuilder<boolean> {
  let { left, right } = e;
  let op = e.op;
  if (left.kind !== 'property' && right.kind === 'property') {
    [left, right] = [right, left];
    op = FLIP[op];
  }
  if (left.kind !== 'property') throw fail('a comparison needs a property on one side', e.pos);
  const type = propertyType(left.name, left.pos, ctx);
  const col = column(left.name, ctx);
  if (right.kind === 'property') {
    const rtype = propertyType(right.name, right.pos, ctx);
    if (rtype !== type && !(isNumeric(rtype) && isNumeric(type))) throw fail(`cannot compare "${left.name}" (${type}) with "${right.name}" (${rtype})`, e.pos);
    if (type === 'boolean' && op !== '=' && op !== '<>') throw fail(`boolean "${left.name}" can only be compared with = or <>`, e.pos);
    return sql<boolean>`${col} ${OP_SQL[op]} ${column(right.name, ctx)}`;
  }
  if (type === 'boolean' && op !== '=' && op !== '<>') throw fail(`boolean "${left.name}" can only be compared with = or <>`, e.pos);
  const domain = codeDomain(left.name, type, right, ctx);
  if (domain !== undefined && (op === '=' || op === '<>')) {
    const codes = sql`internal.codes_of(${domain}::text, ${[(right as { value: string }).value]}::text[])`;
    return op === '=' ? sql<boolean>`${col} = ANY(${codes})` : sql<boolean>`${col} <> ALL(${codes})`;
  }
  return sql<boolean>`${col} ${OP_SQL[op]} ${literalFor(right, type, left.name).sql}`;
}

/** The code_label domain of a coded text field compared with a string, else undefined. */
function codeDomain(name: string, type: FieldType, lit: Cql2Scalar, ctx: Ctx): string | undefined {
  if (type !== 'string' || lit.kind !== 'string' || !Object.hasOwn(ctx.codeDomains, name)) return undefined;
  if (lit.value.length > 200) throw fail(`value for "${name}" is longer than 200 characters`, lit.pos);
  return ctx.codeDomains[name];
}

function requireProperty(s: Cql2Scalar, what: string): string {
  if (s.kind !== 'property') throw fail(`${what} needs a property on its left`, s.pos);
  return s.name;
}

function compileSpatialOperand(o: Cql2SpatialOperand, ctx: Ctx): { sql: RawBuilder<unknown>; isProperty: boolean } {
  if (o.kind === 'property') {
    if (!(GEOMETRY_PROPERTIES as readonly string[]).includes(o.name)) {
      throw fail(`"${o.name.slice(0, 60)}" is not a geometry; the geometry property is "${GEOMETRY_PROPERTIES[0]}"`, o.pos);
    }
    return { sql: column('geom', ctx), isProperty: true };
  }
  if (o.kind === 'bbox') {
    const [w, s, e, n] = o.box;
    return { sql: sql`ST_MakeEnvelope(${w}::float8, ${s}::float8, ${e}::float8, ${n}::float8, 4326)`, isProperty: false };
  }
  const geojson = JSON.stringify(o.geometry);
  const literal = sql`ST_SetSRID(ST_GeomFromGeoJSON(${geojson}::text), 4326)`;
  return { sql: o.geometry.type === 'Point' || o.geometry.type === 'MultiPoint' ? literal : sql`ST_MakeValid(${literal})`, isProperty: false };
}

function compileExpr(e: Cql2Expr, ctx: Ctx): RawBuilder<boolean> {
  switch (e.kind) {
    case 'and':
    case 'or':
      return sql<boolean>`(${sql.join(e.args.map((a) => compileExpr(a, ctx)), e.kind === 'and' ? sql` AND ` : sql` OR `)})`;
    case 'not':
      return sql<boolean>`NOT (${compileExpr(e.arg, ctx)})`;
    case 'literal':
      return e.value ? sql<boolean>`TRUE` : sql<boolean>`FALSE`;
    case 'compare':
      return compileCompare(e, ctx);
    case 'like': {
      const name = requireProperty(e.property, 'LIKE');
      const type = propertyType(name, e.property.pos, ctx);
      if (type !== 'string') throw fail(`LIKE needs a text property; "${name}" is ${type}`, e.pos);
      const op = sql.raw(`${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'}`);
      return sql<boolean>`${column(name, ctx)} ${op} ${e.pattern}::text`;
    }
    case 'between': {
      const name = requireProperty(e.property, 'BETWEEN');
      const type = propertyType(name, e.property.pos, ctx);
      if (type === 'boolean' || type === 'string') throw fail(`BETWEEN needs a number or date property; "${name}" is ${type}`, e.pos);
      const low = literalFor(e.low, type, name).sql;
      const high = literalFor(e.high, type, name).sql;
      return sql<boolean>`${column(name, ctx)} ${sql.raw(e.negated ? 'NOT BETWEEN' : 'BETWEEN')} ${low} AND ${high}`;
    }
    case 'in': {
      const name = requireProperty(e.property, 'IN');
      const type = propertyType(name, e.property.pos, ctx);
      const col = column(name, ctx);
      const domain = type === 'string' && Object.hasOwn(ctx.codeDomains, name) ? ctx.codeDomains[name] : undefined;
      if (domain !== undefined) {
        const values = e.values.map((v) => {
          if (v.kind !== 'string') throw fail(`"${name}" is a string; IN needs quoted strings`, v.pos);
          if (v.value.length > 200) throw fail(`value for "${name}" is longer than 200 characters`, v.pos);
          return v.value;
        });
        const codes = sql`internal.codes_of(${domain}::text, ${values}::text[])`;
        return e.negated ? sql<boolean>`${col} <> ALL(${codes})` : sql<boolean>`${col} = ANY(${codes})`;
      }
      const items = e.values.map((v) => literalFor(v, type, name).sql);
      return sql<boolean>`${col} ${sql.raw(e.negated ? 'NOT IN' : 'IN')} (${sql.join(items)})`;
    }
    case 'isNull': {
      const name = requireProperty(e.property, 'IS NULL');
      const col = (GEOMETRY_PROPERTIES as readonly string[]).includes(name) ? column('geom', ctx) : (propertyType(name, e.property.pos, ctx), column(name, ctx));
      return e.negated ? sql<boolean>`${col} IS NOT NULL` : sql<boolean>`${col} IS NULL`;
    }
    case 'spatial': {
      const a = compileSpatialOperand(e.left, ctx);
      const b = compileSpatialOperand(e.right, ctx);
      if (!a.isProperty && !b.isProperty) throw fail(`${e.fn} needs the geometry property as one argument`, e.pos);
      if (a.isProperty && b.isProperty) throw fail(`${e.fn} needs a geometry literal (BBOX, POINT, POLYGON …) as one argument`, e.pos);
      return sql<boolean>`${SPATIAL_SQL[e.fn]}(${a.sql}, ${b.sql})`;
    }
  }
}

/**
 * Parses and compiles a CQL2-text filter for a layer's fields; `table` qualifies the columns
 * (default `t`), `codeDomains` lets coded fields match their labels (as in the short syntax).
 * @example compileCql2("name LIKE '%公园%' AND S_INTERSECTS(geometry, POINT(118.78 32.04))", { name: 'string' })
 */
export function compileCql2(
  text: string,
  fields: Readonly<Record<string, FieldType>>,
  table = 't',
  codeDomains: Readonly<Record<string, string>> = {},
): RawBuilder<boolean> {
  return sql<boolean>`(${compileExpr(parseCql2(text), { fields, table, codeDomains })})`;
}
