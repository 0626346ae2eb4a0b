import { describe, expect, it } from 'vitest';
import { FilterError } from '../../tiles/errors.ts';
import { compileFilter } from '../../tiles/filter-compiler.ts';
import { parseFilter } from '../../tiles/filter-parser.ts';
import { compileSql } from '../../tiles/sql-compile.ts';
import type { FieldType } from '../../tiles/layer-def.ts';

const FIELDS: Record<string, FieldType> = {
  name: 'string', build_year: 'integer', max_depth_cm: 'number', is_old: 'boolean', status: 'string', last_occurrence: 'date',
};
const compile = (text: string) => compileSql(compileFilter(text, FIELDS)!.where);

describe('filter parser', () => {
  it('parses ; and AND separated clauses, quoted values with doubled quotes, lists and null', () => {
    expect(parseFilter("build_year<2000;name='O''Brien; x' AND status=untreated|in_progress and last_occurrence!=null")).toEqual([
      { field: 'build_year', op: '<', values: ['2000'] },
      { field: 'name', op: '=', values: ["O'Brien; x"] },
      { field: 'status', op: '=', values: ['untreated', 'in_progress'] },
      { field: 'last_occurrence', op: '!=', values: [null] },
    ]);
  });

  it('reads <> as != and keeps unicode values', () => {
    expect(parseFilter('status<>未治理')).toEqual([{ field: 'status', op: '!=', values: ['未治理'] }]);
  });
});

describe('filter compiler', () => {
  it('compiles comparisons to quoted identifiers and bound, cast parameters', () => {
    expect(compile('build_year<2000;status=untreated;is_old=true')).toEqual({
      text: '("t"."build_year" < $1::integer AND "t"."status" = $2::text AND "t"."is_old" = $3::boolean)',
      values: [2000, 'untreated', true],
    });
  });

  it('compiles lists, null checks, contains and dates', () => {
    expect(compile("status=untreated|closed;name~'公园';last_occurrence>=2024-06-01;max_depth_cm!=null")).toEqual({
      text: '("t"."status" = ANY($1::text[]) AND strpos("t"."name", $2::text) > 0 AND "t"."last_occurrence" >= $3::date AND "t"."max_depth_cm" IS NOT NULL)',
      values: [['untreated', 'closed'], '公园', '2024-06-01'],
    });
  });

  it('keeps a hostile value inside one bound parameter', () => {
    expect(compile("name='x'';DROP TABLE app.building;--'")).toEqual({
      text: '("t"."name" = $1::text)',
      values: ["x';DROP TABLE app.building;--"],
    });
  });

  it.each([
    ["name='x';DROP TABLE app.building", 'expected an operator'],
    ['colour=red', 'unknown field "colour"'],
    ['"name"=x', 'expected a field name'],
    ['build_year<1e3', 'not a valid integer'],
    ['build_year<2000 -- comment', 'not a valid integer'],
    ['is_old>true', 'can only be compared with = or !='],
    ['build_year~19', '~ (contains) needs a text field'],
    ["name='unterminated", 'unterminated quoted value'],
    ['build_year<null', 'null can only be compared'],
    ['last_occurrence=2024-13-45', 'not a valid date'],
    ['constructor=1', 'unknown field "constructor"'],
    ['max_depth_cm>Infinity', 'not a valid number'],
  ])('rejects %s with a FilterError (%s)', (text, message) => {
    expect(() => compileFilter(text, FIELDS)).toThrowError(FilterError);
    expect(() => compileFilter(text, FIELDS)).toThrowError(message);
  });

  it('reads an unquoted value up to the next separator as one bound text value', () => {
    expect(compile('name="x" OR 1=1')).toEqual({ text: '("t"."name" = $1::text)', values: ['"x" OR 1=1'] });
  });

  it('treats an empty filter as no filter', () => {
    expect(compileFilter('  ', FIELDS)).toBeNull();
    expect(compileFilter(undefined, FIELDS)).toBeNull();
  });
});

describe('filter compiler with coded fields', () => {
  it('resolves labels to codes in SQL, still with bound parameters only', () => {
    const list = compileSql(compileFilter('status=未治理|治理中', FIELDS, 't', { status: 'waterlogging_status' })!.where);
    expect(list.text).toBe('("t"."status" = ANY(internal.codes_of($1::text, $2::text[])))');
    expect(list.values).toEqual(['waterlogging_status', ['未治理', '治理中']]);
    const hostile = compileSql(compileFilter("status!='x'');DROP TABLE app.estate;--'", FIELDS, 't', { status: 'waterlogging_status' })!.where);
    expect(hostile.text).toBe('("t"."status" <> ALL(internal.codes_of($1::text, $2::text[])))');
    expect(hostile.values).toEqual(['waterlogging_status', ["x');DROP TABLE app.estate;--"]]);
  });

  it('leaves ordering and contains comparisons on coded fields as plain text comparisons', () => {
    const compiled = compileSql(compileFilter('status~untr', FIELDS, 't', { status: 'waterlogging_status' })!.where);
    expect(compiled.text).toBe('(strpos("t"."status", $1::text) > 0)');
  });
});
