import { describe, expect, it } from 'vitest';
import { compileCql2 } from '../../tiles/cql2-compiler.ts';
import { CQL2_LIMITS, parseCql2 } from '../../tiles/cql2-parser.ts';
import { FilterError } from '../../tiles/errors.ts';
import { compileFilterIn } from '../../tiles/filter-compiler.ts';
import type { FieldType } from '../../tiles/layer-def.ts';
import { compileSql } from '../../tiles/sql-compile.ts';

const FIELDS: Record<string, FieldType> = {
  name: 'string', build_year: 'integer', max_depth_cm: 'number', is_old: 'boolean', status: 'string', last_occurrence: 'date',
};
const compile = (text: string, domains: Record<string, string> = {}) => compileSql(compileCql2(text, FIELDS, 't', domains));

/** The FilterError a filter raises (fails the test when it raises none). */
function errorOf(text: string): FilterError {
  try {
    compileCql2(text, FIELDS);
  } catch (err) {
    if (err instanceof FilterError) return err;
    throw err;
  }
  throw new Error(`no FilterError for ${text}`);
}

describe('cql2-text parser', () => {
  it('reads precedence NOT > AND > OR, parentheses and positions', () => {
    expect(parseCql2("a = 1 OR NOT b = 'x' AND (c < 2 OR d > 3)")).toEqual({
      kind: 'or', pos: 1, args: [
        { kind: 'compare', op: '=', left: { kind: 'property', name: 'a', pos: 1 }, right: { kind: 'number', value: 1, pos: 5 }, pos: 1 },
        { kind: 'and', pos: 10, args: [
          { kind: 'not', pos: 10, arg: { kind: 'compare', op: '=', left: { kind: 'property', name: 'b', pos: 14 }, right: { kind: 'string', value: 'x', pos: 18 }, pos: 14 } },
          { kind: 'or', pos: 27, args: [
            { kind: 'compare', op: '<', left: { kind: 'property', name: 'c', pos: 27 }, right: { kind: 'number', value: 2, pos: 31 }, pos: 27 },
            { kind: 'compare', op: '>', left: { kind: 'property', name: 'd', pos: 36 }, right: { kind: 'number', value: 3, pos: 40 }, pos: 36 },
          ] },
        ] },
      ],
    });
  });

  it('reads WKT literals into GeoJSON, dropping Z values', () => {
    const e = parseCql2('S_INTERSECTS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3 7, 2 2))))');
    expect(e).toMatchObject({ kind: 'spatial', fn: 'S_INTERSECTS', right: { kind: 'geometry', geometry: { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[2, 2], [3, 2], [3, 3], [2, 2]]]] } } });
    expect(parseCql2('s_intersects(geometry, MULTIPOINT((1 2), 3 4))')).toMatchObject({ right: { geometry: { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] } } });
  });
});

describe('cql2-text compiler', () => {
  it('compiles comparisons to quoted identifiers and bound, cast parameters', () => {
    expect(compile("build_year < 2000 AND name = 'O''Brien' AND is_old = TRUE AND max_depth_cm >= 2.5")).toEqual({
      text: '(("t"."build_year" < $1::integer AND "t"."name" = $2::text AND "t"."is_old" = $3::boolean AND "t"."max_depth_cm" >= $4::double precision))',
      values: [2000, "O'Brien", true, 2.5],
    });
  });

  it('flips a literal on the left and compares two properties', () => {
    expect(compile('2000 > build_year OR max_depth_cm <> build_year')).toEqual({
      text: '(("t"."build_year" < $1::integer OR "t"."max_depth_cm" <> "t"."build_year"))',
      values: [2000],
    });
  });

  it('compiles LIKE, ILIKE, BETWEEN, IN, IS NULL and their negations', () => {
    expect(compile("name LIKE '%公园%' AND name NOT ILIKE 'a_c' AND build_year NOT BETWEEN 1990 AND 2000 AND build_year IN (1, 2) AND name IS NOT NULL AND last_occurrence IS NULL")).toEqual({
      text: '(("t"."name" LIKE $1::text AND "t"."name" NOT ILIKE $2::text AND "t"."build_year" NOT BETWEEN $3::integer AND $4::integer AND "t"."build_year" IN ($5::integer, $6::integer) AND "t"."name" IS NOT NULL AND "t"."last_occurrence" IS NULL))',
      values: ['%公园%', 'a_c', 1990, 2000, 1, 2],
    });
  });

  it('compiles dates from DATE(), TIMESTAMP() and the plain strings GDAL sends', () => {
    expect(compile("last_occurrence >= DATE('2024-06-01') AND last_occurrence < TIMESTAMP('2025-01-01T00:00:00Z') AND last_occurrence <> '2024-07-01T'")).toEqual({
      text: '(("t"."last_occurrence" >= $1::date AND "t"."last_occurrence" < $2::timestamptz AND "t"."last_occurrence" <> $3::date))',
      values: ['2024-06-01', '2025-01-01T00:00:00Z', '2024-07-01'],
    });
  });

  it('compiles spatial functions with BBOX, POINT and POLYGON literals as bound GeoJSON', () => {
    expect(compile('S_INTERSECTS(geometry, BBOX(118.7, 32.0, 118.8, 32.1))')).toEqual({
      text: '(ST_Intersects("t"."geom", ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326)))',
      values: [118.7, 32, 118.8, 32.1],
    });
    expect(compile('S_INTERSECTS(POINT(118.78 32.04), geom)')).toEqual({
      text: '(ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326), "t"."geom"))',
      values: ['{"type":"Point","coordinates":[118.78,32.04]}'],
    });
    expect(compile('S_WITHIN(geometry, POLYGON((0 0, 1 0, 1 1, 0 0)))')).toEqual({
      text: '(ST_Within("t"."geom", ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326))))',
      values: ['{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}'],
    });
  });

  it('resolves labels of coded fields to codes in SQL, with bound parameters only', () => {
    expect(compile("status = '未治理' OR status NOT IN ('治理中', 'x'');DROP TABLE app.estate;--')", { status: 'waterlogging_status' })).toEqual({
      text: '(("t"."status" = ANY(internal.codes_of($1::text, $2::text[])) OR "t"."status" <> ALL(internal.codes_of($3::text, $4::text[]))))',
      values: ['waterlogging_status', ['未治理'], 'waterlogging_status', ['治理中', "x');DROP TABLE app.estate;--"]],
    });
  });

  it('keeps a hostile value inside one bound parameter and refuses a hostile property name', () => {
    expect(compile("name = 'x'';DROP TABLE app.building;--'")).toEqual({ text: '("t"."name" = $1::text)', values: ["x';DROP TABLE app.building;--"] });
    expect(errorOf('"name"" = 1; DROP TABLE app.building; --" = 1').message).toMatch(/unknown property|expected/);
    expect(errorOf('"constructor" = 1').message).toContain('unknown property "constructor"');
  });

  it.each([
    ['build_year <', 'expected a property name or a value but found the end of the filter at position 13'],
    ["name = 'x", 'unterminated string'],
    ['(build_year < 2000', 'expected ")" but found the end of the filter at position 19'],
    ['build_year != 2000', '"!=" is not CQL2; use <> at position 12'],
    ['colour = 1', 'unknown property "colour"'],
    ["build_year = '2000'", '"build_year" is a number; compare it with a number, not a string at position 14'],
    ['name = 5', '"name" is a string'],
    ['is_old > TRUE', 'boolean "is_old" can only be compared with = or <>'],
    ['build_year LIKE 19', 'expected a quoted pattern after LIKE'],
    ["build_year LIKE '19%'", 'LIKE needs a text property'],
    ["name BETWEEN 'a' AND 'b'", 'BETWEEN needs a number or date property'],
    ['build_year BETWEEN 1 OR 2', 'expected AND in BETWEEN'],
    ['build_year IN ()', 'expected a property name or a value but found ")"'],
    ['name IS 5', 'expected NULL after IS'],
    ['build_year NOT = 3', 'expected LIKE, BETWEEN or IN after NOT'],
    ['build_year = 1 build_year = 2', 'expected AND, OR or the end of the filter but found "build_year" at position 16'],
    ['S_INTERSECTS(geometry, POINT(200 10))', 'outside lon −180…180'],
    ['S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))', 'polygon ring is not closed'],
    ['S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 0 0)))', 'needs at least 4 positions'],
    ['S_INTERSECTS(geometry, BBOX(10, 10, 0, 20))', 'antimeridian'],
    ['S_INTERSECTS(geometry, BBOX(1, 2, 3))', 'BBOX needs 4 numbers'],
    ['S_INTERSECTS(name, BBOX(0, 0, 1, 1))', '"name" is not a geometry'],
    ['S_INTERSECTS(BBOX(0, 0, 1, 1), POINT(0 0))', 'needs the geometry property'],
    ['T_AFTER(last_occurrence, DATE(\'2024-01-01\'))', 'function T_AFTER is not supported'],
    ['geometry = 1', 'the geometry "geometry" can only be used in a spatial function'],
    ["CASEI(name) = CASEI('x')", 'function CASEI is not supported at position 1'],
    ["last_occurrence = DATE('2024-13-45')", 'is not a date'],
    ['build_year = 1e999', 'out of range'],
    ['build_year # 1', 'unexpected character "#" at position 12'],
  ])('rejects %s with the position and reason (%s)', (text, message) => {
    const err = errorOf(text);
    expect(err.message).toContain(message);
    expect(err.message).toMatch(/^cql2-text filter: .* at position \d+$/);
  });

  it('bounds the size of a filter and of its geometry literals', () => {
    expect(errorOf('x'.repeat(CQL2_LIMITS.maxLength + 1)).message).toContain('longer than');
    expect(errorOf(Array.from({ length: CQL2_LIMITS.maxPredicates + 1 }, () => 'build_year = 1').join(' OR ')).message).toContain(`more than ${CQL2_LIMITS.maxPredicates} conditions`);
    expect(errorOf(`${'NOT ('.repeat(CQL2_LIMITS.maxDepth + 2)}build_year = 1${')'.repeat(CQL2_LIMITS.maxDepth + 2)}`).message).toContain('nesting deeper');
    const ring = Array.from({ length: CQL2_LIMITS.maxCoordinates + 1 }, (_, i) => `${i % 2} 0`).join(', ');
    expect(errorOf(`S_INTERSECTS(geometry, LINESTRING(${ring}))`).message).toContain(`more than ${CQL2_LIMITS.maxCoordinates} coordinates`);
  });
});

describe('compileFilterIn', () => {
  it('keeps the short syntax as the default language and reads cql-text as CQL2', () => {
    expect(compileSql(compileFilterIn('citycheck', 'build_year<2000', FIELDS)!.where).text).toBe('("t"."build_year" < $1::integer)');
    expect(compileSql(compileFilterIn('cql-text', '(build_year < 2000) AND (name IS NULL)', FIELDS)!.where).text).toBe('(("t"."build_year" < $1::integer AND "t"."name" IS NULL))');
    expect(compileFilterIn('cql2-text', '  ', FIELDS)).toBeNull();
  });
});
