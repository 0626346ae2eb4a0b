/**
 * Life-circle service: keeps one AccessTable per (walking-graph version, data version, cut-off)
 * and answers reports, click isochrones and what-if placements from memory. Changes to estates,
 * facilities or admin units (citycheck_change) drop the cached table; network changes arrive as a
 * new walking-graph version.
 */
import type { CityScope, EffectiveParams } from '../../contract/common.ts';
import { LIFE_CIRCLE_PARAMS } from '../../contract/parameters.ts';
import { EPS_M, NearestTargets } from '../../graph/access.ts';
import { distanceTo, isochroneSteps } from '../../graph/isochrone.ts';
import { WorkBudget } from '../../graph/work-budget.ts';
import type { WalkGraphService } from '../../plugins/walk-graph.ts';
import type { CityRepository } from '../../repositories/city-repository.ts';
import type { LifeCircleRepository } from '../../repositories/life-circle-repository.ts';
import { publicSource } from '../rule-sources.ts';
import { AccessTable } from './access-table.ts';
import { LifeCircleParamError, lifeCircleReport, selectTypes, type LifeCircleParams } from './life-circle-report.ts';

const DATA_TABLES = new Set(['estate', 'facility', 'admin_unit', 'facility_type', 'setting', 'dataset', 'base_road']);

/** A request resolved to its city and effective parameters. */
export interface ScopedParams {
  city: CityScope;
  params: LifeCircleParams;
  effective: EffectiveParams;
}

export class LifeCircleService {
  private dataVersion = 0;
  private cache: { key: string; table: Promise<AccessTable> } | null = null;

  /**
   * `deadlineMs`: how long one request's CPU work (table, searches, isochrone polygons) may take
   * before it answers 503 + Retry-After; the work runs in slices, so other requests are served
   * meanwhile. Default 8000 ms (as the statement timeout).
   */
  constructor(
    private readonly repo: LifeCircleRepository,
    private readonly graphs: WalkGraphService,
    private readonly cities: CityRepository,
    private readonly limits: { deadlineMs?: number } = {},
  ) {
    graphs.onChange((tables) => {
      if (tables.some((t) => DATA_TABLES.has(t))) this.invalidate();
    });
  }

  invalidate() {
    this.dataVersion++;
    this.cache = null;
  }

  /** A deadline for one request's work (see the constructor). */
  private budget(what: string): WorkBudget {
    return new WorkBudget({ deadlineMs: this.limits.deadlineMs ?? 8000, what });
  }

  /**
   * The access table for a cut-off, built once per graph/data version, in slices without a
   * deadline (it is shared: a request that stops waiting leaves it to the next one).
   */
  async table(maxDistanceM: number): Promise<AccessTable> {
    const graph = await this.graphs.get();
    const key = `${this.graphs.version}:${this.dataVersion}:${maxDistanceM}`;
    if (this.cache?.key !== key) {
      const p = Promise.all([this.repo.estates(), this.repo.facilities()]).then(([e, f]) => AccessTable.build(graph, e, f, maxDistanceM, new WorkBudget()));
      p.catch(() => {
        if (this.cache?.table === p) this.cache = null;
      });
      this.cache = { key, table: p };
    }
    return this.cache.table;
  }

  /**
   * Resolves the city (`dataset`; the only city by default, else 400 naming them) and every
   * parameter: the request's value, else the city's setting, else app.setting, else the default.
   */
  async scoped(input: { dataset?: string; types?: string[]; tiers?: string[]; speed?: number; maxDistance?: number }): Promise<ScopedParams> {
    const { city, values, effective } = await this.cities.scoped(input.dataset, LIFE_CIRCLE_PARAMS, { speed: input.speed, maxDistance: input.maxDistance });
    const params: LifeCircleParams = {
      types: input.types ?? [], tiers: input.tiers ?? [], speedMPerMin: values.speed, maxDistanceM: values.maxDistance,
      isolatedComponentShare: values.isolatedComponentShare,
      dataset: city.dataset, datasets: city.datasets,
    };
    return {
      city,
      params,
      effective: {
        ...effective,
        types: { value: params.types, origin: input.types ? 'request' : 'default' },
        tiers: { value: params.tiers, origin: input.tiers ? 'request' : 'default' },
      },
    };
  }

  async report({ city, params, effective }: ScopedParams) {
    const t0 = performance.now();
    // The catalog is read per report (not cached): a city's override applies to its next report.
    const budget = this.budget('The life-circle report');
    const [catalog, table] = await budget.wait(Promise.all([this.repo.catalog(params.dataset), this.table(params.maxDistanceM)]));
    const required = catalog.filter((c) => c.completeCommunity && c.standardDistanceM != null);
    await table.prepare([...new Set([...selectTypes(catalog, params), ...required].map((c) => c.code))], budget);
    const report = lifeCircleReport(table, catalog, params);
    return {
      city,
      effective,
      method: {
        origin: 'ST_PointOnSurface(estate polygon), snapped to the nearest walkable edge; distance includes the straight access legs at both ends',
        direction: 'walking from the estate to the facility (one-way edges respected)',
      },
      graph: table.graph.stats(),
      ...report,
      catalog: report.catalog.map((c) => ({ ...c, source: publicSource(c.source) })),
      timing: { totalMs: Math.round(performance.now() - t0), searches: table.searches, searchMs: Math.round(table.searchMs) },
    };
  }

  /** Isochrone bands with facility counts, from the in-memory graph. */
  async isochrone(lon: number, lat: number, minutes: number[], { city, params, effective }: ScopedParams) {
    const speedMPerMin = params.speedMPerMin;
    const budget = this.budget('The isochrone');
    const table = await budget.wait(this.table(params.maxDistanceM));
    const g = table.graph;
    const origin = g.snap(lon, lat);
    if (!origin) throw new LifeCircleParamError('The point is not within reach of the walking network (nothing walkable within 500 m)');
    const limits = [...new Set(minutes)].sort((a, b) => a - b).map((m) => m * speedMPerMin);
    const iso = await budget.run(isochroneSteps(g, origin, lon, lat, { limitsM: limits }));
    const counts = limits.map(() => new Map<string, number>());
    for (const type of table.facilityTypes()) {
      for (const f of table.facilities(type)) {
        if (!f.snap) continue;
        const d = distanceTo(g, iso, f.snap);
        limits.forEach((l, k) => d <= l + EPS_M && counts[k].set(type, (counts[k].get(type) ?? 0) + 1));
      }
    }
    return {
      type: 'FeatureCollection' as const,
      features: iso.bands
        .map((b, k) => ({
          type: 'Feature' as const,
          properties: {
            minutes: b.limitM / speedMPerMin,
            distanceM: b.limitM,
            areaM2: Math.round(b.areaM2),
            facilityCounts: Object.fromEntries([...counts[k]].sort()),
          },
          geometry: { type: 'MultiPolygon' as const, coordinates: b.coordinates },
        }))
        .reverse(), // largest first, so smaller bands draw on top
      origin: { lon, lat, snapped: [origin.lon, origin.lat], snapDistanceM: Math.round(origin.distanceM * 10) / 10 },
      speedMPerMin,
      method: 'reached edges (incl. partial frontier edges) buffered 45 m on a 15 m grid; counts by network distance',
      city,
      effective,
    };
  }

  /**
   * A proposed facility (not saved): which estates it would bring within standard. With `dataset`,
   * only that city's estates count, against its effective catalog (as in `report`).
   */
  async whatIf(type: string, lon: number, lat: number, { city, params, effective }: ScopedParams) {
    const { speedMPerMin, maxDistanceM, dataset, datasets } = params;
    const budget = this.budget('The what-if');
    const [catalog, table] = await budget.wait(Promise.all([this.repo.catalog(dataset), this.table(maxDistanceM)]));
    const t = catalog.find((c) => c.code === type);
    if (!t) throw new LifeCircleParamError(`Unknown facility type: ${type}`);
    if (t.standardDistanceM == null) throw new LifeCircleParamError(`Facility type ${type} has no standard distance`);
    const std = t.standardDistanceM;
    const g = table.graph;
    const snap = g.snap(lon, lat);
    if (!snap) throw new LifeCircleParamError('The proposed facility is not within reach of the walking network');
    const t0 = performance.now();
    await table.prepare([type], budget);
    const before = table.forType(type);
    const near = await budget.run(NearestTargets.searchSteps(g, [{ snap, label: 0 }], std)); // bounded by the standard
    const newlyCovered = [];
    let metBefore = 0, residentsBefore = 0, residentsNew = 0, n = 0;
    for (let i = 0; i < table.estates.length; i++) {
      const e = table.estates[i];
      if (datasets !== null && !datasets.includes(e.datasetId ?? '')) continue;
      n++;
      const b = before.distanceM[i];
      const wasMet = !Number.isNaN(b) && b <= std + EPS_M;
      if (wasMet) {
        metBefore++;
        residentsBefore += e.residents ?? 0;
        continue;
      }
      const s = table.estateSnaps[i];
      const hit = s ? near.from(s) : null;
      if (!hit) continue;
      residentsNew += e.residents ?? 0;
      newlyCovered.push({
        id: e.id,
        name: e.name,
        nameDerived: e.nameDerived ?? false,
        residents: e.residents,
        beforeM: Number.isNaN(b) ? null : Math.round(b * 10) / 10,
        afterM: Math.round(hit.distanceM * 10) / 10,
        afterMinutes: Math.round((hit.distanceM / speedMPerMin) * 10) / 10,
      });
    }
    return {
      type,
      standardM: std,
      facility: { lon, lat, snapped: [snap.lon, snap.lat], snapDistanceM: Math.round(snap.distanceM * 10) / 10, saved: false },
      newlyCovered,
      estates: n,
      metBefore,
      metAfter: metBefore + newlyCovered.length,
      shareBefore: n ? metBefore / n : null,
      shareAfter: n ? (metBefore + newlyCovered.length) / n : null,
      residentsBefore,
      residentsAfter: residentsBefore + residentsNew,
      searchMs: Math.round((performance.now() - t0) * 10) / 10,
      city,
      effective,
    };
  }
}
