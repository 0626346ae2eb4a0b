/**
 * Computing a check cycle (一年一体检): every active indicator of the city's catalogue at every level
 * it applies to, from the whitelisted engines (server/check/engines.ts) and the manual / survey values
 * of the cycle's year (app.manual_value); then evaluation (grade, warning, the rule that fired,
 * year-on-year change) and the problem ledger (问题台账): failing values open problems, the city's
 * latest cycle closes the ones that now pass and reopens closed ones that fail again.
 *
 * Engines read first (each step timed; a failing engine is recorded in the cycle's steps with its
 * message and its indicators get no values); all writes then happen in one transaction. No Fastify.
 */
import { sql, type Kysely } from 'kysely';
import type { EffectiveParams } from '../contract/common.ts';
import { HttpError } from '../errors.ts';
import { ENGINES, INPUT_LAYERS, type CheckServices, type EngineRow, type InputLayer, type UnitKind } from './engines.ts';
import { evaluate, fourGrade, type Direction, type GradeScheme } from './evaluate.ts';

/** One indicator in force for a city (catalogue row with the city's thresholds applied). */
export interface ActiveIndicator {
  id: number;
  code: string;
  version: string;
  nameZh: string;
  nameEn: string;
  dimension: string | null;
  checkLevel: string | null;
  levels: UnitKind[];
  unit: string;
  direction: Direction;
  formulaKind: string;
  engine: string | null;
  params: Record<string, unknown>;
  target: number | null;
  yellow: number | null;
  red: number | null;
  thresholdOrigin: { target: 'default' | 'city'; yellow: 'default' | 'city'; red: 'default' | 'city' };
  thresholdSource: string | null;
  sourceIds: string[];
  confidence: string;
  definition: string | null;
  local: boolean;
}

export interface CycleStep {
  engine: string;
  indicators: string[];
  ms: number;
  values: number;
  error?: string;
}

/** A cycle that cannot be computed now (published, unknown). */
export class CheckCycleError extends HttpError {
  constructor(statusCode: number, message: string) {
    super(statusCode, message, 'CHECK_CYCLE');
  }
}

/**
 * The indicators in force for a city under a framework version: per code the city's local
 * indicator if any, else the newest catalogue version not newer than the framework.
 */
export async function activeIndicators(db: Kysely<unknown>, dataset: string, framework: string): Promise<ActiveIndicator[]> {
  const { rows } = await sql<ActiveIndicator & { tOv: boolean; yOv: boolean; rOv: boolean }>`
    SELECT DISTINCT ON (d.code)
           d.id::int AS id, d.code, d.version, d.name_zh AS "nameZh", d.name_en AS "nameEn", d.dimension, d.check_level AS "checkLevel",
           d.levels, d.unit, d.direction, d.formula_kind AS "formulaKind", d.engine, d.params,
           coalesce(t.target, d.target) AS target, coalesce(t.yellow, d.yellow) AS yellow, coalesce(t.red, d.red) AS red,
           t.target IS NOT NULL AS "tOv", t.yellow IS NOT NULL AS "yOv", t.red IS NOT NULL AS "rOv",
           d.threshold_source AS "thresholdSource", d.source_ids AS "sourceIds", d.confidence, d.definition,
           d.dataset_id IS NOT NULL AS local
    FROM app.indicator_def d
    LEFT JOIN app.indicator_threshold t ON t.dataset_id = ${dataset} AND t.code = d.code
    WHERE d.active AND (d.dataset_id = ${dataset} OR (d.dataset_id IS NULL AND d.version <= ${framework}))
    ORDER BY d.code, (d.dataset_id IS NOT NULL) DESC, d.version DESC`.execute(db);
  return rows.map(({ tOv, yOv, rOv, ...r }) => ({
    ...r,
    thresholdOrigin: { target: tOv ? 'city' : 'default', yellow: yOv ? 'city' : 'default', red: rOv ? 'city' : 'default' },
  }));
}

interface CycleRow { id: number; dataset: string; year: number; status: string; framework: string; gradeScheme: GradeScheme }

async function loadCycle(db: Kysely<unknown>, cycleId: number): Promise<CycleRow> {
  const { rows } = await sql<CycleRow>`
    SELECT id::int AS id, dataset_id AS dataset, year, status, framework_version AS framework, grade_scheme AS "gradeScheme"
    FROM app.check_cycle WHERE id = ${cycleId}`.execute(db);
  if (!rows[0]) throw new CheckCycleError(404, `No check cycle ${cycleId}`);
  return rows[0];
}

/**
 * Import runs of the city's rows per layer (the inputs of every value computed from that layer), in
 * one statement: per layer, the city's runs (app.import_run of its datasets, a short list; a run loads
 * rows into its own dataset) that still own a row, each an index probe (<layer>_run_idx) instead of a
 * scan of the whole layer.
 */
async function inputRuns(db: Kysely<unknown>, dataset: string): Promise<Record<InputLayer, number[]>> {
  const perLayer = INPUT_LAYERS.map((layer) => sql`
    SELECT ${layer}::text AS layer, r.id FROM app.import_run r
    WHERE r.dataset_id IN (SELECT id FROM ds) AND EXISTS (SELECT 1 FROM ${sql.table(`app.${layer}`)} x WHERE x.import_run_id = r.id AND x.dataset_id = ANY (SELECT id FROM ds))`);
  const { rows } = await sql<{ layer: InputLayer; runs: string[] }>`
    WITH ds AS (SELECT id FROM app.dataset WHERE ${dataset} IN (id, city_id)),
    hit AS (${sql.join(perLayer, sql` UNION ALL `)})
    SELECT layer, array_agg(id ORDER BY id) AS runs FROM hit GROUP BY layer`.execute(db);
  const out = Object.fromEntries(INPUT_LAYERS.map((l) => [l, [] as number[]])) as Record<InputLayer, number[]>;
  for (const r of rows) out[r.layer] = r.runs.map(Number);
  return out;
}

interface PendingValue {
  def: ActiveIndicator;
  row: EngineRow;
  origin: 'computed' | 'manual';
  params: EffectiveParams;
  inputs: number[];
}

/**
 * Computes (or recomputes) a draft cycle. Returns the per-engine steps and the total duration.
 * `services`: the in-memory services some engines need (life circles); engines whose service is
 * missing are skipped and named in the steps.
 * @throws CheckCycleError 404 for an unknown cycle, 409 for a published one
 */
export async function computeCycle(db: Kysely<unknown>, cycleId: number, services: CheckServices = {}): Promise<{ steps: CycleStep[]; durationMs: number; values: number }> {
  const t0 = performance.now();
  const cycle = await loadCycle(db, cycleId);
  if (cycle.status === 'published') throw new CheckCycleError(409, `Check cycle ${cycle.year} of ${cycle.dataset} is published; its values are final`);
  const defs = await activeIndicators(db, cycle.dataset, cycle.framework);
  const settings = await citySettings(db, cycle.dataset);
  const pending: PendingValue[] = [];
  const steps: CycleStep[] = [];
  const cityName = (await sql<{ name: string }>`SELECT name FROM app.dataset WHERE id = ${cycle.dataset}`.execute(db)).rows[0]?.name ?? cycle.dataset;

  // Engines shared by several indicators with the same parameters run once.
  const groups = new Map<string, ActiveIndicator[]>();
  for (const d of defs.filter((x) => x.engine !== null)) {
    const key = `${d.engine}:${JSON.stringify(d.params)}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const total = groups.size + 2; // engines, manual values, writing
  const startedAt = new Date().toISOString();
  // Claim the cycle: one computation at a time (a claim older than STALE_MS is from a computation that died).
  const claimed = await sql<{ id: string }>`
    UPDATE app.check_cycle SET progress = ${JSON.stringify({ done: 0, total, step: 'start', startedAt })}::jsonb
    WHERE id = ${cycleId} AND (progress IS NULL OR (progress->>'startedAt')::timestamptz < now() - make_interval(secs => ${STALE_MS / 1000}))
    RETURNING id`.execute(db);
  if (!claimed.rows[0]) throw new CheckCycleError(409, `Check cycle ${cycle.year} of ${cycle.dataset} is being computed; see its progress`);
  // Progress is written at most every PROGRESS_MS (the client polls; each write is an audited row
  // update): a cycle of many quick steps does not pay a round trip per step.
  let written = performance.now();
  const progress = async (done: number, step: string) => {
    if (performance.now() - written < PROGRESS_MS) return;
    written = performance.now();
    await sql`UPDATE app.check_cycle SET progress = ${JSON.stringify({ done, total, step, startedAt })}::jsonb WHERE id = ${cycleId}`.execute(db);
  };
  try {
    return await computeClaimed();
  } finally {
    await sql`UPDATE app.check_cycle SET progress = NULL WHERE id = ${cycleId}`.execute(db);
  }

  async function computeClaimed() {
    const runs = await inputRuns(db, cycle.dataset);
    const memo = new Map<string, Promise<unknown>>(); // work the engines of this cycle share
    // the cycle's own reading before the engines: cycle, catalogue, settings, claim, input runs
    steps.push({ engine: 'prepare', indicators: [], ms: Math.round(performance.now() - t0), values: 0 });
    let done = 0;
    for (const group of groups.values()) {
      const name = group[0].engine!;
      await progress(done++, name);
      const engine = ENGINES[name];
      const t = performance.now();
      if (!engine) {
        steps.push({ engine: name, indicators: group.map((d) => d.code), ms: 0, values: 0, error: `unknown engine "${name}"` });
        continue;
      }
      try {
        const out = await engine.run({ db, dataset: cycle.dataset, year: cycle.year, params: group[0].params, settings, services, memo });
        const inputs = [...new Set(engine.layers.flatMap((l) => runs[l as InputLayer] ?? []))].sort((a, b) => a - b);
        let n = 0;
        for (const def of group) {
          for (const row of out.rows) {
            if (!def.levels.includes(row.unitKind)) continue;
            const named = row.unitKind === 'city' ? { ...row, unitName: row.unitName ?? cityName } : row;
            pending.push({ def, row: named, origin: 'computed', params: out.effective, inputs });
            n++;
          }
        }
        steps.push({ engine: name, indicators: group.map((d) => d.code), ms: Math.round(performance.now() - t), values: n });
      } catch (err) {
        // Data problems of this city (no residential land, a bad setting) skip the engine; anything else fails the cycle.
        const code = (err as { code?: unknown }).code;
        if (typeof code !== 'string' || !/^(22|BAD_REQUEST$|PARAM_VALUE$|ENGINE_UNAVAILABLE$|LIFE_CIRCLE)/.test(code)) throw err;
        steps.push({ engine: name, indicators: group.map((d) => d.code), ms: Math.round(performance.now() - t), values: 0, error: (err as Error).message });
      }
    }

    await progress(groups.size, 'manual');
    const tManual = performance.now();
    const manual = await manualValues(db, cycle.dataset, cycle.year);
    let nManual = 0;
    for (const def of defs) {
      for (const m of manual.filter((x) => x.code === def.code && def.levels.includes(x.row.unitKind))) {
        pending.push({ def, row: m.row, origin: 'manual', params: { source: { value: m.source, origin: 'request' } }, inputs: [] });
        nManual++;
      }
    }
    steps.push({ engine: 'manual', indicators: [...new Set(manual.map((m) => m.code))], ms: Math.round(performance.now() - tManual), values: nManual });

    await progress(groups.size + 1, 'write');
    const tWrite = performance.now();
    await db.transaction().execute(async (trx) => {
      const still = await sql<{ status: string }>`SELECT status FROM app.check_cycle WHERE id = ${cycleId} FOR UPDATE`.execute(trx);
      if (still.rows[0]?.status !== 'draft') throw new CheckCycleError(409, `Check cycle ${cycle.year} of ${cycle.dataset} was published meanwhile`);
      await sql`DELETE FROM app.indicator_value WHERE cycle_id = ${cycleId}`.execute(trx);
      await writeValues(trx, cycle, pending);
      // The values just written are not in the planner's statistics yet (a new cycle is estimated at a
      // row or two), so it chose nested loops comparing every value with every problem: seconds on the
      // 107k replica, depending on when autovacuum last analysed. The joins below match whole sets on
      // their keys; hash joins are right whatever the estimate (until the end of this transaction).
      await sql`SELECT set_config('enable_nestloop', 'off', true)`.execute(trx);
      await sql`
        UPDATE app.indicator_value v SET previous_value = p.value, yoy_change = v.value - p.value
        FROM app.indicator_value p
        WHERE v.cycle_id = ${cycleId}
          AND p.cycle_id = (SELECT c.id FROM app.check_cycle c WHERE c.dataset_id = ${cycle.dataset} AND c.year < ${cycle.year} ORDER BY c.year DESC LIMIT 1)
          AND p.indicator = v.indicator AND p.unit_kind = v.unit_kind AND coalesce(p.unit_id, 0) = coalesce(v.unit_id, 0)`.execute(trx);
      const latest = await sql<{ latest: boolean }>`
        SELECT NOT EXISTS (SELECT 1 FROM app.check_cycle WHERE dataset_id = ${cycle.dataset} AND year > ${cycle.year}) AS latest`.execute(trx);
      steps.push({ engine: 'write', indicators: [], ms: Math.round(performance.now() - tWrite), values: pending.length });
      const tProblems = performance.now();
      if (latest.rows[0].latest) await syncProblems(trx, cycle);
      steps.push({ engine: 'problems', indicators: [], ms: Math.round(performance.now() - tProblems), values: 0 });
      const durationMs = performance.now() - t0;
      await sql`
        UPDATE app.check_cycle SET computed_at = now(), duration_ms = ${durationMs}, steps = ${JSON.stringify(steps)}::jsonb,
               inputs = ${JSON.stringify(runs)}::jsonb
        WHERE id = ${cycleId}`.execute(trx);
    });
    return { steps, durationMs: performance.now() - t0, values: pending.length };
  }
}

/** Shortest interval between two progress writes of one computation. */
const PROGRESS_MS = 250;

/** A computation that has not finished after this long died (server stopped): the next one may start. */
const STALE_MS = 30 * 60_000;

async function citySettings(db: Kysely<unknown>, dataset: string) {
  const { rows } = await sql<{ scope: 'city' | 'installation'; key: string; value: unknown }>`
    SELECT 'city' AS scope, key, value FROM app.dataset_setting WHERE dataset_id = ${dataset}
    UNION ALL SELECT 'installation', key, value FROM app.setting`.execute(db);
  const out = { city: {} as Record<string, unknown>, installation: {} as Record<string, unknown> };
  for (const r of rows) out[r.scope][r.key] = r.value;
  return out;
}

async function manualValues(db: Kysely<unknown>, dataset: string, year: number) {
  const { rows } = await sql<{ code: string; unitKind: UnitKind; unitId: string | null; unitName: string | null; value: number; source: string }>`
    SELECT m.code, m.unit_kind AS "unitKind", m.unit_id AS "unitId", m.value, m.source,
           CASE m.unit_kind WHEN 'city' THEN (SELECT name FROM app.dataset WHERE id = m.dataset_id)
                            WHEN 'estate' THEN (SELECT name FROM app.estate WHERE id = m.unit_id)
                            WHEN 'building' THEN (SELECT name FROM app.building WHERE id = m.unit_id)
                            ELSE (SELECT name FROM app.admin_unit WHERE id = m.unit_id) END AS "unitName"
    FROM app.manual_value m WHERE m.dataset_id = ${dataset} AND m.year = ${year}`.execute(db);
  return rows.map((r) => ({
    code: r.code, source: r.source,
    row: { unitKind: r.unitKind, unitId: r.unitId === null ? null : Number(r.unitId), unitName: r.unitName, value: r.value, numerator: null, denominator: null } as EngineRow,
  }));
}

/**
 * Inserts the evaluated values, set-based: the values of one indicator from one engine run share
 * their rule record (indicator version, parameters, thresholds, inputs), sent once per such group;
 * each value carries only its unit, figures, grade and the parameters of its own (e.g. a weighting).
 */
async function writeValues(trx: Kysely<unknown>, cycle: CycleRow, pending: PendingValue[]) {
  const groupNo = new Map<EffectiveParams, Map<ActiveIndicator, number>>();
  const groups: Record<string, unknown>[] = [];
  const groupOf = (p: PendingValue) => {
    let byDef = groupNo.get(p.params);
    if (!byDef) groupNo.set(p.params, (byDef = new Map()));
    let g = byDef.get(p.def);
    if (g === undefined) {
      g = groups.length;
      byDef.set(p.def, g);
      groups.push({
        g, indicator: p.def.code, def_id: p.def.id, version: p.def.version, unit: p.def.unit, origin: p.origin, inputs: p.inputs,
        rule_version: {
          indicator: p.def.code, version: p.def.version, formulaKind: p.def.formulaKind, engine: p.def.engine, params: p.params,
          thresholds: { target: p.def.target, yellow: p.def.yellow, red: p.def.red, origin: p.def.thresholdOrigin },
          direction: p.def.direction, gradeScheme: cycle.gradeScheme,
        },
      });
    }
    return g;
  };
  const rows = pending.map((p) => {
    const e = evaluate(p.row.value, p.def.direction, p.def);
    return {
      g: groupOf(p), unit_kind: p.row.unitKind, unit_id: p.row.unitId, unit_name: p.row.unitName,
      value: p.row.value, numerator: p.row.numerator, denominator: p.row.denominator,
      grade: cycle.gradeScheme === 'four' ? fourGrade(e) : e.grade, warning: e.warning, rule_fired: e.ruleFired, params: p.row.params ?? null,
    };
  });
  const CHUNK = 10_000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    await sql`
      WITH g AS (
        SELECT g.g, g.indicator, g.def_id, g.version, g.unit, g.origin, ARRAY(SELECT jsonb_array_elements_text(g.inputs)::bigint) AS inputs, g.rule_version
        FROM jsonb_to_recordset(${JSON.stringify(groups)}::jsonb) AS g(g int, indicator text, def_id bigint, version text, unit text, origin text,
          inputs jsonb, rule_version jsonb))
      INSERT INTO app.indicator_value (cycle_id, year, indicator, indicator_def_id, indicator_version, unit_kind, unit_id, unit_name,
        value, unit, numerator, denominator, origin, grade, warning, rule_fired, inputs, rule_version)
      SELECT ${cycle.id}, ${cycle.year}, g.indicator, g.def_id, g.version, x.unit_kind, x.unit_id, x.unit_name,
             x.value, g.unit, x.numerator, x.denominator, g.origin, x.grade, x.warning, x.rule_fired, g.inputs,
             CASE WHEN x.params IS NULL THEN g.rule_version
                  ELSE jsonb_set(g.rule_version, '{params}', (g.rule_version->'params') || x.params) END
      FROM jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + CHUNK))}::jsonb) AS x(g int, unit_kind text, unit_id bigint, unit_name text,
        value float8, numerator float8, denominator float8, grade text, warning text, rule_fired text, params jsonb)
      JOIN g ON g.g = x.g`.execute(trx);
  }
}

/**
 * The problem ledger after the city's latest cycle: a warning opens a problem (or reopens a closed
 * one); an open problem whose unit now has a value without warning is closed (复查销号). Dismissed
 * and merged problems are left as the planner set them. Every change is audited by trigger.
 */
async function syncProblems(trx: Kysely<unknown>, cycle: CycleRow) {
  const entry = (status: string) => sql`jsonb_build_object('year', ${cycle.year}::int, 'status', ${status}::text, 'value', v.value, 'severity', v.warning)`;
  await sql`
    WITH city AS MATERIALIZED (SELECT u.geom FROM analysis.check_units(${cycle.dataset}) u WHERE u.unit_id IS NULL)
    INSERT INTO app.check_problem AS p (dataset_id, indicator, unit_kind, unit_id, unit_name, severity, value, threshold, rule_fired,
      first_cycle_id, first_year, last_cycle_id, last_year, history, geom)
    SELECT ${cycle.dataset}, v.indicator, v.unit_kind, v.unit_id, v.unit_name, v.warning, v.value,
           (v.rule_version->'thresholds'->>v.warning)::float8, v.rule_fired,
           v.cycle_id, v.year, v.cycle_id, v.year, jsonb_build_array(${entry('open')}),
           CASE v.unit_kind WHEN 'estate' THEN (SELECT geom FROM app.estate WHERE id = v.unit_id)
                            WHEN 'building' THEN (SELECT geom FROM app.building WHERE id = v.unit_id)
                            -- the city's outline (a union of its units) only for a problem not yet in the ledger
                            WHEN 'city' THEN CASE WHEN EXISTS (SELECT 1 FROM app.check_problem q WHERE q.dataset_id = ${cycle.dataset}
                                               AND q.indicator = v.indicator AND q.unit_kind = 'city') THEN NULL ELSE (SELECT geom FROM city) END
                            ELSE (SELECT geom FROM app.admin_unit WHERE id = v.unit_id) END
    FROM app.indicator_value v
    WHERE v.cycle_id = ${cycle.id} AND v.warning IS NOT NULL
    ON CONFLICT (dataset_id, indicator, unit_kind, coalesce(unit_id, 0)) DO UPDATE SET
      severity = EXCLUDED.severity, value = EXCLUDED.value, threshold = EXCLUDED.threshold, rule_fired = EXCLUDED.rule_fired,
      last_cycle_id = EXCLUDED.last_cycle_id, last_year = EXCLUDED.last_year, unit_name = EXCLUDED.unit_name,
      status = CASE WHEN p.status = 'closed' THEN 'reopened' ELSE p.status END,
      closed_year = CASE WHEN p.status IN ('dismissed', 'merged') THEN p.closed_year END,
      history = (SELECT coalesce(jsonb_agg(h), '[]') FROM jsonb_array_elements(p.history) h WHERE (h->>'year')::int <> ${cycle.year})
                || jsonb_build_array(jsonb_build_object('year', ${cycle.year}::int,
                     'status', CASE WHEN p.status = 'closed' THEN 'reopened' ELSE p.status END,
                     'value', EXCLUDED.value, 'severity', EXCLUDED.severity)),
      updated_at = now()
    WHERE p.status NOT IN ('dismissed', 'merged')
      -- a recomputation that finds the same failure again changes nothing (and writes no audit row)
      AND (p.status = 'closed' OR (p.severity, p.value, p.threshold, p.rule_fired, p.last_cycle_id, p.unit_name)
           IS DISTINCT FROM (EXCLUDED.severity, EXCLUDED.value, EXCLUDED.threshold, EXCLUDED.rule_fired, EXCLUDED.last_cycle_id, EXCLUDED.unit_name))`.execute(trx);
  await sql`
    UPDATE app.check_problem p SET status = 'closed', closed_year = ${cycle.year}, value = v.value, updated_at = now(),
           history = (SELECT coalesce(jsonb_agg(h), '[]') FROM jsonb_array_elements(p.history) h WHERE (h->>'year')::int <> ${cycle.year})
                     || jsonb_build_array(${entry('closed')})
    FROM app.indicator_value v
    WHERE p.dataset_id = ${cycle.dataset} AND p.status IN ('open', 'in_treatment', 'reopened')
      AND v.cycle_id = ${cycle.id} AND v.indicator = p.indicator AND v.unit_kind = p.unit_kind
      AND coalesce(v.unit_id, 0) = coalesce(p.unit_id, 0) -- the key of both tables' unique indexes (ids are positive)
      AND v.warning IS NULL AND v.value IS NOT NULL`.execute(trx);
}
