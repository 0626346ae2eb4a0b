/**
 * Renewal candidates and site checks (城市更新): reads the raw criteria and heritage hits from the
 * analysis functions (sql/functions/analysis/renewal_*.sql) on the analysis pool, then ranks and
 * checks with the pure engine in server/renewal/. Runs of the city resolved by city-repository.
 */
import { sql, type Kysely } from 'kysely';
import type { CityScope, EffectiveParams } from '../contract/common.ts';
import type { CandidatesResult, ConstraintsResult, RENEWAL_PARAMS, ScenarioInput } from '../contract/renewal.ts';
import { notFound } from '../errors.ts';
import { RENEWAL_CRITERIA, type EstateCriteriaRow } from '../renewal/criteria.ts';
import { heritageVerdict, suggestBuildings, suggestSite, type HeritageHit, type SiteBuilding } from '../renewal/heritage-rules.ts';
import { checkScenario } from '../renewal/policy-rules.ts';
import { rankCandidates, sensitivity, type RankMethod } from '../renewal/ranking.ts';
import { RenewalInputError } from '../renewal/renewal-error.ts';
import { GeometryInputError, type PolygonInput } from '../validation/geojson.ts';

type Values = { [K in keyof typeof RENEWAL_PARAMS]: (typeof RENEWAL_PARAMS)[K]['default'] extends number ? number : boolean };

interface HitRow extends HeritageHit { siteIdx: number }

/** Weights by code: the defaults, overridden by the request; unknown codes are a 400. */
export function resolveWeights(requested: Record<string, number> | undefined) {
  const known = new Set(RENEWAL_CRITERIA.map((c) => c.code));
  const unknown = Object.keys(requested ?? {}).filter((k) => !known.has(k));
  if (unknown.length) throw new RenewalInputError(`unknown criteria in weights: ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  const weights: Record<string, number> = {};
  for (const c of RENEWAL_CRITERIA) weights[c.code] = requested && Object.hasOwn(requested, c.code) ? requested[c.code] : c.defaultWeight;
  if (!Object.values(weights).some((w) => w > 0)) throw new RenewalInputError('at least one criterion needs a positive weight');
  return weights;
}

/** What the ranking reads from the database for one city and parameter set. */
interface CriteriaSnapshot { all: EstateCriteriaRow[]; rows: EstateCriteriaRow[]; hits: HitRow[]; queryMs: number }

/**
 * @param opts.cacheMs how long the criteria of a city and parameter set are reused by the next request
 *   (a weight change re-ranks without re-reading the database); `invalidate()` drops them, wired to
 *   the change feed by the route plugin so that any edit or import of the city's layers is seen.
 */
export function renewalRepository(db: Kysely<unknown>, opts: { cacheMs?: number } = {}) {
  const cacheMs = opts.cacheMs ?? 60_000;
  const cache = new Map<string, { at: number; snap: Promise<CriteriaSnapshot> }>();
  async function heritageHits(geoms: ReturnType<typeof sql>, datasets: string[], touchM: number): Promise<HitRow[]> {
    const { rows } = await sql<HitRow>`
      SELECT site_idx AS "siteIdx", hit, relation, feature_id AS "featureId", feature_name AS "featureName",
             district_name AS "districtName", overlap_m2 AS "overlapM2"
      FROM analysis.renewal_heritage_hits(sites => ${geoms}, datasets => ${datasets}::text[], touch_m => ${touchM}::float8)`.execute(db);
    return rows;
  }

  return {
    /** Raw criteria of every estate of the city (analysis.renewal_estate_criteria). */
    async criteria(city: CityScope, v: Values): Promise<EstateCriteriaRow[]> {
      const { rows } = await sql<EstateCriteriaRow>`
        SELECT estate_id AS "estateId", name, name_derived AS "nameDerived", build_year AS "buildYear", is_old AS "isOld",
               age_years AS "ageYears", renovation_status AS "renovationStatus", renovation_class AS "renovationClass",
               renovation_plan_year AS "renovationPlanYear", residents, households, floor_area_m2 AS "floorAreaM2", area_m2 AS "areaM2",
               is_sample AS "isSample", park_distance_m AS "parkDistanceM", life_circle_unmet AS "lifeCircleUnmet",
               life_circle_run_id AS "lifeCircleRunId", waterlogging_points AS "waterloggingPoints",
               waterlogging_severity AS "waterloggingSeverity", building_count AS "buildingCount", max_height_m AS "maxHeightM",
               mean_building_year AS "meanBuildingYear", low_value_area_m2 AS "lowValueAreaM2", lon, lat,
               disease_score AS "diseaseScore", hotspot_bin AS "hotspotBin", diagnosis_run_id AS "diagnosisRunId"
        FROM analysis.renewal_estate_criteria(city => ${city.dataset}::text, datasets => ${city.datasets}::text[],
          cutoff_year => ${v.cutoffYear}::int, check_year => ${city.checkYear ?? new Date().getUTCFullYear()}::int, park_min_m2 => ${v.parkMinM2}::float8,
          waterlogging_radius_m => ${v.waterloggingRadiusM}::float8, low_value_radius_m => ${v.lowValueRadiusM}::float8)`.execute(db);
      return rows;
    },

    /** Names derived from the nearest street (analysis.estate_label) for unnamed estates, by id. */
    async labels(ids: number[]): Promise<Map<number, { name: string | null; nameDerived: boolean }>> {
      if (!ids.length) return new Map();
      const { rows } = await sql<{ id: number; name: string | null; derived: boolean | null }>`
        SELECT u.id, l.name, l.derived FROM unnest(${ids}::bigint[]) u(id) CROSS JOIN LATERAL analysis.estate_label(u.id) l`.execute(db);
      return new Map(rows.map((r) => [r.id, { name: r.name, nameDerived: r.derived ?? false }]));
    },

    /** Drops every cached criteria snapshot (called on each change-feed event). */
    invalidate(): void {
      cache.clear();
    },

    /**
     * Criteria of the eligible estates and their heritage hits, reused for `cacheMs` per city and
     * parameter set (the latest stored life-circle run is part of the key; layer edits invalidate).
     */
    async snapshot(city: CityScope, v: Values): Promise<CriteriaSnapshot & { cached: boolean }> {
      const { rows: [runs] } = await sql<{ lc: number | null; dg: number | null }>`
        SELECT (SELECT max(id) FROM app.life_circle_run WHERE dataset_id = ${city.dataset}) AS lc,
               (SELECT max(id) FROM app.diagnosis_run WHERE dataset_id = ${city.dataset}) AS dg`.execute(db);
      const key = JSON.stringify([city.dataset, city.datasets, city.checkYear, runs.lc, runs.dg, v.cutoffYear, v.onlyOld, v.excludeCompleted,
        v.parkMinM2, v.waterloggingRadiusM, v.lowValueRadiusM, v.protectedTouchM]);
      const hit = cache.get(key);
      if (hit && performance.now() - hit.at < cacheMs) return { ...(await hit.snap), cached: true };
      const snap = (async () => {
        const t0 = performance.now();
        const all = await this.criteria(city, v);
        const rows = all.filter((r) => (!v.onlyOld || r.isOld) && (!v.excludeCompleted || r.renovationStatus !== 'completed'));
        const ids = rows.map((r) => r.estateId);
        const hits = ids.length ? await heritageHits(
          sql`ARRAY(SELECT e.geom FROM unnest(${ids}::bigint[]) WITH ORDINALITY AS u(id, i) JOIN app.estate e ON e.id = u.id ORDER BY u.i)`,
          city.datasets, v.protectedTouchM) : [];
        return { all, rows, hits, queryMs: performance.now() - t0 };
      })();
      if (cacheMs > 0) {
        if (cache.size >= 16) cache.delete(cache.keys().next().value!);
        cache.set(key, { at: performance.now(), snap });
        snap.catch(() => cache.delete(key)); // a failed read is never reused
      }
      return { ...(await snap), cached: false };
    },

    /**
     * Ranked renewal candidates of a city: eligibility (old estates, not completed), criteria,
     * ranking (weighted sum or TOPSIS), reasons, heritage mode and 留改拆 per candidate, and the
     * sensitivity of the top N to each weight ±20 %.
     */
    async candidates(city: CityScope, v: Values, effective: EffectiveParams,
      o: { method: RankMethod; weights?: Record<string, number>; topN: number; limit?: number }): Promise<CandidatesResult> {
      const weights = resolveWeights(o.weights);
      const { all, rows, hits, queryMs, cached } = await this.snapshot(city, v);
      const notOld = all.filter((r) => !r.isOld).length;
      const completed = all.filter((r) => r.renovationStatus === 'completed').length;
      const ids = rows.map((r) => r.estateId);

      const t1 = performance.now();
      const ctx = { checkYear: city.checkYear ?? new Date().getUTCFullYear() };
      const values = rows.map((r) => RENEWAL_CRITERIA.map((c) => c.value(r, ctx)));
      const criteria = RENEWAL_CRITERIA.map((c) => ({ code: c.code, direction: c.direction }));
      const ranked = rankCandidates({ ids, criteria, values, weights, method: o.method }, 3, o.limit ?? Infinity);
      const sens = sensitivity(ids, ranked.normalised, criteria, ranked.weights, o.method, o.topN);
      const byId = new Map(rows.map((r, i) => [r.estateId, i]));
      const hitsBy = new Map<number, HeritageHit[]>();
      for (const { siteIdx, ...h } of hits) hitsBy.set(siteIdx - 1, [...(hitsBy.get(siteIdx - 1) ?? []), h]);
      const limits = { controlZoneMaxHeightM: v.controlZoneMaxHeightM, controlZoneMaxFar: v.controlZoneMaxFar };
      const shown = ranked.ranked.slice(0, o.limit ?? ranked.ranked.length);
      const labels = await this.labels(shown.map((c) => c.id).filter((id) => rows[byId.get(id)!].name === null));
      const candidates = shown.map((c) => {
        const i = byId.get(c.id)!;
        const r = { ...rows[i], ...labels.get(c.id) };
        const verdict = heritageVerdict(hitsBy.get(i) ?? [], limits);
        return {
          rank: c.rank, estateId: r.estateId, name: r.name, nameDerived: r.nameDerived, isSample: r.isSample, score: c.score,
          buildYear: r.buildYear, isOld: r.isOld, renovationStatus: r.renovationStatus, renovationClass: r.renovationClass,
          residents: r.residents, lon: r.lon, lat: r.lat, hotspotBin: r.hotspotBin, values: values[i], reasons: c.reasons,
          constraint: { mode: verdict.mode, demolitionAllowed: verdict.demolitionAllowed, hits: verdict.hits },
          suggestion: suggestSite(verdict, r.isOld, null),
        };
      });
      return {
        city, effective,
        method: { ...ranked.method, direction: 'every criterion raises priority (higher value = more renewal need); normalised 1 = highest need' },
        criteria: RENEWAL_CRITERIA.map((c, j) => ({
          code: c.code, unit: c.unit, weight: ranked.weights[j], source: c.source,
          weightOrigin: o.weights && Object.hasOwn(o.weights, c.code) ? 'request' as const : 'default' as const,
        })),
        counts: { estates: all.length, candidates: rows.length, notOld, completed },
        lifeCircleRunId: all[0]?.lifeCircleRunId ?? null,
        diagnosisRunId: all[0]?.diagnosisRunId ?? null,
        candidates, sensitivity: sens,
        timing: { queryMs: cached ? 0 : queryMs, rankMs: performance.now() - t1, cached },
      };
    },

    /**
     * Heritage hard checks, 2021 rules for a scenario and 留改拆 for one site: an estate of the city
     * (404 when it is not one) or a drawn polygon (validated; GEOS-invalid → 400).
     */
    async constraints(city: CityScope, v: Values, effective: EffectiveParams,
      site: { estateId?: number; polygon?: PolygonInput }, scenario?: ScenarioInput): Promise<ConstraintsResult> {
      let geom;
      let estate: { id: number; name: string | null; isOld: boolean } | null = null;
      if (site.estateId !== undefined) {
        const { rows } = await sql<{ id: number; name: string | null; buildYear: number | null }>`
          SELECT e.id, l.name, e.build_year AS "buildYear" FROM app.estate e CROSS JOIN LATERAL analysis.estate_label(e.id) l
          WHERE e.id = ${site.estateId}::bigint AND e.dataset_id = ANY (${city.datasets}::text[])`.execute(db);
        if (!rows.length) throw notFound(`No estate ${site.estateId} in city "${city.dataset}"`);
        estate = { id: rows[0].id, name: rows[0].name, isOld: rows[0].buildYear !== null && rows[0].buildYear <= v.cutoffYear };
        geom = sql`(SELECT geom FROM app.estate WHERE id = ${site.estateId}::bigint)`;
      } else if (site.polygon) {
        geom = sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(site.polygon.multiPolygon)}::text), 4326)`;
        const { rows } = await sql<{ reason: string }>`SELECT ST_IsValidReason(${geom}) AS reason WHERE NOT ST_IsValid(${geom})`.execute(db);
        if (rows.length) throw new GeometryInputError([{ path: 'site', message: `not a valid polygon: ${rows[0].reason}` }]);
      } else {
        throw new RenewalInputError('give either estateId or site (a drawn polygon)');
      }
      const { rows: [g] } = await sql<{ areaM2: number; geometry: ConstraintsResult['site']['geometry'] }>`
        SELECT ST_Area(g::geography) AS "areaM2", ST_AsGeoJSON(g, 7)::jsonb AS geometry FROM (SELECT ${geom} AS g) s`.execute(db);
      const hits = (await heritageHits(sql`ARRAY[${geom}]`, city.datasets, v.protectedTouchM)).map(({ siteIdx: _, ...h }) => h);
      const { rows: buildings } = await sql<SiteBuilding & { use: string; levels: number | null }>`
        SELECT building_id AS "buildingId", name, use, levels, height_m AS "heightM", build_year AS "buildYear",
               footprint_m2 AS "footprintM2", is_protected AS "isProtected", protected_name AS "protectedName",
               in_core AS "inCore", in_control AS "inControl"
        FROM analysis.renewal_site_buildings(site => ${geom}, datasets => ${city.datasets}::text[], touch_m => ${v.protectedTouchM}::float8)`.execute(db);

      const verdict = heritageVerdict(hits, { controlZoneMaxHeightM: v.controlZoneMaxHeightM, controlZoneMaxFar: v.controlZoneMaxFar }, scenario);
      const policy = scenario ? checkScenario(scenario, v) : [];
      const policyPass = policy.every((c) => c.pass);
      const heritagePass = verdict.checks.every((c) => c.pass);
      const isOld = estate?.isOld ?? buildings.some((b) => b.buildYear !== null && b.buildYear <= v.cutoffYear);
      const demolish = new Set(scenario?.demolishBuildingIds ?? []);
      const sugg = suggestBuildings(buildings, {
        cutoffYear: v.cutoffYear, controlZoneMaxHeightM: v.controlZoneMaxHeightM,
        demolitionAllowed: verdict.demolitionAllowed, scenarioPasses: policyPass, demolish,
      });
      return {
        city, effective,
        site: { estateId: estate?.id ?? null, name: estate?.name ?? null, areaM2: g.areaM2, isOld, geometry: g.geometry },
        mode: verdict.mode, demolitionAllowed: verdict.demolitionAllowed,
        heritage: verdict.checks, hits: verdict.hits, policy,
        pass: heritagePass && policyPass && !(demolish.size > 0 && !verdict.demolitionAllowed),
        suggestion: suggestSite(verdict, isOld, scenario ? policyPass : null),
        buildings: buildings.map((b, i) => ({
          buildingId: b.buildingId, name: b.name, heightM: b.heightM, buildYear: b.buildYear, footprintM2: b.footprintM2,
          isProtected: b.isProtected, protectedName: b.protectedName, inCore: b.inCore, inControl: b.inControl,
          suggestion: sugg[i].suggestion, rule: sugg[i].rule,
        })),
      };
    },
  };
}
