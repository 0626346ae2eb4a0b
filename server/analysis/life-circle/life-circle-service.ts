/**
 * Life-circle service: keeps one AccessTable per (walking-graph version, data version, cut-off)
 * and answers reports, click isochrones and what-if placements from memory. Changes to estates,
 * facilities or admin units (citycheck_change) drop the cached table; network changes arrive as a
 * new walking-graph version.
 */
import { EPS_M, NearestTargets } from '../../graph/access.ts';
import { distanceTo, isochrone } from '../../graph/isochrone.ts';
import type { WalkGraphService } from '../../plugins/walk-graph.ts';
import type { LifeCircleRepository } from '../../repositories/life-circle-repository.ts';
import { AccessTable } from './access-table.ts';
import { LifeCircleParamError, lifeCircleReport, type LifeCircleParams } from './life-circle-report.ts';

const DATA_TABLES = new Set(['estate', 'facility', 'admin_unit', 'facility_type', 'setting']);

export class LifeCircleService {
  private dataVersion = 0;
  private cache: { key: string; table: Promise<AccessTable> } | null = null;

  constructor(private readonly repo: LifeCircleRepository, private readonly graphs: WalkGraphService) {
    graphs.onChange((tables) => {
      if (tables.some((t) => DATA_TABLES.has(t))) this.invalidate();
    });
  }

  invalidate() {
    this.dataVersion++;
    this.cache = null;
  }

  /** The access table for a cut-off, built once per graph/data version. */
  async table(maxDistanceM: number): Promise<AccessTable> {
    const graph = await this.graphs.get();
    const key = `${this.graphs.version}:${this.dataVersion}:${maxDistanceM}`;
    if (this.cache?.key !== key) {
      const p = Promise.all([this.repo.estates(), this.repo.facilities()]).then(([e, f]) => new AccessTable(graph, e, f, maxDistanceM));
      p.catch(() => {
        if (this.cache?.table === p) this.cache = null;
      });
      this.cache = { key, table: p };
    }
    return this.cache.table;
  }

  /** Fills defaults from app.setting and validates ranges. */
  async params(input: { types?: string[]; tiers?: string[]; speed?: number; maxDistance?: number; dataset?: string }): Promise<LifeCircleParams> {
    const speedMPerMin = input.speed ?? (await this.repo.numberSetting('walking_speed_m_per_min', 80));
    const maxDistanceM = input.maxDistance ?? (await this.repo.numberSetting('life_circle_max_distance_m', 2000));
    if (!(speedMPerMin >= 10 && speedMPerMin <= 300)) throw new LifeCircleParamError('speed must be 10–300 m/min');
    if (!(maxDistanceM >= 100 && maxDistanceM <= 10000)) throw new LifeCircleParamError('maxDistance must be 100–10000 m');
    return { types: input.types ?? [], tiers: input.tiers ?? [], speedMPerMin, maxDistanceM, dataset: input.dataset ?? null };
  }

  async report(params: LifeCircleParams) {
    const t0 = performance.now();
    // The catalog is read per report (not cached): a city's override applies to its next report.
    const [catalog, table] = await Promise.all([this.repo.catalog(params.dataset), this.table(params.maxDistanceM)]);
    const report = lifeCircleReport(table, catalog, params);
    return {
      params: {
        ...params,
        origin: 'ST_PointOnSurface(estate polygon), snapped to the nearest walkable edge; distance includes the straight access legs at both ends',
        direction: 'walking from the estate to the facility (one-way edges respected)',
      },
      graph: table.graph.stats(),
      ...report,
      timing: { totalMs: Math.round(performance.now() - t0), searches: table.searches, searchMs: Math.round(table.searchMs) },
    };
  }

  /** Isochrone bands with facility counts, from the in-memory graph. */
  async isochrone(lon: number, lat: number, minutes: number[], speedMPerMin: number) {
    const table = await this.table(await this.repo.numberSetting('life_circle_max_distance_m', 2000));
    const g = table.graph;
    const origin = g.snap(lon, lat);
    if (!origin) throw new LifeCircleParamError('The point is not within reach of the walking network (nothing walkable within 500 m)');
    const limits = [...new Set(minutes)].sort((a, b) => a - b).map((m) => m * speedMPerMin);
    const iso = isochrone(g, origin, lon, lat, { limitsM: limits });
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
    };
  }

  /**
   * A proposed facility (not saved): which estates it would bring within standard. With `dataset`,
   * only that city's estates count, against its effective catalog (as in `report`).
   */
  async whatIf(type: string, lon: number, lat: number, speedMPerMin: number, maxDistanceM: number, dataset: string | null = null) {
    const [catalog, table] = await Promise.all([this.repo.catalog(dataset), this.table(maxDistanceM)]);
    const t = catalog.find((c) => c.code === type);
    if (!t) throw new LifeCircleParamError(`Unknown facility type: ${type}`);
    if (t.standardDistanceM == null) throw new LifeCircleParamError(`Facility type ${type} has no standard distance`);
    const std = t.standardDistanceM;
    const g = table.graph;
    const snap = g.snap(lon, lat);
    if (!snap) throw new LifeCircleParamError('The proposed facility is not within reach of the walking network');
    const t0 = performance.now();
    const before = table.forType(type);
    const near = NearestTargets.search(g, [{ snap, label: 0 }], std); // bounded by the standard
    const newlyCovered = [];
    let metBefore = 0, residentsBefore = 0, residentsNew = 0;
    for (let i = 0; i < table.estates.length; i++) {
      const e = table.estates[i];
      if (dataset !== null && e.datasetId !== dataset) continue;
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
        residents: e.residents,
        beforeM: Number.isNaN(b) ? null : Math.round(b * 10) / 10,
        afterM: Math.round(hit.distanceM * 10) / 10,
        afterMinutes: Math.round((hit.distanceM / speedMPerMin) * 10) / 10,
      });
    }
    const n = table.estates.length;
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
    };
  }
}
