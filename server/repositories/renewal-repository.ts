/**
 * Renewal candidates and site checks (城市更新): reads the raw criteria and heritage hits from the
 * analysis functions (sql/functions/analysis/renewal_*.sql) on the analysis pool, then ranks and
 * checks with the pure engine in server/renewal/. Runs of the city resolved by city-repository.
 */
import { sql, type Kysely } from 'kysely';
import type { CityScope, EffectiveParams } from '../contract/common.ts';
import type { CandidateKind, CandidatesResult, ConstraintsResult, RENEWAL_PARAMS, ScenarioInput } from '../contract/renewal.ts';
import { notFound } from '../errors.ts';
import { RENEWAL_CRITERIA, type EstateCriteriaRow } from '../renewal/criteria.ts';
import { heritageVerdict, suggestBuildings, suggestSite, type HeritageHit, type SiteBuilding } from '../renewal/heritage-rules.ts';
import { checkScenario } from '../renewal/policy-rules.ts';
import { rankCandidates, sensitivity, type RankMethod } from '../renewal/ranking.ts';
import { RenewalInputError } from '../renewal/renewal-error.ts';
import { siteAsCriteriaRow, type SiteCriteriaRow } from '../renewal/site-criteria.ts';
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

/** Street classes whose centrelines bound a 街区 (app.base_road.class; service lanes, paths and rail do not). */
export const BLOCK_ROAD_CLASSES = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'minor'];

/** Blocks or drawn sites with what analysis.renewal_site_criteria measured and their heritage hits. */
interface SiteSnapshot {
  sites: { no: number; geometry: CandidatesResult['candidates'][number]['geometry']; criteria: SiteCriteriaRow }[];
  hits: HitRow[]; builtUpSource: string | null; queryMs: number;
}

/** A drawn site of a ranking request (validated GeoJSON). */
export interface DrawnSite { name?: string; polygon: PolygonInput }

/**
 * @param opts.cacheMs how long the criteria of a city and parameter set are reused by the next request
 *   (a weight change re-ranks without re-reading the database); `invalidate()` drops them, wired to
 *   the change feed by the route plugin so that any edit or import of the city's layers is seen.
 */
export function renewalRepository(db: Kysely<unknown>, opts: { cacheMs?: number } = {}) {
  const cacheMs = opts.cacheMs ?? 60_000;
  const cache = new Map<string, { at: number; snap: Promise<CriteriaSnapshot> }>();
  const blockCache = new Map<string, { at: number; snap: Promise<SiteSnapshot> }>();
  async function heritageHits(geoms: ReturnType<typeof sql>, datasets: string[], touchM: number): Promise<HitRow[]> {
    const { rows } = await sql<HitRow>`
      SELECT site_idx AS "siteIdx", hit, relation, feature_id AS "featureId", feature_name AS "featureName",
             district_name AS "districtName", overlap_m2 AS "overlapM2"
      FROM analysis.renewal_heritage_hits(sites => ${geoms}, datasets => ${datasets}::text[], touch_m => ${touchM}::float8)`.execute(db);
    return rows;
  }

  /** Criteria and heritage hits of sites given as an SQL array of polygons (EPSG:4326), in array order. */
  async function siteSnapshot(city: CityScope, v: Values, geoms: ReturnType<typeof sql>): Promise<Omit<SiteSnapshot, 'builtUpSource' | 'queryMs'>> {
    const { rows } = await sql<SiteCriteriaRow & { geometry: SiteSnapshot['sites'][number]['geometry'] }>`
      SELECT c.site_idx AS "siteIdx", c.area_m2 AS "areaM2", c.estates, c.old_estate_share AS "oldEstateShare",
             c.park_distance_m AS "parkDistanceM", c.life_circle_run_id AS "lifeCircleRunId",
             c.waterlogging_points AS "waterloggingPoints", c.waterlogging_severity AS "waterloggingSeverity",
             c.building_count AS "buildingCount", c.max_height_m AS "maxHeightM", c.mean_building_year AS "meanBuildingYear",
             c.low_value_area_m2 AS "lowValueAreaM2", c.lon, c.lat, c.disease_score AS "diseaseScore", c.hotspot_bin AS "hotspotBin",
             c.diagnosis_run_id AS "diagnosisRunId", ST_AsGeoJSON(s.g, 7)::jsonb AS geometry
      FROM (SELECT ${geoms} AS a) x
      CROSS JOIN LATERAL analysis.renewal_site_criteria(sites => x.a, city => ${city.dataset}::text, datasets => ${city.datasets}::text[],
          cutoff_year => ${v.cutoffYear}::int, park_min_m2 => ${v.parkMinM2}::float8,
          waterlogging_radius_m => ${v.waterloggingRadiusM}::float8, low_value_radius_m => ${v.lowValueRadiusM}::float8,
          min_overlap_share => ${v.siteEstateMinShare}::float8) c
      JOIN LATERAL (SELECT x.a[c.site_idx] AS g) s ON true
      ORDER BY c.site_idx`.execute(db);
    const hits = rows.length ? await heritageHits(geoms, city.datasets, v.protectedTouchM) : [];
    return { sites: rows.map(({ geometry, ...criteria }) => ({ no: criteria.siteIdx, geometry, criteria })), hits };
  }

  return {
    /**
     * The city's street blocks (analysis.renewal_blocks) with their criteria and heritage hits, reused
     * for `cacheMs` like the estates' criteria (the block rule's parameters are part of the key).
     */
    async blockSnapshot(city: CityScope, v: Values): Promise<SiteSnapshot & { cached: boolean }> {
      const { rows: [runs] } = await sql<{ lc: number | null; dg: number | null }>`
        SELECT (SELECT max(id) FROM app.life_circle_run WHERE dataset_id = ${city.dataset}) AS lc,
               (SELECT max(id) FROM app.diagnosis_run WHERE dataset_id = ${city.dataset}) AS dg`.execute(db);
      const key = JSON.stringify(['blocks', city.dataset, city.datasets, runs.lc, runs.dg, v.cutoffYear, v.parkMinM2, v.waterloggingRadiusM,
        v.lowValueRadiusM, v.protectedTouchM, v.blockMinAreaM2, v.blockMaxAreaM2, v.siteEstateMinShare]);
      const hit = blockCache.get(key);
      if (hit && performance.now() - hit.at < cacheMs) return { ...(await hit.snap), cached: true };
      const snap = (async () => {
        const t0 = performance.now();
        const { rows } = await sql<{ wkb: Buffer; source: string }>`
          SELECT ST_AsEWKB(geom) AS wkb, built_up_source AS source
          FROM analysis.renewal_blocks(datasets => ${city.datasets}::text[], road_classes => ${BLOCK_ROAD_CLASSES}::text[],
            min_area_m2 => ${v.blockMinAreaM2}::float8, max_area_m2 => ${v.blockMaxAreaM2}::float8)
          ORDER BY block_no`.execute(db);
        const out = rows.length
          ? await siteSnapshot(city, v, sql`ARRAY(SELECT ST_GeomFromEWKB(u.w) FROM unnest(${rows.map((r) => r.wkb)}::bytea[]) WITH ORDINALITY u(w, i) ORDER BY u.i)`)
          : { sites: [], hits: [] };
        return { ...out, builtUpSource: rows[0]?.source ?? null, queryMs: performance.now() - t0 };
      })();
      if (cacheMs > 0) {
        if (blockCache.size >= 8) blockCache.delete(blockCache.keys().next().value!);
        blockCache.set(key, { at: performance.now(), snap });
        snap.catch(() => blockCache.delete(key));
      }
      return { ...(await snap), cached: false };
    },

    /** Drawn sites (validated: a GEOS-invalid polygon is a 400 naming the site) with their criteria and heritage hits. */
    async drawnSnapshot(city: CityScope, v: Values, sites: DrawnSite[]): Promise<SiteSnapshot> {
      const t0 = performance.now();
      const texts = sites.map((x) => JSON.stringify(x.polygon.multiPolygon));
      const geoms = sql`ARRAY(SELECT ST_SetSRID(ST_GeomFromGeoJSON(u.t), 4326) FROM unnest(${texts}::text[]) WITH ORDINALITY u(t, i) ORDER BY u.i)`;
      const { rows: invalid } = await sql<{ i: number; reason: string }>`
        SELECT u.i::int AS i, ST_IsValidReason(g) AS reason
        FROM unnest(${texts}::text[]) WITH ORDINALITY u(t, i), LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(u.t), 4326) AS g) x
        WHERE NOT ST_IsValid(g) ORDER BY u.i`.execute(db);
      if (invalid.length) throw new GeometryInputError(invalid.map((r) => ({ path: `sites[${r.i - 1}].geometry`, message: `not a valid polygon: ${r.reason}` })));
      return { ...(await siteSnapshot(city, v, geoms)), builtUpSource: null, queryMs: performance.now() - t0 };
    },

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
      blockCache.clear();
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
     * Ranked renewal candidates of a city: estates (old, not completed), street blocks (街区, with
     * old estates inside when onlyOld) and drawn sites (always), ranked together on the same criteria
     * (weighted sum or TOPSIS), with reasons, heritage mode and 留改拆 per candidate, and the
     * sensitivity of the top N to each weight ±20 %. Ties are broken estates (by id) → blocks (by
     * number) → sites (in the order sent).
     */
    async candidates(city: CityScope, v: Values, effective: EffectiveParams,
      o: { method: RankMethod; weights?: Record<string, number>; topN: number; limit?: number; kinds?: CandidateKind[]; sites?: DrawnSite[] }): Promise<CandidatesResult> {
      const weights = resolveWeights(o.weights);
      const kinds = new Set<CandidateKind>(o.kinds ?? (o.sites?.length ? ['estate', 'site'] : ['estate']));
      if (o.sites?.length && !kinds.has('site')) throw new RenewalInputError('sites were sent but kinds leaves out "site"');
      if (kinds.has('site') && !o.sites?.length) throw new RenewalInputError('kinds names "site": send the drawn polygons in sites');
      const ctx = { checkYear: city.checkYear ?? new Date().getUTCFullYear() };

      const est = kinds.has('estate') ? await this.snapshot(city, v) : { all: [], rows: [], hits: [], queryMs: 0, cached: true };
      const blk = kinds.has('block') ? await this.blockSnapshot(city, v) : null;
      const drawn = kinds.has('site') ? await this.drawnSnapshot(city, v, o.sites!) : null;

      // One list in the tie-break order; ranking ids are positions in it (1…n).
      interface Entry { kind: CandidateKind; key: string; row: EstateCriteriaRow; hits: HeritageHit[]; estateIds: number[]; geometry: CandidatesResult['candidates'][number]['geometry'] }
      const hitsBy = (hits: HitRow[]) => {
        const m = new Map<number, HeritageHit[]>();
        for (const { siteIdx, ...h } of hits) m.set(siteIdx, [...(m.get(siteIdx) ?? []), h]);
        return m;
      };
      const entries: Entry[] = [];
      const estHits = hitsBy(est.hits);
      est.rows.forEach((r, i) => entries.push({ kind: 'estate', key: `estate:${r.estateId}`, row: r, hits: estHits.get(i + 1) ?? [], estateIds: [r.estateId], geometry: null }));
      let blocksWithoutOld = 0;
      for (const [kind, snap] of [['block', blk], ['site', drawn]] as const) {
        if (!snap) continue;
        const hits = hitsBy(snap.hits);
        for (const x of snap.sites) {
          const row = siteAsCriteriaRow(x.criteria, x.no, kind === 'site' ? o.sites![x.no - 1].name ?? null : null, ctx.checkYear);
          if (kind === 'block' && v.onlyOld && !(row.oldEstateShare! > 0)) { blocksWithoutOld++; continue; }
          entries.push({ kind, key: `${kind}:${x.no}`, row, hits: hits.get(x.no) ?? [], estateIds: x.criteria.estates.map((e) => e.id), geometry: x.geometry });
        }
      }
      const ids = entries.map((_, i) => i + 1);

      const t1 = performance.now();
      const values = entries.map((e) => RENEWAL_CRITERIA.map((c) => c.value(e.row, ctx)));
      const criteria = RENEWAL_CRITERIA.map((c) => ({ code: c.code, direction: c.direction }));
      const ranked = rankCandidates({ ids, criteria, values, weights, method: o.method }, 3, o.limit ?? Infinity);
      const sens = sensitivity(ids, ranked.normalised, criteria, ranked.weights, o.method, o.topN);
      const keyOf = (id: number) => entries[id - 1].key;
      const limits = { controlZoneMaxHeightM: v.controlZoneMaxHeightM, controlZoneMaxFar: v.controlZoneMaxFar };
      const shown = ranked.ranked.slice(0, o.limit ?? ranked.ranked.length);
      const labels = await this.labels(shown.map((c) => entries[c.id - 1]).filter((e) => e.kind === 'estate' && e.row.name === null).map((e) => e.row.estateId));
      const candidates = shown.map((c) => {
        const e = entries[c.id - 1];
        const r = e.kind === 'estate' ? { ...e.row, ...labels.get(e.row.estateId) } : e.row;
        const verdict = heritageVerdict(e.hits, limits);
        return {
          rank: c.rank, kind: e.kind, key: e.key, estateId: e.kind === 'estate' ? r.estateId : null, estateIds: e.estateIds,
          areaM2: r.areaM2, oldEstateShare: r.oldEstateShare ?? (r.isOld ? 1 : 0), geometry: e.geometry,
          name: r.name, nameDerived: r.nameDerived, isSample: r.isSample, score: c.score,
          buildYear: r.buildYear, isOld: r.isOld, renovationStatus: r.renovationStatus, renovationClass: r.renovationClass,
          residents: r.residents, lon: r.lon, lat: r.lat, hotspotBin: r.hotspotBin, values: values[c.id - 1], reasons: c.reasons,
          constraint: { mode: verdict.mode, demolitionAllowed: verdict.demolitionAllowed, hits: verdict.hits },
          suggestion: suggestSite(verdict, r.isOld, null),
        };
      });
      const first = est.all[0] ?? blk?.sites[0]?.criteria ?? drawn?.sites[0]?.criteria;
      return {
        city, effective,
        method: { ...ranked.method, direction: 'every criterion raises priority (higher value = more renewal need); normalised 1 = highest need' },
        criteria: RENEWAL_CRITERIA.map((c, j) => ({
          code: c.code, unit: c.unit, weight: ranked.weights[j], source: c.source,
          weightOrigin: o.weights && Object.hasOwn(o.weights, c.code) ? 'request' as const : 'default' as const,
        })),
        counts: {
          estates: est.all.length, candidates: entries.length,
          notOld: est.all.filter((r) => !r.isOld).length, completed: est.all.filter((r) => r.renovationStatus === 'completed').length,
          blocks: blk?.sites.length ?? 0, blocksWithoutOldEstates: blocksWithoutOld, sites: drawn?.sites.length ?? 0,
        },
        blocks: blk ? {
          rule: 'faces of the street centrelines (classes below) and the clip boundary (the built-up ledger, else the estates\' extent '
            + `widened by 50 m; ST_Polygonize) that overlap an estate, between blockMinAreaM2 and blockMaxAreaM2; ${v.onlyOld ? 'only blocks with old estates inside are candidates' : 'every block is a candidate'}`,
          builtUpSource: blk.builtUpSource, roadClasses: BLOCK_ROAD_CLASSES,
        } : null,
        lifeCircleRunId: first?.lifeCircleRunId ?? null,
        diagnosisRunId: first?.diagnosisRunId ?? null,
        candidates,
        sensitivity: { ...sens, base: sens.base.map(keyOf), rows: sens.rows.map((r) => ({ ...r, top: r.top.map(keyOf), entered: r.entered.map(keyOf), left: r.left.map(keyOf) })) },
        timing: {
          queryMs: (est.cached ? 0 : est.queryMs) + (blk && !blk.cached ? blk.queryMs : 0) + (drawn?.queryMs ?? 0),
          rankMs: performance.now() - t1, cached: est.cached && (blk?.cached ?? true) && !drawn,
        },
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
