/**
 * Database side of the diagnosis (诊断) and of waterlogging exposure: calls the published functions
 * in sql/functions/analysis/diagnosis_*.sql and waterlogging_*.sql with named, bound arguments, and
 * stores a run in one transaction (units, indicators, weights, then the engine's scores and
 * statistics), so a run is there whole or not at all.
 */
import { sql, type Kysely } from 'kysely';
import type { CityScope, EffectiveParams } from '../contract/common.ts';
import type {
  DiagnosisCycle, DiagnosisExplain, DiagnosisInput, DiagnosisRun, DiagnosisWaterlogging, DiagnosisUnit, WaterloggingHistory, WaterloggingPoint, WaterloggingPointPatch, WaterloggingReport,
} from '../contract/diagnosis.ts';
import { assertWaterloggingMove } from '../diagnosis/waterlogging-status.ts';
import { CYCLE_SOURCES } from '../diagnosis/cycle-inputs.ts';
import { HttpError, badRequest, notFound } from '../errors.ts';
import { diagnose, type EngineCriterion, type EngineUnit, type StepRunner } from '../diagnosis/diagnosis-engine.ts';
import { runSync } from '../graph/work-budget.ts';
import type { NormMethod, WeightMethod } from '../analysis/composite/index.ts';

export interface DiagnosisRequest {
  city: CityScope;
  unitKind: 'hexagon' | 'square' | 'community' | 'subdistrict';
  cellSizeM: number;
  minCellShare: number;
  closingM: number;
  weightsScheme: 'queen' | 'rook' | 'knn' | 'distance';
  knnK: number;
  bandM: number;
  /** Waterlogging exposure distance of the units (m). */
  waterloggingDistanceM: number;
  method: EngineMethod;
  effective: EffectiveParams;
  /** A computed check cycle of the same city whose stored values 社区/街道 units reuse. */
  cycle?: { id: number; year: number };
}

export interface EngineMethod {
  criteria: EngineCriterion[];
  norm: NormMethod;
  weightMethod: WeightMethod;
  permutations: number;
  seed: number;
  alpha: number;
}

const srid = (city: CityScope) => Number(city.metricCrs.replace(/^EPSG:/, ''));

interface UnitRow {
  unitNo: number; gridI: number | null; gridJ: number | null; adminUnitId: number | null; name: string | null;
  areaM2: number; builtUpM2: number; indicators: Record<string, number | null>;
}

export function diagnosisRepository(db: Kysely<unknown>) {
  /** Reads a run's indicators and pairs and runs the engine (no writes). */
  async function compute(q: Kysely<unknown>, runId: number, method: EngineMethod, runner: StepRunner) {
    const { rows } = await sql<{ indicators: Record<string, number | null> }>`
      SELECT indicators FROM app.diagnosis_unit WHERE run_id = ${runId} ORDER BY unit_no`.execute(q);
    const pairs = await sql<{ i: number[]; j: number[] }>`
      SELECT coalesce(array_agg(i ORDER BY i, j), '{}') AS i, coalesce(array_agg(j ORDER BY i, j), '{}') AS j
      FROM app.diagnosis_neighbour WHERE run_id = ${runId}`.execute(q);
    return diagnose({
      indicators: rows.map((r) => r.indicators),
      pairs: { i: Int32Array.from(pairs.rows[0].i), j: Int32Array.from(pairs.rows[0].j) },
      ...method,
    }, runner);
  }

  return {
    /** Computes and stores a run (one transaction); returns it. */
    async run(req: DiagnosisRequest, runner: StepRunner = runSync): Promise<DiagnosisRun> {
      const started = performance.now();
      const runId = await db.transaction().execute(async (trx) => {
        const m = srid(req.city);
        const cov = await sql<{ id: number }>`
          SELECT id FROM app.coverage_run WHERE dataset_id = ${req.city.dataset} AND target = 'residential_land' AND mode IN ('official', 'both')
          ORDER BY id DESC LIMIT 1`.execute(trx);
        const coverageRunId = cov.rows[0]?.id ?? (await sql<{ id: number }>`
          SELECT analysis.green_coverage_run(mode => 'official', target => 'residential_land', dataset_id => ${req.city.dataset}::text) AS id`.execute(trx)).rows[0].id;
        const created = await sql<{ id: number }>`
          SELECT analysis.diagnosis_run_create(dataset_id => ${req.city.dataset}::text, datasets => ${req.city.datasets}::text[],
            metric_srid => ${m}::int, unit_kind => ${req.unitKind}::text, cell_size_m => ${req.cellSizeM}::float8,
            min_share => ${req.minCellShare}::float8, closing_m => ${req.closingM}::float8,
            effective => ${JSON.stringify({ ...req.effective, coverageRunId: { value: Number(coverageRunId), origin: 'default' } })}::jsonb) AS id`.execute(trx);
        const id = Number(created.rows[0].id);
        await sql`SELECT analysis.diagnosis_unit_indicators(run_id => ${id}::bigint, datasets => ${req.city.datasets}::text[],
            coverage_run_id => ${coverageRunId}::bigint, check_year => ${req.cycle?.year ?? req.city.checkYear}::int)`.execute(trx);
        const inputs = await this.inputs(trx, id, req.cycle?.id);
        await sql`INSERT INTO app.diagnosis_unit_waterlogging (run_id, unit_no, points_within, untreated_within, severity_weighted, density_per_km2, by_status)
          SELECT ${id}::bigint, w.unit_no, w.points_within, w.untreated_within, w.severity_weighted, w.density_per_km2, w.by_status
          FROM analysis.waterlogging_exposure_unit(run_id => ${id}::bigint, datasets => ${req.city.datasets}::text[],
            distance_m => ${req.waterloggingDistanceM}::float8) w`.execute(trx);
        await sql`SELECT analysis.diagnosis_neighbour_pairs(run_id => ${id}::bigint, scheme => ${req.weightsScheme}::text,
            k => ${req.knnK}::int, band_m => ${req.bandM}::float8)`.execute(trx);
        const result = await compute(trx, id, req.method, runner);
        await this.store(trx, id, result.units);
        await sql`UPDATE app.diagnosis_run SET criteria = ${JSON.stringify(req.method.criteria)}::jsonb, inputs = ${JSON.stringify(inputs)}::jsonb,
            summary = ${JSON.stringify(result.summary)}::jsonb, duration_ms = ${performance.now() - started}
          WHERE id = ${id}`.execute(trx);
        return id;
      });
      return (await this.get(runId))!;
    },

    /**
     * Step 2b: with a cycle, 社区/街道 units take the cycle's stored values (analysis.diagnosis_cycle_inputs);
     * without, every value is computed. Returns the provenance of every indicator of the run.
     */
    async inputs(q: Kysely<unknown>, runId: number, cycleId: number | undefined): Promise<DiagnosisInput[]> {
      if (cycleId === undefined) {
        const { rows } = await sql<{ code: string; n: number }>`
          WITH o AS (
            UPDATE app.diagnosis_unit u SET input_origin = (SELECT jsonb_object_agg(k, 'computed') FROM jsonb_object_keys(u.indicators) k)
            WHERE u.run_id = ${runId} RETURNING u.indicators)
          SELECT k AS code, count(*)::int AS n FROM o CROSS JOIN LATERAL jsonb_object_keys(o.indicators) k GROUP BY k ORDER BY k`.execute(q);
        return rows.map((r) => ({ code: r.code, origin: 'computed', cycleIndicator: null, transform: null, unitsFromCycle: 0, unitsComputed: r.n }));
      }
      const sources = CYCLE_SOURCES.map(({ code, indicator, offset, scale }) => ({ code, indicator, offset, scale }));
      const { rows } = await sql<{ code: string; fromCycle: number; computed: number }>`
        SELECT code, units_from_cycle AS "fromCycle", units_computed AS computed
        FROM analysis.diagnosis_cycle_inputs(run_id => ${runId}::bigint, cycle_id => ${cycleId}::bigint, sources => ${JSON.stringify(sources)}::jsonb)`.execute(q);
      return rows.map((r) => {
        const src = CYCLE_SOURCES.find((c) => c.code === r.code);
        const origin = r.fromCycle === 0 ? 'computed' : r.computed === 0 ? 'cycle' : 'mixed';
        return { code: r.code, origin, cycleIndicator: src?.indicator ?? null, transform: src?.transform ?? null, unitsFromCycle: r.fromCycle, unitsComputed: r.computed };
      });
    },

    /** A check cycle's city, year and state (undefined: no such cycle). */
    async cycle(cycleId: number): Promise<(DiagnosisCycle & { dataset: string }) | undefined> {
      const { rows: [c] } = await sql<{ dataset: string; year: number; status: string; computedAt: Date | null; publishedAt: Date | null }>`
        SELECT dataset_id AS dataset, year, status, computed_at AS "computedAt", published_at AS "publishedAt"
        FROM app.check_cycle WHERE id = ${cycleId}::bigint`.execute(db);
      return c && { cycleId, dataset: c.dataset, year: c.year, status: c.status, computedAt: c.computedAt?.toISOString() ?? null, publishedAt: c.publishedAt?.toISOString() ?? null };
    },

    /** Writes the engine's per-unit results (scores, obstacle degrees, statistics). */
    async store(q: Kysely<unknown>, runId: number, units: EngineUnit[]) {
      const col = <K extends keyof EngineUnit>(k: K) => units.map((u) => u[k]);
      await sql`
        UPDATE app.diagnosis_unit u SET
          normalised = r.normalised, obstacle = r.obstacle, score = r.score, disease = r.disease,
          gi_z = r.gi_z, gi_p = r.gi_p, gi_p_sim = r.gi_p_sim, gi_bin = r.gi_bin, gi_fdr = r.gi_fdr,
          lisa_i = r.lisa_i, lisa_z = r.lisa_z, lisa_p = r.lisa_p, lisa_p_sim = r.lisa_p_sim,
          lisa_quadrant = r.lisa_quadrant, lisa_fdr = r.lisa_fdr, neighbours = r.neighbours
        FROM (SELECT t.*, (${JSON.stringify(col('normalised'))}::jsonb) -> (t.unit_no) AS normalised,
                          (${JSON.stringify(col('obstacle'))}::jsonb) -> (t.unit_no) AS obstacle
              FROM unnest(${units.map((_, i) => i)}::int[], ${col('score')}::float8[], ${col('disease')}::float8[],
                          ${col('giZ')}::float8[], ${col('giP')}::float8[], ${col('giPSim')}::float8[], ${col('giBin')}::smallint[], ${col('giFdr')}::boolean[],
                          ${col('lisaI')}::float8[], ${col('lisaZ')}::float8[], ${col('lisaP')}::float8[], ${col('lisaPSim')}::float8[],
                          ${col('lisaQuadrant')}::text[], ${col('lisaFdr')}::boolean[], ${col('neighbours')}::int[])
                AS t(unit_no, score, disease, gi_z, gi_p, gi_p_sim, gi_bin, gi_fdr, lisa_i, lisa_z, lisa_p, lisa_p_sim, lisa_quadrant, lisa_fdr, neighbours)) r
        WHERE u.run_id = ${runId} AND u.unit_no = r.unit_no`.execute(q);
    },

    /** Recomputes scores and statistics of a stored run with another method; nothing is stored. */
    async recompute(runId: number, method: EngineMethod, runner: StepRunner = runSync) {
      return compute(db, runId, method, runner);
    },

    /** The run's city, stored parameters and method (undefined: no such run). */
    async head(runId: number) {
      const { rows } = await sql<{
        dataset: string; cityName: string; datasets: string[]; metricSrid: number; unitKind: string; cellSizeM: number | null;
        effective: EffectiveParams; criteria: EngineCriterion[]; summary: Record<string, unknown>; builtUpM2: number; builtUpSource: string;
        durationMs: number | null; createdAt: Date; cycleId: number | null; inputs: DiagnosisInput[];
      }>`
        SELECT r.dataset_id AS dataset, d.name AS "cityName",
               (SELECT array_agg(x.id ORDER BY x.id <> r.dataset_id, x.id) FROM app.dataset x WHERE x.id = r.dataset_id OR x.city_id = r.dataset_id) AS datasets,
               r.metric_srid AS "metricSrid", r.unit_kind AS "unitKind", r.cell_size_m AS "cellSizeM", r.effective, r.criteria, r.summary,
               r.built_up_m2 AS "builtUpM2", r.built_up_source AS "builtUpSource", r.duration_ms AS "durationMs", r.created_at AS "createdAt",
               r.cycle_id AS "cycleId", r.inputs
        FROM app.diagnosis_run r JOIN app.dataset d ON d.id = r.dataset_id WHERE r.id = ${runId}`.execute(db);
      return rows[0];
    },

    /** A stored run in the wire shape of DiagnosisRunSchema, or undefined. */
    async get(runId: number, opts: { units?: boolean } = {}): Promise<DiagnosisRun | undefined> {
      const h = await this.head(runId);
      if (!h) return undefined;
      const checkYear = h.effective.checkYear?.value;
      const coverageRunId = h.effective.coverageRunId?.value;
      const cycle = h.cycleId === null ? undefined : await this.cycle(Number(h.cycleId));
      return {
        runId,
        cycle: cycle ? { cycleId: cycle.cycleId, year: cycle.year, status: cycle.status, computedAt: cycle.computedAt, publishedAt: cycle.publishedAt } : null,
        inputs: h.inputs,
        city: { dataset: h.dataset, name: h.cityName, datasets: h.datasets, metricCrs: `EPSG:${h.metricSrid}`, checkYear: typeof checkYear === 'number' ? checkYear : null },
        unitKind: h.unitKind,
        cellSizeM: h.cellSizeM,
        effective: h.effective,
        criteria: h.criteria,
        coverageRunId: typeof coverageRunId === 'number' ? coverageRunId : null,
        summary: { ...(h.summary as DiagnosisRun['summary']), builtUpM2: h.builtUpM2, builtUpSource: h.builtUpSource },
        durationMs: h.durationMs,
        createdAt: h.createdAt.toISOString(),
        units: opts.units === false ? [] : await this.units(runId),
      };
    },

    async units(runId: number, unitNo?: number): Promise<DiagnosisUnit[]> {
      const { rows } = await sql<DiagnosisUnit>`
        SELECT unit_no AS "unitNo", grid_i AS "gridI", grid_j AS "gridJ", admin_unit_id AS "adminUnitId", name,
               area_m2 AS "areaM2", built_up_m2 AS "builtUpM2", indicators, score, disease,
               gi_z AS "giZ", gi_p AS "giP", gi_p_sim AS "giPSim", gi_bin AS "giBin", gi_fdr AS "giFdr",
               lisa_i AS "lisaI", lisa_z AS "lisaZ", lisa_p AS "lisaP", lisa_p_sim AS "lisaPSim",
               lisa_quadrant AS "lisaQuadrant", lisa_fdr AS "lisaFdr", coalesce(neighbours, 0) AS neighbours
        FROM app.diagnosis_unit WHERE run_id = ${runId} AND (${unitNo ?? null}::int IS NULL OR unit_no = ${unitNo ?? null}::int)
        ORDER BY unit_no`.execute(db);
      return rows.map((r) => ({ ...r, adminUnitId: r.adminUnitId === null ? null : Number(r.adminUnitId) }));
    },

    /** Units as a GeoJSON FeatureCollection (EPSG:4326) with their scores and classes. */
    async unitsGeoJson(runId: number) {
      const { rows } = await sql<{ fc: unknown }>`
        SELECT jsonb_build_object('type', 'FeatureCollection', 'features', coalesce(jsonb_agg(jsonb_build_object(
                 'type', 'Feature', 'id', u.unit_no,
                 'properties', jsonb_build_object('runId', u.run_id, 'unitNo', u.unit_no, 'gridI', u.grid_i, 'gridJ', u.grid_j,
                   'adminUnitId', u.admin_unit_id, 'name', u.name, 'builtUpM2', u.built_up_m2, 'score', u.score, 'disease', u.disease,
                   'giZ', u.gi_z, 'giP', u.gi_p, 'giPSim', u.gi_p_sim, 'giBin', u.gi_bin, 'giFdr', u.gi_fdr,
                   'lisaI', u.lisa_i, 'lisaP', u.lisa_p, 'lisaPSim', u.lisa_p_sim, 'lisaQuadrant', u.lisa_quadrant, 'lisaFdr', u.lisa_fdr,
                   'neighbours', u.neighbours) || u.indicators,
                 'geometry', ST_AsGeoJSON(u.geom, 7)::jsonb) ORDER BY u.unit_no), '[]')) AS fc
        FROM app.diagnosis_unit u WHERE u.run_id = ${runId}`.execute(db);
      return rows[0].fc;
    },

    /** "Why is this unit hot?": indicators with normalised values, weights and obstacle degrees; the neighbours used. */
    async explain(runId: number, unitNo: number): Promise<DiagnosisExplain | undefined> {
      const h = await this.head(runId);
      const [unit] = await this.units(runId, unitNo);
      if (!h || !unit) return undefined;
      const { rows: [u] } = await sql<{ normalised: Record<string, number | null> | null; obstacle: Record<string, number | null> | null; origin: Record<string, 'cycle' | 'computed'> | null }>`
        SELECT normalised, obstacle, input_origin AS origin FROM app.diagnosis_unit WHERE run_id = ${runId} AND unit_no = ${unitNo}`.execute(db);
      const { rows: means } = await sql<{ key: string; mean: number | null; disease: number | null }>`
        SELECT k.key, avg((k.value #>> '{}')::float8) AS mean, NULL::float8 AS disease
        FROM app.diagnosis_unit x CROSS JOIN LATERAL jsonb_each(x.indicators) k
        WHERE x.run_id = ${runId} AND jsonb_typeof(k.value) = 'number' GROUP BY k.key
        UNION ALL SELECT '', NULL, avg(disease) FROM app.diagnosis_unit WHERE run_id = ${runId}`.execute(db);
      const { rows: nb } = await sql<{ unitNo: number; disease: number | null; giBin: number | null }>`
        SELECT n.j AS "unitNo", x.disease, x.gi_bin AS "giBin" FROM app.diagnosis_neighbour n
        JOIN app.diagnosis_unit x ON x.run_id = n.run_id AND x.unit_no = n.j
        WHERE n.run_id = ${runId} AND n.i = ${unitNo} ORDER BY n.j`.execute(db);
      const weights = new Map(((h.summary.weights ?? []) as { code: string; weight: number }[]).map((w) => [w.code, w.weight]));
      const mean = new Map(means.filter((m) => m.key).map((m) => [m.key, m.mean]));
      const nbD = nb.map((x) => x.disease).filter((d): d is number => d !== null);
      return {
        runId,
        unit,
        factors: Object.keys(unit.indicators).map((code) => ({
          code,
          value: unit.indicators[code],
          normalised: u.normalised?.[code] ?? null,
          weight: weights.get(code) ?? null,
          obstacle: u.obstacle?.[code] ?? null,
          cityMean: mean.get(code) ?? null,
          origin: u.origin?.[code] ?? 'computed',
        })).sort((a, b) => (b.obstacle ?? -1) - (a.obstacle ?? -1)),
        neighbours: nb,
        neighbourMeanDisease: nbD.length ? nbD.reduce((a, d) => a + d, 0) / nbD.length : null,
        cityMeanDisease: means.find((m) => m.key === '')?.disease ?? null,
      };
    },

    /** Waterlogging per unit of a stored run (points within its distance, untreated, severity-weighted, density); undefined: no run. */
    async unitWaterlogging(runId: number): Promise<DiagnosisWaterlogging | undefined> {
      const run = await this.get(runId, { units: false });
      if (!run) return undefined;
      const { rows } = await sql<DiagnosisWaterlogging['units'][number]>`
        SELECT u.unit_no AS "unitNo", u.grid_i AS "gridI", u.grid_j AS "gridJ", u.admin_unit_id AS "adminUnitId", u.name, u.built_up_m2 AS "builtUpM2",
               w.points_within AS "pointsWithin", w.untreated_within AS "untreatedWithin", w.severity_weighted AS "severityWeighted",
               w.density_per_km2 AS "densityPerKm2", w.by_status AS "byStatus"
        FROM app.diagnosis_unit u JOIN app.diagnosis_unit_waterlogging w ON w.run_id = u.run_id AND w.unit_no = u.unit_no
        WHERE u.run_id = ${runId} ORDER BY u.unit_no`.execute(db);
      const keep = ['waterloggingDistanceM', 'checkYear', 'unitKind', 'cellSizeM', 'minCellShare', 'closingM', 'cycleId'];
      return {
        runId, unitKind: run.unitKind, city: run.city,
        effective: Object.fromEntries(Object.entries(run.effective).filter(([k]) => keep.includes(k))),
        units: rows.map((r) => ({ ...r, adminUnitId: r.adminUnitId === null ? null : Number(r.adminUnitId) })),
      };
    },

    /** Waterlogging summary of a city and exposure of each of its estates. */
    async waterlogging(city: CityScope, distanceM: number, closingM: number, effective: EffectiveParams): Promise<WaterloggingReport> {
      const { rows: [s] } = await sql<{ s: Record<string, unknown> }>`
        SELECT analysis.waterlogging_summary(datasets => ${city.datasets}::text[], metric_srid => ${srid(city)}::int, closing_m => ${closingM}::float8) AS s`.execute(db);
      const { rows } = await sql<WaterloggingReport['estates'][number]>`
        SELECT x.estate_id AS "estateId", coalesce(l.name, x.name) AS name, x.points_within AS "pointsWithin", x.untreated_within AS "untreatedWithin",
               x.severity_weighted AS "severityWeighted", x.nearest_untreated_id AS "nearestUntreatedId",
               x.nearest_untreated_name AS "nearestUntreatedName", x.nearest_untreated_m AS "nearestUntreatedM"
        FROM analysis.waterlogging_exposure_estate(datasets => ${city.datasets}::text[], distance_m => ${distanceM}::float8) x
        LEFT JOIN LATERAL analysis.estate_label(x.estate_id) l ON true
        ORDER BY x.severity_weighted DESC, x.nearest_untreated_m NULLS LAST, x.estate_id`.execute(db);
      return {
        city, effective,
        summary: waterloggingSummary(s.s),
        estates: rows.map((r) => ({ ...r, estateId: Number(r.estateId), nearestUntreatedId: r.nearestUntreatedId === null ? null : Number(r.nearestUntreatedId) })),
      };
    },

    /**
     * Moves a point's status and/or links its remediation project, in one transaction with the row
     * locked: an illegal move → 409 (server/diagnosis/waterlogging-status.ts), a project of another
     * city → 400. The history row (with the note) and the audit row come from the table's triggers and
     * name the signed-in user; the change-feed trigger drops the touched tiles. Undefined: no such point.
     * `scope`: the one city a city-scoped account may change (the request names no city, so the point's
     * own city is checked here) → 403 for a point of another city.
     */
    async patchPoint(pointId: number, patch: WaterloggingPointPatch, scope?: { username: string; city: string }): Promise<WaterloggingPoint | undefined> {
      const found = await db.transaction().execute(async (trx) => {
        const { rows: [cur] } = await sql<{ status: string; city: string }>`
          SELECT p.status, coalesce(d.city_id, d.id) AS city FROM app.waterlogging_point p JOIN app.dataset d ON d.id = p.dataset_id
          WHERE p.id = ${pointId}::bigint FOR UPDATE OF p`.execute(trx);
        if (!cur) return false;
        if (scope && scope.city !== cur.city) {
          throw new HttpError(403, `${scope.username} may change only the city ${scope.city}, not ${cur.city}.`, 'CITY_SCOPE');
        }
        assertWaterloggingMove(pointId, cur.status, patch.status);
        const project = patch.remediationProjectId;
        if (project !== undefined && project !== null) {
          const { rows: [p] } = await sql<{ city: string }>`
            SELECT coalesce(d.city_id, d.id) AS city FROM app.renewal_project r JOIN app.dataset d ON d.id = r.dataset_id WHERE r.id = ${project}::bigint`.execute(trx);
          if (!p) throw notFound(`No renewal project ${project}`);
          if (p.city !== cur.city) throw badRequest(`Renewal project ${project} is of city "${p.city}", waterlogging point ${pointId} of city "${cur.city}"`);
        }
        await sql`SELECT set_config('citycheck.note', ${patch.note ?? ''}, true)`.execute(trx);
        await sql`
          UPDATE app.waterlogging_point SET status = ${patch.status},
            remediation_project_id = CASE WHEN ${project !== undefined} THEN ${project ?? null}::bigint ELSE remediation_project_id END,
            updated_at = now()
          WHERE id = ${pointId}::bigint`.execute(trx);
        return true;
      });
      if (!found) return undefined;
      const history = await this.pointHistory(pointId);
      const { rows: [p] } = await sql<{ name: string; remediationProjectId: string | null; updatedAt: Date }>`
        SELECT name, remediation_project_id AS "remediationProjectId", updated_at AS "updatedAt" FROM app.waterlogging_point WHERE id = ${pointId}::bigint`.execute(db);
      if (!history || !p) return undefined;
      return { ...history, name: p.name, remediationProjectId: p.remediationProjectId === null ? null : Number(p.remediationProjectId), updatedAt: p.updatedAt.toISOString() };
    },

    /** A point's status history (all check years of the same ledger id), oldest first. */
    async pointHistory(pointId: number): Promise<WaterloggingHistory | undefined> {
      const { rows: [p] } = await sql<{ dataset: string; sourceId: string; status: string }>`
        SELECT dataset_id AS dataset, source_id AS "sourceId", status FROM app.waterlogging_point WHERE id = ${pointId}`.execute(db);
      if (!p) return undefined;
      const { rows } = await sql<WaterloggingHistory['changes'][number] & { changedAt: Date }>`
        SELECT from_status AS "fromStatus", to_status AS "toStatus", changed_at AS "changedAt", actor, check_year AS "checkYear",
               import_run_id AS "importRunId", note
        FROM app.waterlogging_status_change WHERE dataset_id = ${p.dataset} AND source_id = ${p.sourceId} ORDER BY changed_at, id`.execute(db);
      return {
        pointId, sourceId: p.sourceId, status: p.status,
        changes: rows.map((r) => ({ ...r, changedAt: (r.changedAt as Date).toISOString(), importRunId: r.importRunId === null ? null : Number(r.importRunId) })),
      };
    },
  };
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** analysis.waterlogging_summary's jsonb in the wire shape: keys to camelCase, but the keys inside by_* are codes (in_progress, 15to30) and stay. */
function waterloggingSummary(s: Record<string, unknown>): WaterloggingReport['summary'] {
  const treated = (s.treated as Record<string, unknown>[] | undefined) ?? [];
  return {
    ...Object.fromEntries(Object.entries(s).map(([k, v]) => [camel(k), v])),
    treated: treated.map((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [camel(k), v]))),
  } as WaterloggingReport['summary'];
}

const CSV_COLUMNS = ['unitNo', 'gridI', 'gridJ', 'adminUnitId', 'name', 'builtUpM2', 'score', 'disease', 'giZ', 'giP', 'giPSim', 'giBin', 'giFdr',
  'lisaI', 'lisaZ', 'lisaP', 'lisaPSim', 'lisaQuadrant', 'lisaFdr', 'neighbours'] as const;

const csvCell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) || (typeof v === 'string' && /^[=+\-@]/.test(s)) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Units of a run as CSV (UTF-8 with BOM for spreadsheet programs): scores, z, p, classes, then every indicator. */
export function unitsToCsv(units: readonly DiagnosisUnit[]): string {
  const codes = [...new Set(units.flatMap((u) => Object.keys(u.indicators)))].sort();
  const lines = [[...CSV_COLUMNS, ...codes].join(',')];
  for (const u of units) lines.push([...CSV_COLUMNS.map((c) => csvCell(u[c])), ...codes.map((c) => csvCell(u.indicators[c]))].join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
