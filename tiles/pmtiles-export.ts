/**
 * Static tiles: a city's layers over a zoom range, fetched through the tile service (the same MVT
 * bytes the server answers for `/tiles/{layers}/{z}/{x}/{y}.mvt?filter=…`) and packed into one
 * PMTiles v3 archive (tiles/pmtiles-writer.ts) that object storage or a CDN can serve with no
 * database. Knows nothing about HTTP or the database: the caller passes the tile getter.
 */
import { TileRequestError } from './errors.ts';
import { buildPmtiles } from './pmtiles-writer.ts';
import { lonLatToTileXY, MAX_ZOOM, type LonLatBox, type TileCoord } from './tile-math.ts';
import type { TileSource } from './tile-source.ts';
import { OSM_ATTRIBUTION, tileJson } from './tilejson.ts';

/** Most tiles one export may address (a city at z10–z16 is a few thousand). */
export const PMTILES_MAX_TILES = 250_000;

/** Returns the uncompressed MVT of the layers at a tile (empty for no features). */
export type TileGetter = (tile: TileCoord, signal?: AbortSignal) => Promise<Uint8Array>;

export interface PmtilesExportOptions {
  /** The sources exported (their ids name the MVT layers; their fields go into vector_layers). */
  sources: readonly TileSource[];
  getTile: TileGetter;
  minzoom: number;
  maxzoom: number;
  /** Area exported: [west, south, east, north], lon/lat WGS-84 (a city's extent). */
  bounds: LonLatBox;
  /** Initial view lon/lat; default the centre of the bounds. */
  center?: [number, number];
  /** Archive name and description (metadata). */
  name: string;
  description?: string;
  /** Attributions besides © OpenStreetMap contributors (e.g. the city dataset's). */
  attribution?: readonly (string | null | undefined)[];
  /** Extra metadata keys (e.g. the dataset and the filter applied). */
  extraMetadata?: Record<string, unknown>;
  /** Tile requests in flight at once (default 4). */
  concurrency?: number;
  maxTiles?: number;
  signal?: AbortSignal;
}

export interface PmtilesExportResult {
  archive: Buffer;
  /** Tiles looked at, and those holding data (empty tiles are left out of the archive). */
  tilesRequested: number;
  tilesWritten: number;
}

/** The tiles covering a lon/lat box at zoom z, row by row. */
export function tilesInBox(box: LonLatBox, z: number): TileCoord[] {
  const n = 2 ** z;
  const clamp = (v: number) => Math.max(0, Math.min(n - 1, Math.floor(v)));
  const [x0, y1] = lonLatToTileXY(box[0], box[1], z);
  const [x1, y0] = lonLatToTileXY(box[2], box[3], z);
  const out: TileCoord[] = [];
  for (let y = clamp(y0); y <= clamp(y1); y++) for (let x = clamp(x0); x <= clamp(x1); x++) out.push({ z, x, y });
  return out;
}

/** Exports the tiles of `sources` in `bounds` at minzoom…maxzoom into a PMTiles v3 archive. */
export async function exportPmtiles(opts: PmtilesExportOptions): Promise<PmtilesExportResult> {
  const { minzoom, maxzoom, bounds } = opts;
  if (!(Number.isInteger(minzoom) && Number.isInteger(maxzoom) && minzoom >= 0 && minzoom <= maxzoom && maxzoom <= MAX_ZOOM)) {
    throw new TileRequestError(`zoom range must be integers 0 ≤ minzoom ≤ maxzoom ≤ ${MAX_ZOOM}, got ${minzoom}–${maxzoom}`, 'BAD_ZOOM_RANGE');
  }
  if (!(bounds[0] < bounds[2] && bounds[1] < bounds[3])) throw new TileRequestError(`bounds must be west < east and south < north, got ${bounds.join(',')}`, 'BAD_BOUNDS');
  const coords: TileCoord[] = [];
  const maxTiles = opts.maxTiles ?? PMTILES_MAX_TILES;
  for (let z = minzoom; z <= maxzoom; z++) {
    coords.push(...tilesInBox(bounds, z));
    if (coords.length > maxTiles) {
      throw new TileRequestError(`the export would hold more than ${maxTiles} tiles by z${z}; lower maxzoom or export a smaller area`, 'TOO_MANY_TILES');
    }
  }

  const tiles: { z: number; x: number; y: number; data: Uint8Array }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < coords.length) {
      opts.signal?.throwIfAborted();
      const c = coords[next++]!;
      const data = await opts.getTile(c, opts.signal);
      if (data.length > 0) tiles.push({ ...c, data });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));

  const center = opts.center ?? [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2];
  const tj = tileJson([...opts.sources], '', bounds, center);
  const attribution = [...new Set([OSM_ATTRIBUTION, ...(opts.attribution ?? []), ...opts.sources.map((s) => s.def.attribution)]
    .filter((a): a is string => !!a))].join('; ');
  const archive = buildPmtiles(tiles, {
    minzoom, maxzoom, bounds,
    center: [center[0], center[1], Math.max(minzoom, Math.min(maxzoom, 14))],
    metadata: {
      name: opts.name,
      description: opts.description ?? tj.description,
      version: tj.version,
      type: 'overlay',
      format: 'pbf',
      attribution,
      vector_layers: tj.vector_layers,
      ...opts.extraMetadata,
    },
  });
  return { archive, tilesRequested: coords.length, tilesWritten: tiles.length };
}
