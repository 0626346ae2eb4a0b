/**
 * Parser of the per-request filter language shared by tiles and OGC items.
 *
 * Grammar (a small subset of CQL2-text, plus `;` as a shorthand for AND):
 *
 *   filter  := clause ( (';' | 'AND') clause )*
 *   clause  := field op value | field op 'null'
 *   op      := '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | '~'       (~ : substring, strings only)
 *   value   := 'quoted text' ('' escapes a quote) | bare text up to the next ';' or ' AND '
 *              bare values with '|' mean "any of" for = and != (e.g. status=untreated|in_progress)
 *
 * Examples: `build_year<2000;status=untreated`, `status='untreated' AND max_depth_cm>=30`,
 * `name~'新街口'`, `severity=high|severe`, `renovation_status!=null`.
 *
 * The parser knows nothing about layers; tiles/filter-compiler.ts checks fields and types.
 */
import { FilterError } from './errors.ts';

/** Comparison operators, as written in a filter. */
export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';

/** One parsed comparison; `values` has one entry except for `a|b|c` lists; null means SQL NULL. */
export interface FilterClause {
  field: string;
  op: FilterOp;
  values: (string | null)[];
}

/** Longest limits on filter input, so a request cannot make the parser or the query huge. */
export const FILTER_LIMITS = { maxLength: 2000, maxClauses: 20, maxListValues: 50 };

const OPS: FilterOp[] = ['<=', '>=', '!=', '=', '<', '>', '~'];

/** Parses a filter string into clauses (ANDed). Throws FilterError with the position on bad input. */
export function parseFilter(input: string): FilterClause[] {
  if (input.length > FILTER_LIMITS.maxLength) throw new FilterError(`filter is longer than ${FILTER_LIMITS.maxLength} characters`);
  const clauses: FilterClause[] = [];
  let i = 0;
  const skipWs = () => {
    while (i < input.length && /\s/.test(input[i]!)) i++;
  };
  const atSeparator = (): number => {
    if (input[i] === ';') return 1;
    const m = /^\s+AND\s+/i.exec(input.slice(i, i + 12));
    return m ? m[0].length : 0;
  };
  skipWs();
  if (i === input.length) return clauses;
  for (;;) {
    skipWs();
    const fieldMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i));
    if (!fieldMatch) throw new FilterError(`expected a field name at position ${i + 1}`, i);
    const field = fieldMatch[0];
    i += field.length;
    skipWs();
    let op: FilterOp | undefined;
    if (input.startsWith('<>', i)) {
      op = '!=';
      i += 2;
    } else {
      op = OPS.find((o) => input.startsWith(o, i));
      if (!op) throw new FilterError(`expected an operator (=, !=, <, <=, >, >=, ~) after "${field}" at position ${i + 1}`, i);
      i += op.length;
    }
    skipWs();
    const values = readValue();
    if (values.length > FILTER_LIMITS.maxListValues) throw new FilterError(`at most ${FILTER_LIMITS.maxListValues} values in a list`);
    if (values.length > 1 && op !== '=' && op !== '!=') throw new FilterError(`a list of values (a|b) needs = or != (field "${field}")`);
    clauses.push({ field, op, values });
    if (clauses.length > FILTER_LIMITS.maxClauses) throw new FilterError(`at most ${FILTER_LIMITS.maxClauses} clauses in a filter`);
    skipWs();
    if (i >= input.length) return clauses;
    const sep = atSeparator() || (/^AND\s/i.test(input.slice(i)) ? 4 : 0);
    if (!sep) throw new FilterError(`expected ";" or AND at position ${i + 1}`, i);
    i += sep;
  }

  function readValue(): (string | null)[] {
    if (input[i] === "'") {
      let out = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new FilterError('unterminated quoted value', i);
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            out += "'";
            i += 2;
            continue;
          }
          i++;
          return [out];
        }
        out += input[i++];
      }
    }
    const start = i;
    while (i < input.length && !atSeparator()) i++;
    const raw = input.slice(start, i).trim();
    if (raw === '') throw new FilterError(`expected a value at position ${start + 1}`, start);
    if (raw.includes("'")) throw new FilterError(`quotes must enclose the whole value (position ${start + 1})`, start);
    if (raw.toLowerCase() === 'null') return [null];
    return raw.split('|').map((v) => v.trim());
  }
}
