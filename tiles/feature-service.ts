/**
 * Feature access for OGC API Features: items pages (keyset or offset paging, `numberMatched` when
 * the count is cheap), single items and per-layer metadata (extent, check years, datasets with
 * attribution), the latter cached until a change touches the layer.
 */
import type { TileCatalog } from './catalog.ts';
import type { ChangeNotice } from './change-notice.ts';
import { FeatureNotFoundError, QueryParamError } from './errors.ts';
import { buildCountQuery, buildItemQuery, buildItemsQuery, buildLayerMetaQuery, type ItemsQuery } from './feature-query.ts';
import type { CompiledSql } from './sql-compile.ts';
import type { LonLatBox } from './tile-math.ts';

/** Runs a compiled query and returns its rows. */
export type RowQueryRunner = (query: CompiledSql) => Promise<Record<string, unknown>[]>;

/** A GeoJSON feature (RFC 7946). */
export interface Feature {
  type: 'Feature';
  id: number;
  geometry: unknown;
  properties: Record<string, unknown>;
}

/** Dataset a layer's rows come from, with its attribution. */
export interface DatasetInfo {
  id: string;
  name: string;
  attribution: string | null;
  licence: string | null;
  is_sample: boolean;
}

/** Metadata of a layer's current data. */
export interface LayerMeta {
  bbox: LonLatBox | null;
  years: [number, number] | null;
  datasets: DatasetInfo[];
}

/**
 * Planner cost (PostgreSQL cost units) above which `numberMatched` is left out rather than
 * counted. A sequential scan of 18,000 buildings is estimated at about 2,800; 50,000 is a few
 * hundred thousand rows, tens of milliseconds.
 */
export const COUNT_COST_BOUND = 50_000;

/** Options of the feature service. */
export interface FeatureServiceOptions {
  /** Planner cost bound of the exact count behind `numberMatched` (default COUNT_COST_BOUND). */
  countCostBound?: number;
}

/** One page of features, in id order. */
export interface ItemsResult {
  features: Feature[];
  /** More features follow the last one. */
  hasNext: boolean;
  /** Features may precede the first one. */
  hasPrev: boolean;
  /** Features matching the query over all pages; absent on keyset continuation pages and when the count would cost more than the bound. */
  numberMatched?: number;
}

/** See module comment. */
export class FeatureService {
  private readonly meta = new Map<string, Promise<LayerMeta>>();
  private readonly countCostBound: number;

  constructor(readonly catalog: TileCatalog, private readonly run: RowQueryRunner, opts: FeatureServiceOptions = {}) {
    this.countCostBound = opts.countCostBound ?? COUNT_COST_BOUND;
  }

  /**
   * One page of features. `after` / `before` read a keyset page (the count is skipped there: a
   * client reads it from the first page); `offset` still works. Throws FilterError / QueryParamError.
   */
  async items(layer: string, q: ItemsQuery): Promise<ItemsResult> {
    const source = this.catalog.get(layer);
    if ((q.after !== undefined || q.before !== undefined) && q.offset > 0) throw new QueryParamError('use either offset or after/before, not both');
    if (q.after !== undefined && q.before !== undefined) throw new QueryParamError('use either after or before, not both');
    const pageQuery = buildItemsQuery(source, q);
    const keyset = q.after !== undefined || q.before !== undefined;
    const [rows, numberMatched] = await Promise.all([this.run(pageQuery), keyset ? undefined : this.countMatched(source.id, q)]);
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    if (q.before !== undefined) {
      page.reverse();
      return { features: page.map(toFeature), hasNext: true, hasPrev: more, numberMatched };
    }
    return { features: page.map(toFeature), hasNext: more, hasPrev: q.after !== undefined || q.offset > 0, numberMatched };
  }

  /** The exact count of an items query, or undefined when the planner prices it above the bound. */
  private async countMatched(layer: string, q: ItemsQuery): Promise<number | undefined> {
    const source = this.catalog.get(layer);
    const [plan] = await this.run(buildCountQuery(source, q, true));
    const cost = Number((plan?.['QUERY PLAN'] as { Plan?: { 'Total Cost'?: number } }[] | undefined)?.[0]?.Plan?.['Total Cost']);
    if (!Number.isFinite(cost) || cost > this.countCostBound) return undefined;
    const [row] = await this.run(buildCountQuery(source, q));
    return Number(row?.n);
  }

  /** One feature by id (decimal digits); throws FeatureNotFoundError. */
  async item(layer: string, fid: string): Promise<Feature> {
    const source = this.catalog.get(layer);
    if (!/^\d{1,15}$/.test(fid)) throw new FeatureNotFoundError(layer, fid.slice(0, 40));
    const rows = await this.run(buildItemQuery(source, Number(fid)));
    if (!rows[0]) throw new FeatureNotFoundError(layer, fid);
    return toFeature(rows[0]);
  }

  /** Extent, check years and datasets of a layer (cached until invalidated). */
  layerMeta(layer: string): Promise<LayerMeta> {
    const source = this.catalog.get(layer);
    let m = this.meta.get(layer);
    if (!m) {
      m = this.run(buildLayerMetaQuery(source)).then((rows) => {
        const r = rows[0] ?? {};
        const bbox = r.xmin == null ? null : ([r.xmin, r.ymin, r.xmax, r.ymax].map(Number) as LonLatBox);
        const years = r.min_year == null ? null : ([Number(r.min_year), Number(r.max_year)] as [number, number]);
        return { bbox, years, datasets: (r.datasets as DatasetInfo[]) ?? [] };
      });
      m.catch(() => this.meta.delete(layer));
      this.meta.set(layer, m);
    }
    return m;
  }

  /** Forgets cached metadata of the layers a change touches. */
  invalidate(change: ChangeNotice): void {
    for (const t of change.tables) for (const l of this.catalog.layersForTable(t)) this.meta.delete(l);
  }
}

function toFeature(r: Record<string, unknown>): Feature {
  return { type: 'Feature', id: Number(r.id), geometry: r.geometry, properties: (r.properties as Record<string, unknown>) ?? {} };
}

/** Parses limit/offset query values with OGC defaults and bounds. */
export function parsePaging(limit: unknown, offset: unknown, bounds: { default: number; max: number }): { limit: number; offset: number } {
  const l = limit === undefined ? bounds.default : Number(limit);
  const o = offset === undefined ? 0 : Number(offset);
  if (!Number.isInteger(l) || l < 1) throw new QueryParamError('limit must be a positive integer');
  if (!Number.isInteger(o) || o < 0 || o > 10_000_000) throw new QueryParamError('offset must be a non-negative integer');
  return { limit: Math.min(l, bounds.max), offset: o };
}
