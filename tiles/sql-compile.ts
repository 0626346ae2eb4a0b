/**
 * Compiles kysely `sql` templates to PostgreSQL text + bound parameters without a connection, so
 * tiles/ can build queries once and run them through any pg client (and tests can assert the text).
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type RawBuilder } from 'kysely';

/** A compiled query: SQL text with $n placeholders and its parameter values. */
export interface CompiledSql {
  text: string;
  values: readonly unknown[];
}

const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Compiles a raw `sql` template to text and parameters (no database needed). */
export function compileSql(query: RawBuilder<unknown>): CompiledSql {
  const c = query.compile(compiler);
  return { text: c.sql, values: c.parameters };
}
