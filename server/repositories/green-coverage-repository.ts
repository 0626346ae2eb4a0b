/**
 * Database side of park service-radius coverage (issue 5): calls the published functions in
 * `sql/functions/analysis/green_*.sql` with named, bound arguments and reads the stored run tables.
 * Geometry in and out is GeoJSON in EPSG:4326 (lon/lat); areas are m², distances metres.
 */
import { sql, type Kysely } from 'kysely';
import { GREEN_COVERAGE_SOURCE } from '../analysis/rule-sources.ts';
import type { EffectiveParams } from '../contract/common.ts';
import type { CoverageEstate, CoverageRun, PocketParkPick, WhatIfResult } from '../contract/green-coverage.ts';
import { GeometryInputError, type PolygonInput } from '../validation/geojson.ts';

/** Every rule parameter, resolved (server/contract/parameters.ts): nothing is left to SQL defaults. */
export interface CoverageRules {
  largeMinM2: number;
  largeRadiusM: number;
  smallMinM2: number;
  smallRadiusM: number;
  smallMinInclusive: boolean;
  eligibleKinds: readonly string[] | null;
  historicVariant: boolean;
  historicMinM2: number;
  historicRadiusM: number;
  accessWidthM: number;
  snapM: number;
  distanceCapM: number;
  estateCoveredMinShare: number;
}

export interface CoverageRequest {
  mode: 'official' | 'walking' | 'both';
  target: 'residential_land' | 'estate' | 'residential_building';
  /** The city (app.dataset id); its ledgers and sample data count with it. */
  dataset: string;
  rules: CoverageRules;
  /** Effective parameters with their origin, stored with the run. */
  effective: EffectiveParams;
}

export type ShortfallLayer = 'uncovered_official' | 'uncovered_walking' | 'detour';

const v = <T>(x: T | undefined) => (x === undefined ? null : x);

function rulesExpr(r: CoverageRules) {
  return sql`analysis.green_coverage_rules(
    large_min_m2 => ${r.largeMinM2}::float8, large_radius_m => ${r.largeRadiusM}::float8,
    small_min_m2 => ${r.smallMinM2}::float8, small_radius_m => ${r.smallRadiusM}::float8,
    small_min_inclusive => ${r.smallMinInclusive}::boolean, eligible_kinds => ${r.eligibleKinds}::text[],
    historic_variant => ${r.historicVariant}::boolean, historic_min_m2 => ${r.historicMinM2}::float8,
    historic_radius_m => ${r.historicRadiusM}::float8, access_width_m => ${r.accessWidthM}::float8,
    snap_m => ${r.snapM}::float8, distance_cap_m => ${r.distanceCapM}::float8,
    estate_covered_min_share => ${r.estateCoveredMinShare}::float8)`;
}

/** snake_case keys of stored jsonb (rule versions, summaries) → camelCase, the one wire convention. */
export function camelKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(camelKeys);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(Object.entries(x).map(([k, val]) => [k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()), camelKeys(val)]));
}

/** Validated user polygons (server/validation/geojson.ts) → one EPSG:4326 MultiPolygon expression (bound as text). */
function polygonsExpr(p: PolygonInput) {
  return sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(p.multiPolygon)}::text), 4326)`;
}

export function greenCoverageRepository(db: Kysely<unknown>) {
  return {
    /** Computes and stores a run; returns its summary, per-unit and per-estate tables. */
    async run(req: CoverageRequest) {
      const { rows } = await sql<{ id: number }>`SELECT analysis.green_coverage_run(
          mode => ${req.mode}, target => ${req.target},
          dataset_id => ${req.dataset}::text, rules => ${rulesExpr(req.rules)}) AS id`.execute(db);
      await sql`UPDATE app.coverage_run SET effective = ${JSON.stringify(req.effective)}::jsonb WHERE id = ${rows[0].id}`.execute(db);
      return this.get(rows[0].id);
    },

    /**
     * A stored run in the wire shape of CoverageRunSchema (server/contract/green-coverage.ts), or
     * undefined. `city` is null for runs stored before runs had a city.
     */
    async get(runId: number): Promise<CoverageRun | undefined> {
      const run = await sql<{
        mode: CoverageRun['mode']; target: CoverageRun['target']; dataset: string | null; cityName: string | null; datasets: string[] | null;
        metricSrid: number; ruleVersion: Record<string, unknown>; effective: EffectiveParams | null; summary: Record<string, unknown>;
        durationMs: number | null; createdAt: Date;
      }>`
        SELECT r.mode, r.target, r.dataset_id AS dataset, d.name AS "cityName",
               (SELECT array_agg(m.id ORDER BY m.id <> r.dataset_id, m.id) FROM app.dataset m WHERE m.id = r.dataset_id OR m.city_id = r.dataset_id) AS datasets,
               r.metric_srid AS "metricSrid", r.rule_version AS "ruleVersion", r.effective, r.summary, r.duration_ms AS "durationMs", r.created_at AS "createdAt"
        FROM app.coverage_run r LEFT JOIN app.dataset d ON d.id = r.dataset_id WHERE r.id = ${runId}`.execute(db);
      const r = run.rows[0];
      if (!r) return undefined;
      const units = await sql<CoverageRun['units'][number]>`
        SELECT unit_kind AS "unitKind", unit_id AS "unitId", name, target_m2 AS "targetM2", official_m2 AS "officialM2", walking_m2 AS "walkingM2",
               100 * official_m2 / nullif(target_m2, 0) AS "officialPct", 100 * walking_m2 / nullif(target_m2, 0) AS "walkingPct",
               residents, 100 * official_residents / nullif(residents, 0) AS "officialResidentsPct",
               100 * walking_residents / nullif(residents, 0) AS "walkingResidentsPct"
        FROM app.coverage_unit WHERE run_id = ${runId}
        ORDER BY array_position(ARRAY['city', 'district', 'subdistrict', 'community'], unit_kind), name`.execute(db);
      const checkYear = r.effective?.checkYear?.value;
      return {
        runId,
        city: r.dataset === null ? null : {
          dataset: r.dataset, name: r.cityName ?? r.dataset, datasets: r.datasets ?? [r.dataset],
          metricCrs: `EPSG:${r.metricSrid}`, checkYear: typeof checkYear === 'number' ? checkYear : null,
        },
        mode: r.mode,
        target: r.target,
        effective: r.effective ?? {},
        ruleVersion: camelKeys(r.ruleVersion) as Record<string, unknown>,
        ruleSource: GREEN_COVERAGE_SOURCE,
        summary: camelKeys(r.summary) as CoverageRun['summary'],
        durationMs: r.durationMs,
        createdAt: r.createdAt.toISOString(),
        units: units.rows,
        estates: await this.estates(runId),
      };
    },

    /**
     * Per-estate rows, sorted by walking distance (unknown last), then straight distance. Estates
     * and parks by name: an unnamed estate is named from its surroundings (analysis.estate_label).
     */
    async estates(runId: number): Promise<CoverageEstate[]> {
      const { rows } = await sql<CoverageEstate>`
        SELECT ce.estate_id AS "estateId", coalesce(l.name, ce.name) AS name, coalesce(l.name_en, ce.name) AS "nameEn", coalesce(l.derived, false) AS "nameDerived",
               ce.residents, ce.area_m2 AS "areaM2", ce.official_share AS "officialShare", ce.walking_share AS "walkingShare",
               ce.covered_official AS "coveredOfficial", ce.covered_walking AS "coveredWalking",
               ce.straight_distance_m AS "straightDistanceM", ce.straight_park_id AS "straightParkId", sp.name AS "straightParkName",
               ce.walk_distance_m AS "walkDistanceM", ce.nearest_park_id AS "nearestParkId", ce.nearest_park_name AS "nearestParkName"
        FROM app.coverage_estate ce
        LEFT JOIN LATERAL analysis.estate_label(ce.estate_id) l ON true
        LEFT JOIN app.green_space sp ON sp.id = ce.straight_park_id
        WHERE ce.run_id = ${runId}
        ORDER BY ce.walk_distance_m DESC NULLS FIRST, ce.straight_distance_m DESC NULLS FIRST, ce.estate_id`.execute(db);
      return rows;
    },

    /** Shortfall / detour layer of a run as a GeoJSON FeatureCollection (EPSG:4326). */
    async shortfall(runId: number, layer: ShortfallLayer) {
      const { rows } = await sql<{ fc: unknown }>`
        SELECT jsonb_build_object('type', 'FeatureCollection', 'features', coalesce(jsonb_agg(jsonb_build_object(
                 'type', 'Feature', 'properties', jsonb_build_object('runId', s.run_id, 'layer', s.layer, 'areaM2', s.area_m2),
                 'geometry', ST_AsGeoJSON(s.geom, 7)::jsonb)), '[]')) AS fc
        FROM app.coverage_shortfall s WHERE s.run_id = ${runId} AND s.layer = ${layer} AND s.geom IS NOT NULL`.execute(db);
      return rows[0].fc;
    },

    /**
     * Rejects polygons GEOS does not accept (self-intersections, rings touching in a line, …) with a
     * 400 naming the input path and GEOS's reason, before they reach an intersection that would throw.
     */
    async assertValidPolygons(p: PolygonInput) {
      const { rows } = await sql<{ n: number; reason: string }>`
        SELECT d.path[1] AS n, ST_IsValidReason(d.geom) AS reason
        FROM ST_Dump(${polygonsExpr(p)}) d WHERE NOT ST_IsValid(d.geom) ORDER BY 1`.execute(db);
      if (rows.length) throw new GeometryInputError(rows.map((r) => ({ path: p.paths[r.n - 1] ?? 'polygon', message: `not a valid polygon: ${r.reason}` })));
    },

    /** What-if: extra park polygons (validated GeoJSON) on top of a stored run; nothing is saved. */
    async whatIf(runId: number, parks: PolygonInput): Promise<WhatIfResult> {
      await this.assertValidPolygons(parks);
      const { rows } = await sql<{ w: unknown }>`SELECT analysis.green_coverage_whatif(run_id => ${runId}::bigint, parks => ${polygonsExpr(parks)}) AS w`.execute(db);
      return camelKeys(rows[0].w) as WhatIfResult;
    },

    /** Saves a named what-if scenario (audited); returns the stored row. */
    async saveScenario(runId: number, name: string, parks: PolygonInput) {
      await this.assertValidPolygons(parks);
      const { rows } = await sql<{ id: number }>`SELECT analysis.green_coverage_scenario_save(run_id => ${runId}::bigint, name => ${name}::text, parks => ${polygonsExpr(parks)}) AS id`.execute(db);
      return (await this.scenarios(runId, rows[0].id))[0];
    },

    /** Saved scenarios of a run (newest first), or the one with `scenarioId`. */
    async scenarios(runId: number, scenarioId?: number) {
      const { rows } = await sql<{ scenarioId: number; runId: number; name: string; parks: unknown; summary: unknown; createdAt: Date }>`
        SELECT id AS "scenarioId", base_run_id AS "runId", name, parks, summary, created_at AS "createdAt"
        FROM app.coverage_scenario WHERE base_run_id = ${runId} AND (${v(scenarioId)}::bigint IS NULL OR id = ${v(scenarioId)}::bigint)
        ORDER BY id DESC`.execute(db);
      return rows.map((r) => ({ ...r, summary: camelKeys(r.summary), createdAt: r.createdAt.toISOString() }));
    },

    /** Greedy pocket-park sites with the marginal gain of each pick. */
    async pocketParks(runId: number, o: { k?: number; minAreaM2?: number; mode?: 'official' | 'walking'; candidates?: PolygonInput; candidateKinds?: string[] }) {
      if (o.candidates) await this.assertValidPolygons(o.candidates);
      const { rows } = await sql<PocketParkPick>`
        SELECT pick, candidate_id AS "candidateId", name, kind, area_m2 AS "areaM2", radius_m AS "radiusM", gain_m2 AS "gainM2",
               gain_pct AS "gainPct", coverage_pct_after AS "coveragePctAfter", geom
        FROM analysis.green_pocket_park_sites(run_id => ${runId}::bigint, k => ${o.k ?? 5}::int, min_area_m2 => ${v(o.minAreaM2)}::float8,
             mode => ${o.mode ?? 'official'}, candidates => ${o.candidates ? polygonsExpr(o.candidates) : sql`NULL::geometry`},
             candidate_kinds => ${o.candidateKinds ?? ['brownfield', 'construction', 'greenfield', 'parking', 'vacant']}::text[])
        ORDER BY pick`.execute(db);
      return rows;
    },
  };
}

const CSV_COLUMNS = ['estateId', 'name', 'residents', 'areaM2', 'officialShare', 'walkingShare', 'coveredOfficial', 'coveredWalking',
  'straightDistanceM', 'straightParkName', 'walkDistanceM', 'nearestParkId', 'nearestParkName', 'nameDerived'] as const;

/** One CSV row per estate (UTF-8 with BOM so Excel shows Chinese names). */
export function estatesToCsv(rows: CoverageEstate[]): string {
  const cell = (x: unknown) => {
    if (x === null || x === undefined) return '';
    const s = typeof x === 'number' ? String(Math.round(x * 1000) / 1000) : String(x);
    return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\ufeff' + [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
