/**
 * Database side of the health check (issue 11): catalogue and city thresholds, cycles, values,
 * trends, the problem ledger and manual values. Computing lives in server/check/cycle-service.ts,
 * the index in server/check/health-index.ts. Writes are transactional; the audit triggers of
 * migration 110 record them with the signed-in user (server/plugins/auth.ts).
 */
import { sql, type Kysely } from 'kysely';
import type { Cycle, CheckValue, Indicator, Problem } from '../contract/check.ts';
import { activeIndicators, CheckCycleError } from '../check/cycle-service.ts';
import { badRequest, notFound } from '../errors.ts';

export interface ValueFilter { indicator?: string; unitKind?: string; unitId?: number; warning?: 'yellow' | 'red' | 'any' }
export interface ProblemFilter { indicator?: string; unitKind?: string; severity?: string; status?: string }
export interface ManualRow { code: string; unitKind: string; unitId: number | null; year: number; value: number; row: number }

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function checkRepository(db: Kysely<unknown>) {
  const repo = {
    catalogue: (dataset: string, framework: string): Promise<Indicator[]> => activeIndicators(db, dataset, framework),

    /** Sets (null clears) a city's thresholds for one indicator, checked against its direction. */
    async setThreshold(dataset: string, code: string, t: { target?: number | null; yellow?: number | null; red?: number | null; note?: string }) {
      const defs = await activeIndicators(db, dataset, '2024');
      const def = defs.find((d) => d.code === code);
      if (!def) throw notFound(`No indicator "${code}" in the catalogue of ${dataset}`);
      const { rows } = await sql<{ target: number | null; yellow: number | null; red: number | null }>`
        SELECT target, yellow, red FROM app.indicator_threshold WHERE dataset_id = ${dataset} AND code = ${code}`.execute(db);
      const cur = rows[0] ?? { target: null, yellow: null, red: null };
      const next = { target: t.target === undefined ? cur.target : t.target, yellow: t.yellow === undefined ? cur.yellow : t.yellow, red: t.red === undefined ? cur.red : t.red };
      const eff = [next.red ?? def.red, next.yellow ?? def.yellow, next.target ?? def.target];
      const [red, yellow, target] = eff;
      const ordered = (a: number | null, b: number | null) => a === null || b === null || (def.direction === 'benefit' ? a <= b : a >= b);
      if (!ordered(red, yellow) || !ordered(yellow, target) || !ordered(red, target)) {
        throw badRequest(`${code} is a ${def.direction} indicator: thresholds must satisfy ${def.direction === 'benefit' ? 'red ≤ yellow ≤ target' : 'target ≤ yellow ≤ red'}; got target ${target}, yellow ${yellow}, red ${red}`);
      }
      if (next.target === null && next.yellow === null && next.red === null) {
        await sql`DELETE FROM app.indicator_threshold WHERE dataset_id = ${dataset} AND code = ${code}`.execute(db);
      } else {
        await sql`
          INSERT INTO app.indicator_threshold (dataset_id, code, target, yellow, red, note)
          VALUES (${dataset}, ${code}, ${next.target}, ${next.yellow}, ${next.red}, ${t.note ?? null})
          ON CONFLICT (dataset_id, code) DO UPDATE SET target = EXCLUDED.target, yellow = EXCLUDED.yellow, red = EXCLUDED.red,
            note = coalesce(EXCLUDED.note, app.indicator_threshold.note), updated_at = now()`.execute(db);
      }
      return (await activeIndicators(db, dataset, '2024')).find((d) => d.code === code)!;
    },

    /** Adds a city's local indicator (地方特色指标; manual values), audited. 409 when the code exists for the city. */
    async addLocal(dataset: string, b: { code: string; nameZh: string; nameEn: string; dimension?: string; checkLevel?: string; levels: string[]; unit: string; direction: 'benefit' | 'cost'; target?: number | null; yellow?: number | null; red?: number | null; definition?: string; source?: string }) {
      try {
        await sql`
          INSERT INTO app.indicator_def (code, version, dataset_id, name_zh, name_en, dimension, check_level, levels, unit, direction,
            formula_kind, engine, target, yellow, red, threshold_source, confidence, definition)
          VALUES (${b.code}, 'local', ${dataset}, ${b.nameZh}, ${b.nameEn}, ${b.dimension ?? null}, ${b.checkLevel ?? null}, ${b.levels}::text[],
            ${b.unit}, ${b.direction}, 'manual', NULL, ${b.target ?? null}, ${b.yellow ?? null}, ${b.red ?? null}, ${b.source ?? 'local'}, 'local', ${b.definition ?? null})`.execute(db);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '23505') throw new CheckCycleError(409, `${dataset} already has a local indicator "${b.code}"`);
        if (code === '23514') throw badRequest(`local indicator "${b.code}": thresholds out of order or dimension/level unknown (${(err as Error).message})`);
        throw err;
      }
      return (await activeIndicators(db, dataset, '2024')).find((d) => d.code === b.code)!;
    },

    async createCycle(dataset: string, year: number, framework: string, title: string | undefined, gradeScheme: 'three' | 'four' = 'three'): Promise<Cycle> {
      const { rows } = await sql<{ id: string }>`
        INSERT INTO app.check_cycle (dataset_id, year, framework_version, title, grade_scheme)
        VALUES (${dataset}, ${year}, ${framework}, ${title ?? `${year} 年城市体检`}, ${gradeScheme})
        ON CONFLICT (dataset_id, year) DO NOTHING RETURNING id`.execute(db);
      if (!rows[0]) throw new CheckCycleError(409, `${dataset} already has a check cycle for ${year}`);
      return (await repo.cycle(Number(rows[0].id)))!;
    },

    async cycles(dataset: string): Promise<Cycle[]> {
      const { rows } = await sql<{ id: string }>`SELECT id FROM app.check_cycle WHERE dataset_id = ${dataset} ORDER BY year DESC`.execute(db);
      return Promise.all(rows.map(async (r) => (await repo.cycle(Number(r.id)))!));
    },

    async cycle(id: number): Promise<Cycle | undefined> {
      const { rows } = await sql<{ id: string; dataset: string; year: number; title: string; framework: string; gradeScheme: 'three' | 'four'; status: 'draft' | 'published'; computedAt: Date | null; publishedAt: Date | null; durationMs: number | null; steps: Cycle['steps']; progress: Cycle['progress']; inputs: Cycle['inputs']; valueCount: number; sampleData: boolean }>`
        SELECT c.id, c.dataset_id AS dataset, c.year, c.title, c.framework_version AS framework, c.grade_scheme AS "gradeScheme", c.status, c.computed_at AS "computedAt",
               c.published_at AS "publishedAt", c.duration_ms AS "durationMs", c.steps, c.progress, c.inputs,
               (SELECT count(*)::int FROM app.indicator_value v WHERE v.cycle_id = c.id) AS "valueCount",
               EXISTS (SELECT 1 FROM app.dataset d WHERE c.dataset_id IN (d.id, d.city_id) AND d.is_sample) AS "sampleData"
        FROM app.check_cycle c WHERE c.id = ${id}`.execute(db);
      const r = rows[0];
      if (!r) return undefined;
      return {
        ...r, id: Number(r.id), computedAt: iso(r.computedAt), publishedAt: iso(r.publishedAt),
        effective: { year: { value: r.year, origin: 'request' }, framework: { value: r.framework, origin: 'request' }, gradeScheme: { value: r.gradeScheme, origin: 'request' } },
      };
    },

    async publish(id: number): Promise<Cycle> {
      const c = await repo.cycle(id);
      if (!c) throw notFound(`No check cycle ${id}`);
      if (c.status === 'published') throw new CheckCycleError(409, `Check cycle ${c.year} of ${c.dataset} is already published`);
      if (!c.computedAt) throw new CheckCycleError(409, `Check cycle ${c.year} of ${c.dataset} has not been computed yet`);
      await sql`UPDATE app.check_cycle SET status = 'published', published_at = now() WHERE id = ${id}`.execute(db);
      return (await repo.cycle(id))!;
    },

    async values(cycleId: number, f: ValueFilter = {}): Promise<CheckValue[]> {
      const { rows } = await sql<CheckValue & { unitId: string | null; inputs: string[]; computedAt: Date }>`
        SELECT indicator, indicator_version AS "indicatorVersion", unit_kind AS "unitKind", unit_id AS "unitId", unit_name AS "unitName",
               value, unit, numerator, denominator, origin, grade, warning, rule_fired AS "ruleFired", previous_value AS "previousValue",
               yoy_change AS "yoyChange", inputs, rule_version AS "ruleVersion", computed_at AS "computedAt"
        FROM app.indicator_value
        WHERE cycle_id = ${cycleId}
          AND (${f.indicator ?? null}::text IS NULL OR indicator = ${f.indicator ?? null})
          AND (${f.unitKind ?? null}::text IS NULL OR unit_kind = ${f.unitKind ?? null})
          AND (${f.unitId ?? null}::bigint IS NULL OR unit_id = ${f.unitId ?? null})
          AND (${f.warning ?? null}::text IS NULL OR (${f.warning ?? null} = 'any' AND warning IS NOT NULL) OR warning = ${f.warning ?? null})
        ORDER BY indicator, array_position(ARRAY['city', 'district', 'subdistrict', 'community', 'estate', 'building'], unit_kind), unit_name, unit_id`.execute(db);
      return rows.map((r) => ({ ...r, unitId: r.unitId === null ? null : Number(r.unitId), inputs: r.inputs.map(Number), computedAt: iso(r.computedAt)! }));
    },

    /** Values with their unit's geometry (admin units, estates, buildings; the city's union) as GeoJSON features. */
    async valuesGeoJson(cycleId: number, dataset: string, f: ValueFilter) {
      const { rows } = await sql<{ f: Record<string, unknown> }>`
        WITH city AS MATERIALIZED (SELECT u.geom FROM analysis.check_units(${dataset}) u WHERE u.unit_id IS NULL)
        SELECT jsonb_build_object('type', 'Feature',
                 'geometry', ST_AsGeoJSON(CASE v.unit_kind WHEN 'estate' THEN (SELECT geom FROM app.estate WHERE id = v.unit_id)
                                                  WHEN 'building' THEN (SELECT geom FROM app.building WHERE id = v.unit_id)
                                                  WHEN 'city' THEN (SELECT geom FROM city)
                                                  ELSE (SELECT geom FROM app.admin_unit WHERE id = v.unit_id) END, 6)::jsonb,
                 'properties', jsonb_build_object('indicator', v.indicator, 'unitKind', v.unit_kind, 'unitId', v.unit_id, 'unitName', v.unit_name,
                   'value', v.value, 'unit', v.unit, 'grade', v.grade, 'warning', v.warning, 'ruleFired', v.rule_fired,
                   'previousValue', v.previous_value, 'yoyChange', v.yoy_change, 'year', v.year)) AS f
        FROM app.indicator_value v
        WHERE v.cycle_id = ${cycleId}
          AND (${f.indicator ?? null}::text IS NULL OR v.indicator = ${f.indicator ?? null})
          AND (${f.unitKind ?? null}::text IS NULL OR v.unit_kind = ${f.unitKind ?? null})
          AND (${f.unitId ?? null}::bigint IS NULL OR v.unit_id = ${f.unitId ?? null})
          AND (${f.warning ?? null}::text IS NULL OR (${f.warning ?? null} = 'any' AND v.warning IS NOT NULL) OR v.warning = ${f.warning ?? null})
        ORDER BY v.indicator, v.unit_kind, v.unit_id`.execute(db);
      return { type: 'FeatureCollection' as const, features: rows.map((r) => r.f) };
    },

    /** The last `years` cycles' values of one indicator and unit (五年一评估). */
    async trend(dataset: string, indicator: string, unitKind: string, unitId: number | null, years: number) {
      const { rows } = await sql<{ year: number; value: number | null; grade: CheckValue['grade']; warning: CheckValue['warning'] }>`
        SELECT c.year, v.value, v.grade, v.warning
        FROM app.check_cycle c
        LEFT JOIN app.indicator_value v ON v.cycle_id = c.id AND v.indicator = ${indicator} AND v.unit_kind = ${unitKind}
             AND v.unit_id IS NOT DISTINCT FROM ${unitId}::bigint
        WHERE c.dataset_id = ${dataset} ORDER BY c.year DESC LIMIT ${years}`.execute(db);
      return rows.reverse();
    },

    async problems(dataset: string, f: ProblemFilter = {}): Promise<Problem[]> {
      const { rows } = await sql<Problem & { id: string; unitId: string | null; mergedInto: string | null; bbox: number[] | null }>`
        SELECT id, dataset_id AS dataset, indicator, unit_kind AS "unitKind", unit_id AS "unitId", unit_name AS "unitName", severity, status,
               value, threshold, rule_fired AS "ruleFired", first_year AS "firstYear", last_year AS "lastYear", closed_year AS "closedYear",
               note, reason, merged_into AS "mergedInto", history,
               CASE WHEN geom IS NOT NULL THEN ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] END AS bbox
        FROM app.check_problem
        WHERE dataset_id = ${dataset}
          AND (${f.indicator ?? null}::text IS NULL OR indicator = ${f.indicator ?? null})
          AND (${f.unitKind ?? null}::text IS NULL OR unit_kind = ${f.unitKind ?? null})
          AND (${f.severity ?? null}::text IS NULL OR severity = ${f.severity ?? null})
          AND (${f.status ?? null}::text IS NULL OR status = ${f.status ?? null})
        ORDER BY (severity = 'red') DESC, indicator, unit_kind, unit_name, id`.execute(db);
      return rows.map((r) => ({ ...r, id: Number(r.id), unitId: r.unitId === null ? null : Number(r.unitId), mergedInto: r.mergedInto === null ? null : Number(r.mergedInto) }));
    },

    async problemsGeoJson(dataset: string, f: ProblemFilter) {
      const list = await repo.problems(dataset, f);
      const { rows } = await sql<{ id: string; g: unknown }>`
        SELECT id, ST_AsGeoJSON(geom, 6)::jsonb AS g FROM app.check_problem WHERE id = ANY(${list.map((p) => p.id)}::bigint[])`.execute(db);
      const geom = new Map(rows.map((r) => [Number(r.id), r.g]));
      return { type: 'FeatureCollection' as const, features: list.map(({ bbox: _b, history: _h, ...p }) => ({ type: 'Feature' as const, geometry: geom.get(p.id) ?? null, properties: p })) };
    },

    /** The city of a problem, or undefined. */
    async problemCity(id: number): Promise<string | undefined> {
      const { rows } = await sql<{ dataset: string }>`SELECT dataset_id AS dataset FROM app.check_problem WHERE id = ${id}`.execute(db);
      return rows[0]?.dataset;
    },

    /** annotate / dismiss / merge one problem (audited with the signed-in user). */
    async problemAction(id: number, a: { action: 'annotate'; note: string; inTreatment?: boolean } | { action: 'dismiss'; reason: string } | { action: 'merge'; into: number; reason: string }): Promise<Problem> {
      return db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ dataset: string; status: string }>`SELECT dataset_id AS dataset, status FROM app.check_problem WHERE id = ${id} FOR UPDATE`.execute(trx);
        const p = rows[0];
        if (!p) throw notFound(`No problem ${id}`);
        if (a.action === 'annotate') {
          if (a.inTreatment && !['open', 'reopened', 'in_treatment'].includes(p.status)) throw new CheckCycleError(409, `Problem ${id} is ${p.status}; only an open problem goes into treatment`);
          await sql`UPDATE app.check_problem SET note = ${a.note}, status = CASE WHEN ${a.inTreatment ?? false} THEN 'in_treatment' ELSE status END, updated_at = now() WHERE id = ${id}`.execute(trx);
        } else if (a.action === 'dismiss') {
          await sql`UPDATE app.check_problem SET status = 'dismissed', reason = ${a.reason}, updated_at = now() WHERE id = ${id}`.execute(trx);
        } else {
          if (a.into === id) throw badRequest('A problem cannot be merged into itself');
          const t = await sql<{ dataset: string; status: string }>`SELECT dataset_id AS dataset, status FROM app.check_problem WHERE id = ${a.into}`.execute(trx);
          if (!t.rows[0] || t.rows[0].dataset !== p.dataset) throw badRequest(`No problem ${a.into} in ${p.dataset} to merge into`);
          if (t.rows[0].status === 'merged') throw badRequest(`Problem ${a.into} is itself merged; merge into the problem it was merged into`);
          await sql`UPDATE app.check_problem SET status = 'merged', merged_into = ${a.into}, reason = ${a.reason}, updated_at = now() WHERE id = ${id}`.execute(trx);
        }
        return (await checkRepository(trx).problems(p.dataset)).find((x) => x.id === id)!;
      });
    },

    /**
     * Stores manual / survey values (one transaction: all rows or none). Units are checked against
     * the city (admin units, estates and buildings of its datasets); indicators against its catalogue.
     * @returns row-level errors (row, field, message); nothing is stored when there is any
     */
    async storeManual(dataset: string, rows: ManualRow[], prov: { source: string; fileName?: string; sha256?: string }) {
      const defs = new Map((await activeIndicators(db, dataset, '2024')).map((d) => [d.code, d]));
      const errors: { row: number; field: string; message: string }[] = [];
      for (const r of rows) {
        const d = defs.get(r.code);
        if (!d) errors.push({ row: r.row, field: 'indicator', message: `unknown indicator "${r.code}"` });
        else if (!d.levels.includes(r.unitKind as never)) errors.push({ row: r.row, field: 'unit_kind', message: `${r.code} applies to ${d.levels.join(', ')}, not ${r.unitKind}` });
      }
      const units = rows.filter((r) => r.unitKind !== 'city');
      if (units.length) {
        const { rows: known } = await sql<{ k: string }>`
          SELECT u.kind || ':' || u.id AS k FROM (
            SELECT level AS kind, id FROM app.admin_unit WHERE dataset_id IN (SELECT id FROM app.dataset WHERE ${dataset} IN (id, city_id))
            UNION ALL SELECT 'estate', id FROM app.estate WHERE dataset_id IN (SELECT id FROM app.dataset WHERE ${dataset} IN (id, city_id)) AND id = ANY(${units.filter((r) => r.unitKind === 'estate').map((r) => r.unitId)}::bigint[])
            UNION ALL SELECT 'building', id FROM app.building WHERE dataset_id IN (SELECT id FROM app.dataset WHERE ${dataset} IN (id, city_id)) AND id = ANY(${units.filter((r) => r.unitKind === 'building').map((r) => r.unitId)}::bigint[])) u`.execute(db);
        const set = new Set(known.map((k) => k.k));
        for (const r of units) if (!set.has(`${r.unitKind}:${r.unitId}`)) errors.push({ row: r.row, field: 'unit_id', message: `no ${r.unitKind} ${r.unitId} in ${dataset}` });
      }
      if (errors.length) return { stored: 0, errors };
      await db.transaction().execute(async (trx) => {
        await sql`
          INSERT INTO app.manual_value (dataset_id, code, year, unit_kind, unit_id, value, source, file_name, file_sha256, row_number)
          SELECT ${dataset}, x.code, x.year, x.unit_kind, x.unit_id, x.value, ${prov.source}, ${prov.fileName ?? null}, ${prov.sha256 ?? null}, x.row
          FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ code: r.code, year: r.year, unit_kind: r.unitKind, unit_id: r.unitId, value: r.value, row: r.row })))}::jsonb)
               AS x(code text, year int, unit_kind text, unit_id bigint, value float8, row int)
          ON CONFLICT (dataset_id, code, year, unit_kind, coalesce(unit_id, 0)) DO UPDATE SET
            value = EXCLUDED.value, source = EXCLUDED.source, file_name = EXCLUDED.file_name, file_sha256 = EXCLUDED.file_sha256,
            row_number = EXCLUDED.row_number, entered_at = now()`.execute(trx);
      });
      return { stored: rows.length, errors };
    },
  };
  return repo;
}

/**
 * Rows as CSV, UTF-8 with BOM so that spreadsheet programs read the Chinese names; a text cell
 * starting like a formula (= + - @) is prefixed with ' (spreadsheet formula injection).
 */
export function toCsv<T extends Record<string, unknown>>(rows: readonly T[], cols: readonly (keyof T & string)[]): string {
  const cell = (x: unknown) => {
    const s = x === null || x === undefined ? '' : typeof x === 'string' && /^[=+\-@]/.test(x) ? `'${x}` : String(x);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\ufeff${cols.join(',')}\n${rows.map((r) => cols.map((c) => cell(r[c])).join(',')).join('\n')}\n`;
}

/** Values as CSV. */
export const valuesToCsv = (values: CheckValue[]) =>
  toCsv(values, ['indicator', 'indicatorVersion', 'unitKind', 'unitId', 'unitName', 'value', 'unit', 'grade', 'warning', 'ruleFired', 'previousValue', 'yoyChange', 'origin']);

/** The problem ledger as CSV. */
export const problemsToCsv = (problems: Problem[]) =>
  toCsv(problems, ['id', 'indicator', 'unitKind', 'unitId', 'unitName', 'severity', 'status', 'value', 'threshold', 'ruleFired', 'firstYear', 'lastYear', 'closedYear', 'note', 'reason', 'mergedInto']);

