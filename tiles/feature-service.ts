/**
 * Feature access for OGC API Features: items pages, single items and per-layer metadata (extent,
 * check years, datasets with attribution), the latter cached until a change touches the layer.
 */
import type { TileCatalog } from './catalog.ts';
import type { ChangeNotice } from './change-notice.ts';
import { FeatureNotFoundError, QueryParamError } from './errors.ts';
import { buildItemQuery, buildItemsQuery, buildLayerMetaQuery, type ItemsQuery } from './feature-query.ts';
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

/** See module comment. */
export class FeatureService {
  private readonly meta = new Map<string, Promise<LayerMeta>>();

  constructor(readonly catalog: TileCatalog, private readonly run: RowQueryRunner) {}

  /** One page of features; `hasNext` when more rows follow. Throws FilterError / QueryParamError. */
  async items(layer: string, q: ItemsQuery): Promise<{ features: Feature[]; hasNext: boolean }> {
    const source = this.catalog.get(layer);
    const rows = await this.run(buildItemsQuery(source, q));
    const hasNext = rows.length > q.limit;
    return { features: rows.slice(0, q.limit).map(toFeature), hasNext };
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
