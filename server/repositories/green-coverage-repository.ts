/**
 * Database side of park service-radius coverage (issue 5): calls the published functions in
 * `sql/functions/analysis/green_*.sql` with named, bound arguments and reads the stored run tables.
 * Geometry in and out is GeoJSON in EPSG:4326 (lon/lat); areas are m², distances metres.
 */
import { sql, type Kysely } from 'kysely';
import { GeometryInputError, type PolygonInput } from '../validation/geojson.ts';

/** Rule parameters (indicators.md §4); every field optional, NULL/undefined = documented default. */
export interface CoverageRules {
  largeMinM2?: number;
  largeRadiusM?: number;
  smallMinM2?: number;
  smallRadiusM?: number;
  smallMinInclusive?: boolean;
  eligibleKinds?: string[];
  historicVariant?: boolean;
  historicMinM2?: number;
  historicRadiusM?: number;
  accessWidthM?: number;
  snapM?: number;
  distanceCapM?: number;
  estateCoveredMinShare?: number;
}

export interface CoverageRequest {
  mode?: 'official' | 'walking' | 'both';
  target?: 'residential_land' | 'estate' | 'residential_building';
  datasetId?: string;
  rules?: CoverageRules;
}

export type ShortfallLayer = 'uncovered_official' | 'uncovered_walking' | 'detour';

const v = <T>(x: T | undefined) => (x === undefined ? null : x);

function rulesExpr(r: CoverageRules = {}) {
  return sql`analysis.green_coverage_rules(
    large_min_m2 => ${v(r.largeMinM2)}::float8, large_radius_m => ${v(r.largeRadiusM)}::float8,
    small_min_m2 => ${v(r.smallMinM2)}::float8, small_radius_m => ${v(r.smallRadiusM)}::float8,
    small_min_inclusive => ${r.smallMinInclusive ?? true}::boolean, eligible_kinds => ${v(r.eligibleKinds)}::text[],
    historic_variant => ${r.historicVariant ?? false}::boolean, historic_min_m2 => ${v(r.historicMinM2)}::float8,
    historic_radius_m => ${r.historicRadiusM ?? 300}::float8, access_width_m => ${v(r.accessWidthM)}::float8,
    snap_m => ${r.snapM ?? 50}::float8, distance_cap_m => ${r.distanceCapM ?? 1000}::float8,
    estate_covered_min_share => ${r.estateCoveredMinShare ?? 0.5}::float8)`;
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
          mode => ${req.mode ?? 'both'}, target => ${req.target ?? 'residential_land'},
          dataset_id => ${v(req.datasetId)}::text, rules => ${rulesExpr(req.rules)}) AS id`.execute(db);
      return this.get(rows[0].id);
    },

    /** A stored run, or undefined. */
    async get(runId: number) {
      const run = await sql<{ id: number; mode: string; target: string; datasetId: string | null; ruleVersion: unknown; summary: Record<string, unknown>; durationMs: number; createdAt: Date }>`
        SELECT id, mode, target, dataset_id AS "datasetId", rule_version AS "ruleVersion", summary, duration_ms AS "durationMs", created_at AS "createdAt"
        FROM app.coverage_run WHERE id = ${runId}`.execute(db);
      if (!run.rows[0]) return undefined;
      const units = await sql`
        SELECT unit_kind AS "unitKind", unit_id AS "unitId", name, target_m2 AS "targetM2", official_m2 AS "officialM2", walking_m2 AS "walkingM2",
               100 * official_m2 / nullif(target_m2, 0) AS "officialPct", 100 * walking_m2 / nullif(target_m2, 0) AS "walkingPct",
               residents, 100 * official_residents / nullif(residents, 0) AS "officialResidentsPct",
               100 * walking_residents / nullif(residents, 0) AS "walkingResidentsPct"
        FROM app.coverage_unit WHERE run_id = ${runId}
        ORDER BY array_position(ARRAY['city', 'district', 'subdistrict', 'community'], unit_kind), name`.execute(db);
      const estates = await this.estates(runId);
      return { runId, ...run.rows[0], units: units.rows, estates };
    },

    /** Per-estate rows, sorted by walking distance (unknown last), then straight distance. */
    async estates(runId: number) {
      const { rows } = await sql<Record<string, unknown>>`
        SELECT estate_id AS "estateId", name, residents, area_m2 AS "areaM2", official_share AS "officialShare", walking_share AS "walkingShare",
               covered_official AS "coveredOfficial", covered_walking AS "coveredWalking",
               straight_distance_m AS "straightDistanceM", straight_park_id AS "straightParkId",
               walk_distance_m AS "walkDistanceM", nearest_park_id AS "nearestParkId", nearest_park_name AS "nearestParkName"
        FROM app.coverage_estate WHERE run_id = ${runId}
        ORDER BY walk_distance_m DESC NULLS FIRST, straight_distance_m DESC NULLS FIRST, estate_id`.execute(db);
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
    async whatIf(runId: number, parks: PolygonInput) {
      await this.assertValidPolygons(parks);
      const { rows } = await sql<{ w: unknown }>`SELECT analysis.green_coverage_whatif(run_id => ${runId}::bigint, parks => ${polygonsExpr(parks)}) AS w`.execute(db);
      return rows[0].w;
    },

    /** Saves a named what-if scenario (audited); returns the stored row. */
    async saveScenario(runId: number, name: string, parks: PolygonInput) {
      await this.assertValidPolygons(parks);
      const { rows } = await sql<{ id: number }>`SELECT analysis.green_coverage_scenario_save(run_id => ${runId}::bigint, name => ${name}::text, parks => ${polygonsExpr(parks)}) AS id`.execute(db);
      return (await this.scenarios(runId, rows[0].id))[0];
    },

    /** Saved scenarios of a run (newest first), or the one with `scenarioId`. */
    async scenarios(runId: number, scenarioId?: number) {
      const { rows } = await sql<Record<string, unknown>>`
        SELECT id AS "scenarioId", base_run_id AS "runId", name, parks, summary, created_at AS "createdAt"
        FROM app.coverage_scenario WHERE base_run_id = ${runId} AND (${v(scenarioId)}::bigint IS NULL OR id = ${v(scenarioId)}::bigint)
        ORDER BY id DESC`.execute(db);
      return rows;
    },

    /** Greedy pocket-park sites with the marginal gain of each pick. */
    async pocketParks(runId: number, o: { k?: number; minAreaM2?: number; mode?: 'official' | 'walking'; candidates?: PolygonInput; candidateKinds?: string[] }) {
      if (o.candidates) await this.assertValidPolygons(o.candidates);
      const { rows } = await sql`
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
  'straightDistanceM', 'walkDistanceM', 'nearestParkId', 'nearestParkName'] as const;

/** One CSV row per estate (UTF-8 with BOM so Excel shows Chinese names). */
export function estatesToCsv(rows: Record<string, unknown>[]): string {
  const cell = (x: unknown) => {
    if (x === null || x === undefined) return '';
    const s = typeof x === 'number' ? String(Math.round(x * 1000) / 1000) : String(x);
    return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\ufeff' + [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
