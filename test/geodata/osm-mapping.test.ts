import { afterAll, describe, expect, it } from 'vitest';
import { FACILITY_RULES } from '../../geodata/osm/facility-mapping.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
afterAll(() => pool.end());

/** Expands the human-readable osm_tags text ("amenity=clinic|doctors, healthcare=clinic") into key=value pairs. */
function documentedPairs(text: string): Set<string> {
  const pairs = new Set<string>();
  for (const m of text.matchAll(/([a-z_:]+)=([a-z_|]+)/g)) {
    for (const v of m[2].split('|')) if (v) pairs.add(`${m[1]}=${v}`);
  }
  return pairs;
}

describe('OSM facility mapping', () => {
  it('agrees with the documented mapping in app.facility_type.osm_tags', async () => {
    const { rows } = await pool.query<{ code: string; osm_tags: string }>('SELECT code, osm_tags FROM app.facility_type');
    const documented = new Map(rows.map((r) => [r.code, documentedPairs(r.osm_tags ?? '')]));
    const problems: string[] = [];
    for (const rule of FACILITY_RULES) {
      const types = rule.type === 'school' ? ['primary_school', 'middle_school'] : [rule.type];
      for (const type of types) {
        const doc = documented.get(type);
        if (!doc) {
          problems.push(`${type}: not in app.facility_type`);
          continue;
        }
        for (const value of rule.values) {
          if (!doc.has(`${rule.key}=${value}`)) problems.push(`${type}: ${rule.key}=${value} is mapped but not documented`);
        }
      }
    }
    // And the other way round: every documented pair is mapped to that type.
    const mapped = new Set(FACILITY_RULES.flatMap((r) => r.values.map((v) => `${r.type === 'school' ? 'school' : r.type}:${r.key}=${v}`)));
    for (const [code, pairs] of documented) {
      for (const p of pairs) {
        const type = code === 'primary_school' || code === 'middle_school' ? 'school' : code;
        if (p.startsWith('isced:level=') || p.startsWith('station=') || p.startsWith('bus=') || p.startsWith('social_facility:for=')) continue;
        if (!mapped.has(`${type}:${p}`)) problems.push(`${code}: ${p} is documented but not mapped`);
      }
    }
    expect(problems).toEqual([]);
  });
});
