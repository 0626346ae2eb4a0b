import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFields } from '../../tiles/layer-def.ts';
import { LAYERS } from '../../tiles/layers.ts';
import { testPool } from '../helpers/db.ts';

let pool: pg.Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

const PG_TYPES: Record<string, string[]> = {
  string: ['text', 'character varying'], integer: ['integer', 'bigint', 'smallint'], number: ['double precision', 'numeric', 'real'],
  boolean: ['boolean'], date: ['date'],
};

describe('tiles.* views', () => {
  it.each(LAYERS.map((l) => [l.id, l] as const))('view tiles.%s has the declared fields with matching types', async (id, def) => {
    const { rows } = await pool.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'tiles' AND table_name = $1`, [id]);
    const cols = Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
    for (const [field, type] of Object.entries(allFields(def))) {
      expect(PG_TYPES[type], `${id}.${field}`).toContain(cols[field]);
    }
    expect(Object.keys(cols).sort()).toEqual(['id', 'geom', 'geom_3857', ...Object.keys(allFields(def))].sort());
  });
});
