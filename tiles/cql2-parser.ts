/**
 * Parser of CQL2-text (OGC API Features Part 3 filters, `filter-lang=cql2-text`) into a small AST.
 * It knows nothing about layers: tiles/cql2-compiler.ts checks properties and types against a
 * layer's whitelist and turns the AST into SQL with bound parameters.
 *
 * Supported (OGC 21-065 conformance classes):
 *   basic-cql2                  a = 'x', a <> 1, a < 2.5, a <= DATE('2024-06-01'), a IS [NOT] NULL,
 *                               AND / OR / NOT, parentheses, TRUE / FALSE
 *   advanced-comparison-operators   a [NOT] LIKE 'pat%', a [NOT] BETWEEN 1 AND 9, a [NOT] IN (1, 2, 3)
 *   basic-spatial-functions(-plus)  S_INTERSECTS(geometry, BBOX(…) | POINT(…) | POLYGON((…)) | …)
 *   spatial-functions           S_DISJOINT, S_CONTAINS, S_WITHIN, S_TOUCHES, S_CROSSES, S_OVERLAPS, S_EQUALS
 * Also read, for GDAL ≤ 3.6 (which speaks the draft `cql-text`): ILIKE (case-insensitive LIKE), and
 * a plain date or date-time string compared with a date property.
 *
 * Geometry literals are WKT in CRS84 (lon lat, degrees); they come out as GeoJSON objects.
 * Every error is a FilterError with the 1-based position in the filter text and the reason.
 */
import { FilterError } from './errors.ts';

/** Bounds on a CQL2 filter, so a request cannot make the parser or the query huge. */
export const CQL2_LIMITS = { maxLength: 8000, maxPredicates: 100, maxDepth: 30, maxListValues: 200, maxCoordinates: 1000 };

/** Comparison operators of CQL2. */
export type Cql2CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Spatial functions of CQL2, by their CQL2 names. */
export const CQL2_SPATIAL_FUNCTIONS = ['S_INTERSECTS', 'S_DISJOINT', 'S_CONTAINS', 'S_WITHIN', 'S_TOUCHES', 'S_CROSSES', 'S_OVERLAPS', 'S_EQUALS'] as const;
export type Cql2SpatialFunction = (typeof CQL2_SPATIAL_FUNCTIONS)[number];

/** A property reference or a literal; `pos` is the 1-based position in the filter text. */
export type Cql2Scalar =
  | { kind: 'property'; name: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'date'; value: string; pos: number }
  | { kind: 'timestamp'; value: string; pos: number };

/** A GeoJSON geometry (RFC 7946) read from a WKT literal. */
export interface Cql2Geometry {
  type: string;
  coordinates?: unknown;
  geometries?: Cql2Geometry[];
}

/** An operand of a spatial function. */
export type Cql2SpatialOperand =
  | { kind: 'property'; name: string; pos: number }
  | { kind: 'geometry'; geometry: Cql2Geometry; pos: number }
  | { kind: 'bbox'; box: [number, number, number, number]; pos: number };

/** A parsed CQL2 boolean expression. */
export type Cql2Expr =
  | { kind: 'and' | 'or'; args: Cql2Expr[]; pos: number }
  | { kind: 'not'; arg: Cql2Expr; pos: number }
  | { kind: 'literal'; value: boolean; pos: number }
  | { kind: 'compare'; op: Cql2CompareOp; left: Cql2Scalar; right: Cql2Scalar; pos: number }
  | { kind: 'like'; property: Cql2Scalar; pattern: string; negated: boolean; caseInsensitive: boolean; pos: number }
  | { kind: 'between'; property: Cql2Scalar; low: Cql2Scalar; high: Cql2Scalar; negated: boolean; pos: number }
  | { kind: 'in'; property: Cql2Scalar; values: Cql2Scalar[]; negated: boolean; pos: number }
  | { kind: 'isNull'; property: Cql2Scalar; negated: boolean; pos: number }
  | { kind: 'spatial'; fn: Cql2SpatialFunction; left: Cql2SpatialOperand; right: Cql2SpatialOperand; pos: number };

type TokenKind = '(' | ')' | ',' | 'op' | 'string' | 'number' | 'word' | 'quoted' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const GEOMETRY_WORDS = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION']);
const COMPARE_OPS = new Set<string>(['=', '<>', '<', '<=', '>', '>=']);

/** Position-carrying error: `<reason> at position <n>`. */
function fail(reason: string, pos: number): FilterError {
  return new FilterError(`cql2-text filter: ${reason} at position ${pos}`, pos);
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'the end of the filter' : `"${t.text.slice(0, 30)}"`;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i + 1;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, pos });
      i++;
    } else if (c === "'") {
      let out = '';
      i++;
      for (;;) {
        if (i >= input.length) throw fail('unterminated string (a quote \' is missing)', pos);
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            out += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        out += input[i++];
      }
      tokens.push({ kind: 'string', text: out, pos });
    } else if (c === '"') {
      const end = input.indexOf('"', i + 1);
      if (end < 0) throw fail('unterminated quoted property name (a " is missing)', pos);
      tokens.push({ kind: 'quoted', text: input.slice(i + 1, end), pos });
      i = end + 1;
    } else if (/[-+0-9.]/.test(c)) {
      const m = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(input.slice(i));
      if (!m) throw fail(`unexpected character "${c}"`, pos);
      tokens.push({ kind: 'number', text: m[0], pos });
      i += m[0].length;
    } else if (c === '<' || c === '>' || c === '=' || c === '!') {
      const two = input.slice(i, i + 2);
      if (two === '!=') throw fail('"!=" is not CQL2; use <>', pos);
      const op = two === '<>' || two === '<=' || two === '>=' ? two : c;
      tokens.push({ kind: 'op', text: op, pos });
      i += op.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.:]*/.exec(input.slice(i))!;
      tokens.push({ kind: 'word', text: m[0], pos });
      i += m[0].length;
    } else {
      throw fail(`unexpected character "${c}"`, pos);
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: input.length + 1 });
  return tokens;
}

/**
 * Parses a CQL2-text filter. Throws FilterError (`… at position n`) on bad input.
 * @example parseCql2("build_year < 2000 AND S_INTERSECTS(geometry, BBOX(118.77, 32.03, 118.79, 32.05))")
 */
export function parseCql2(input: string): Cql2Expr {
  if (input.length > CQL2_LIMITS.maxLength) throw new FilterError(`cql2-text filter is longer than ${CQL2_LIMITS.maxLength} characters`);
  const tokens = tokenize(input);
  let k = 0;
  let predicates = 0;
  let coordinates = 0;
  const peek = () => tokens[k]!;
  const next = () => tokens[k++]!;
  const isWord = (t: Token, w: string) => t.kind === 'word' && t.text.toUpperCase() === w;
  const expect = (kind: TokenKind, what: string): Token => {
    const t = next();
    if (t.kind !== kind) throw fail(`expected ${what} but found ${describe(t)}`, t.pos);
    return t;
  };
  const countPredicate = (pos: number) => {
    if (++predicates > CQL2_LIMITS.maxPredicates) throw fail(`more than ${CQL2_LIMITS.maxPredicates} conditions`, pos);
  };

  const expr = parseOr(0);
  const rest = peek();
  if (rest.kind !== 'eof') throw fail(`expected AND, OR or the end of the filter but found ${describe(rest)}`, rest.pos);
  return expr;

  function parseOr(depth: number): Cql2Expr {
    if (depth > CQL2_LIMITS.maxDepth) throw fail(`nesting deeper than ${CQL2_LIMITS.maxDepth} levels`, peek().pos);
    const first = parseAnd(depth);
    const args = [first];
    while (isWord(peek(), 'OR')) {
      next();
      args.push(parseAnd(depth));
    }
    return args.length === 1 ? first : { kind: 'or', args, pos: first.pos };
  }

  function parseAnd(depth: number): Cql2Expr {
    const first = parseNot(depth);
    const args = [first];
    while (isWord(peek(), 'AND')) {
      next();
      args.push(parseNot(depth));
    }
    return args.length === 1 ? first : { kind: 'and', args, pos: first.pos };
  }

  function parseNot(depth: number): Cql2Expr {
    const t = peek();
    if (isWord(t, 'NOT')) {
      next();
      if (depth + 1 > CQL2_LIMITS.maxDepth) throw fail(`nesting deeper than ${CQL2_LIMITS.maxDepth} levels`, t.pos);
      return { kind: 'not', arg: parseNot(depth + 1), pos: t.pos };
    }
    return parsePrimary(depth);
  }

  function parsePrimary(depth: number): Cql2Expr {
    const t = peek();
    if (t.kind === '(') {
      next();
      const inner = parseOr(depth + 1);
      expect(')', '")"');
      return inner;
    }
    if (t.kind === 'word' && (CQL2_SPATIAL_FUNCTIONS as readonly string[]).includes(t.text.toUpperCase())) return parseSpatial();
    if (t.kind === 'word' && /^(S|T|A)_[A-Z]+$/i.test(t.text) && tokens[k + 1]?.kind === '(') {
      throw fail(`function ${t.text} is not supported (spatial: ${CQL2_SPATIAL_FUNCTIONS.join(', ')})`, t.pos);
    }
    countPredicate(t.pos);
    const left = parseScalar();
    const op = peek();
    if (op.kind === 'op') {
      next();
      if (!COMPARE_OPS.has(op.text)) throw fail(`unknown operator "${op.text}"`, op.pos);
      return { kind: 'compare', op: op.text as Cql2CompareOp, left, right: parseScalar(), pos: left.pos };
    }
    let negated = false;
    if (isWord(op, 'NOT')) {
      next();
      negated = true;
    }
    const w = peek();
    const word = w.kind === 'word' ? w.text.toUpperCase() : '';
    if (word === 'LIKE' || word === 'ILIKE') {
      next();
      const p = expect('string', 'a quoted pattern after LIKE');
      if (p.text.length > 200) throw fail('LIKE pattern longer than 200 characters', p.pos);
      return { kind: 'like', property: left, pattern: p.text, negated, caseInsensitive: word === 'ILIKE', pos: left.pos };
    }
    if (word === 'BETWEEN') {
      next();
      const low = parseScalar();
      if (!isWord(peek(), 'AND')) throw fail(`expected AND in BETWEEN but found ${describe(peek())}`, peek().pos);
      next();
      return { kind: 'between', property: left, low, high: parseScalar(), negated, pos: left.pos };
    }
    if (word === 'IN') {
      next();
      expect('(', '"(" after IN');
      const values = [parseScalar()];
      while (peek().kind === ',') {
        next();
        values.push(parseScalar());
        if (values.length > CQL2_LIMITS.maxListValues) throw fail(`more than ${CQL2_LIMITS.maxListValues} values in IN`, peek().pos);
      }
      expect(')', '")" closing the IN list');
      return { kind: 'in', property: left, values, negated, pos: left.pos };
    }
    if (negated) throw fail(`expected LIKE, BETWEEN or IN after NOT but found ${describe(w)}`, w.pos);
    if (word === 'IS') {
      next();
      let isNot = false;
      if (isWord(peek(), 'NOT')) {
        next();
        isNot = true;
      }
      const n = next();
      if (!isWord(n, 'NULL')) throw fail(`expected NULL after IS but found ${describe(n)}`, n.pos);
      return { kind: 'isNull', property: left, negated: isNot, pos: left.pos };
    }
    if (left.kind === 'boolean') return { kind: 'literal', value: left.value, pos: left.pos };
    throw fail(`expected a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL) after ${left.kind === 'property' ? `"${left.name}"` : 'the value'} but found ${describe(w)}`, w.pos);
  }

  function parseScalar(): Cql2Scalar {
    const t = next();
    if (t.kind === 'string') return { kind: 'string', value: t.text, pos: t.pos };
    if (t.kind === 'number') {
      const value = Number(t.text);
      if (!Number.isFinite(value)) throw fail(`number ${t.text.slice(0, 30)} is out of range`, t.pos);
      return { kind: 'number', value, pos: t.pos };
    }
    if (t.kind === 'quoted') {
      if (!t.text) throw fail('empty property name', t.pos);
      return { kind: 'property', name: t.text, pos: t.pos };
    }
    if (t.kind === 'word') {
      const w = t.text.toUpperCase();
      if (w === 'TRUE' || w === 'FALSE') return { kind: 'boolean', value: w === 'TRUE', pos: t.pos };
      if ((w === 'DATE' || w === 'TIMESTAMP') && peek().kind === '(') {
        next();
        const s = expect('string', `a quoted ${w === 'DATE' ? 'date' : 'timestamp'} in ${w}(…)`);
        expect(')', `")" closing ${w}(…)`);
        if (w === 'DATE') {
          if (!/^\d{4}-\d{2}-\d{2}$/.test(s.text) || Number.isNaN(Date.parse(`${s.text}T00:00:00Z`))) throw fail(`DATE('${s.text.slice(0, 30)}') is not a date (YYYY-MM-DD)`, s.pos);
          return { kind: 'date', value: s.text, pos: t.pos };
        }
        if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s.text) || Number.isNaN(Date.parse(s.text))) {
          throw fail(`TIMESTAMP('${s.text.slice(0, 30)}') is not an RFC 3339 date-time (e.g. 2024-06-01T08:00:00Z)`, s.pos);
        }
        return { kind: 'timestamp', value: s.text, pos: t.pos };
      }
      if (KEYWORDS.has(w) || GEOMETRY_WORDS.has(w) || w === 'BBOX') throw fail(`expected a property name or a value but found the keyword ${t.text}`, t.pos);
      if (peek().kind === '(') throw fail(`function ${t.text.slice(0, 30)} is not supported`, t.pos);
      return { kind: 'property', name: t.text, pos: t.pos };
    }
    throw fail(`expected a property name or a value but found ${describe(t)}`, t.pos);
  }

  function parseSpatial(): Cql2Expr {
    const f = next();
    countPredicate(f.pos);
    expect('(', `"(" after ${f.text}`);
    const left = parseSpatialOperand();
    expect(',', `"," between the two arguments of ${f.text}`);
    const right = parseSpatialOperand();
    expect(')', `")" closing ${f.text}`);
    return { kind: 'spatial', fn: f.text.toUpperCase() as Cql2SpatialFunction, left, right, pos: f.pos };
  }

  function parseSpatialOperand(): Cql2SpatialOperand {
    const t = peek();
    const w = t.kind === 'word' ? t.text.toUpperCase() : '';
    if (w === 'BBOX') {
      next();
      expect('(', '"(" after BBOX');
      const n: number[] = [readNumber()];
      while (peek().kind === ',') {
        next();
        n.push(readNumber());
      }
      expect(')', '")" closing BBOX');
      if (n.length !== 4) throw fail(`BBOX needs 4 numbers (west, south, east, north), got ${n.length}`, t.pos);
      const [w0, s0, e0, n0] = n as [number, number, number, number];
      checkLonLat(w0, s0, t.pos);
      checkLonLat(e0, n0, t.pos);
      if (w0 > e0) throw fail('BBOX across the antimeridian (west > east) is not supported', t.pos);
      if (s0 > n0) throw fail('BBOX south is greater than north', t.pos);
      return { kind: 'bbox', box: [w0, s0, e0, n0], pos: t.pos };
    }
    if (GEOMETRY_WORDS.has(w)) return { kind: 'geometry', geometry: readGeometry(), pos: t.pos };
    const s = parseScalar();
    if (s.kind !== 'property') throw fail(`expected a geometry property, BBOX(…) or a WKT geometry (POINT, POLYGON, …) but found a ${s.kind}`, s.pos);
    return s;
  }

  function readNumber(): number {
    const t = next();
    if (t.kind !== 'number') throw fail(`expected a number but found ${describe(t)}`, t.pos);
    const v = Number(t.text);
    if (!Number.isFinite(v)) throw fail(`number ${t.text.slice(0, 30)} is out of range`, t.pos);
    return v;
  }

  function checkLonLat(lon: number, lat: number, pos: number) {
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) throw fail(`coordinate (${lon} ${lat}) is outside lon −180…180, lat −90…90 (CRS84: longitude first)`, pos);
  }

  function readPosition(): [number, number] {
    const t = peek();
    const lon = readNumber();
    const lat = readNumber();
    if (peek().kind === 'number') next(); // a Z value is read and dropped
    checkLonLat(lon, lat, t.pos);
    if (++coordinates > CQL2_LIMITS.maxCoordinates) throw fail(`more than ${CQL2_LIMITS.maxCoordinates} coordinates in geometry literals`, t.pos);
    return [lon, lat];
  }

  function readList<T>(item: () => T, what: string): T[] {
    expect('(', `"(" opening ${what}`);
    const out = [item()];
    while (peek().kind === ',') {
      next();
      out.push(item());
    }
    expect(')', `")" closing ${what}`);
    return out;
  }

  function readLine(min: number, what: string): [number, number][] {
    const t = peek();
    const line = readList(readPosition, what);
    if (line.length < min) throw fail(`${what} needs at least ${min} positions, got ${line.length}`, t.pos);
    return line;
  }

  function readRing(): [number, number][] {
    const t = peek();
    const ring = readLine(4, 'a polygon ring');
    const [a, b] = [ring[0]!, ring[ring.length - 1]!];
    if (a[0] !== b[0] || a[1] !== b[1]) throw fail('polygon ring is not closed (first and last positions differ)', t.pos);
    return ring;
  }

  function readGeometry(): Cql2Geometry {
    const t = next();
    const w = t.text.toUpperCase();
    if (isWord(peek(), 'Z')) next();
    switch (w) {
      case 'POINT': {
        expect('(', '"(" after POINT');
        const p = readPosition();
        expect(')', '")" closing POINT');
        return { type: 'Point', coordinates: p };
      }
      case 'LINESTRING':
        return { type: 'LineString', coordinates: readLine(2, 'a linestring') };
      case 'POLYGON':
        return { type: 'Polygon', coordinates: readList(readRing, 'a polygon') };
      case 'MULTIPOINT':
        return {
          type: 'MultiPoint',
          coordinates: readList(() => {
            if (peek().kind !== '(') return readPosition();
            next();
            const p = readPosition();
            expect(')', '")" closing a point');
            return p;
          }, 'a multipoint'),
        };
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', coordinates: readList(() => readLine(2, 'a linestring'), 'a multilinestring') };
      case 'MULTIPOLYGON':
        return { type: 'MultiPolygon', coordinates: readList(() => readList(readRing, 'a polygon'), 'a multipolygon') };
      case 'GEOMETRYCOLLECTION':
        return {
          type: 'GeometryCollection',
          geometries: readList(() => {
            const g = peek();
            if (!(g.kind === 'word' && GEOMETRY_WORDS.has(g.text.toUpperCase()))) throw fail(`expected a WKT geometry but found ${describe(g)}`, g.pos);
            return readGeometry();
          }, 'a geometry collection'),
        };
      default:
        throw fail(`expected a WKT geometry but found ${describe(t)}`, t.pos);
    }
  }
}
