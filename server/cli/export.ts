/**
 * `npm run export -- pmtiles --dataset <city> --layers <a,b,…> --minzoom <z> --maxzoom <z> --out <file.pmtiles>`
 *
 * Writes a city's layers as one PMTiles v3 archive: every tile of the city's extent in the zoom
 * range, from the server's own tile sources (tiles/ catalog + TileService: the bytes
 * `/tiles/{layers}/{z}/{x}/{y}.mvt?filter=dataset_id=…` answers), restricted to the city's
 * datasets. The archive serves a published check's map from object storage or a CDN with no
 * database (the client opens it as a `pmtiles://` source; see docs/scale.md).
 *
 * `--dataset` may be left out when one city is loaded. `--layers` is required: the catalog also holds
 * analysis-result layers (coverage_shortfall, …) that only make sense with a run's filter.
 */
import fs from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createCatalog } from '../../tiles/catalog.ts';
import { exportPmtiles, type PmtilesExportResult } from '../../tiles/pmtiles-export.ts';
import { TileService } from '../../tiles/tile-service.ts';
import { loadConfig } from '../config.ts';
import { bootstrapDatabase } from '../db/bootstrap.ts';
import { cityRepository } from '../repositories/city-repository.ts';

const USAGE = 'Usage: npm run export -- pmtiles [--dataset <city>] --layers a,b,… --minzoom <z> --maxzoom <z> --out <file.pmtiles>';

/** A bad command line (exit code 2, message only). */
export class ExportUsageError extends Error {
  readonly code = 'EXPORT_USAGE';
}

export interface CityPmtilesOptions {
  databaseUrl: string;
  /** City id; undefined: the only city loaded. */
  dataset?: string;
  /** Comma-separated layer ids (e.g. `estates,buildings,roads`). */
  layers: string;
  minzoom: number;
  maxzoom: number;
  /** Where the archive is written. */
  out: string;
  /** Statement timeout of one tile query in ms (default 60 000: an export is not interactive). */
  statementTimeoutMs?: number;
}

/** The filter that keeps a city's tiles to its own datasets (tiles are shared by all cities). */
export function datasetFilter(datasets: readonly string[]): string {
  return `dataset_id=${datasets.join('|')}`;
}

/** Exports a city's layers as a PMTiles archive at `out`; returns the export's counts. */
export async function exportCityPmtiles(opts: CityPmtilesOptions): Promise<PmtilesExportResult & { dataset: string; filter: string; layers: string }> {
  const pool = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: 4,
    statement_timeout: opts.statementTimeoutMs ?? 60_000,
    application_name: 'citycheck-export',
  });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const catalog = createCatalog();
    const sources = catalog.resolve(opts.layers);
    const cities = cityRepository(db);
    const scope = await cities.resolve(opts.dataset, { mixedYears: true });
    const city = (await cities.list()).find((c) => c.id === scope.dataset)!;
    const filter = datasetFilter(scope.datasets);
    const service = new TileService({
      catalog,
      cache: null,
      run: async (q) => (await pool.query<{ mvt: Buffer | null }>({ text: q.text, values: q.values as unknown[] })).rows[0]?.mvt ?? Buffer.alloc(0),
    });
    const layerList = sources.map((s) => s.id).join(',');
    const result = await exportPmtiles({
      sources,
      getTile: async ({ z, x, y }, signal) => (await service.getTile(layerList, z, x, y, filter, signal)).data,
      minzoom: opts.minzoom,
      maxzoom: opts.maxzoom,
      bounds: city.bbox,
      center: city.center,
      name: `${city.name} (${city.id})`,
      attribution: [city.attribution],
      extraMetadata: { dataset: city.id, datasets: scope.datasets, check_year: scope.checkYear, filter },
    });
    await fs.writeFile(opts.out, result.archive);
    return { ...result, dataset: city.id, filter, layers: layerList };
  } finally {
    await db.destroy();
  }
}

function zoomArg(name: string, v: string | undefined): number {
  if (v === undefined || !/^\d{1,2}$/.test(v)) throw new ExportUsageError(`--${name} must be a zoom level (an integer 0–22), got ${v ?? 'nothing'}\n${USAGE}`);
  return Number(v);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      dataset: { type: 'string' }, layers: { type: 'string' }, minzoom: { type: 'string' }, maxzoom: { type: 'string' }, out: { type: 'string' },
    },
  });
  if (positionals[0] !== 'pmtiles' || positionals.length > 1) throw new ExportUsageError(USAGE);
  if (!values.out) throw new ExportUsageError(`--out is required\n${USAGE}`);
  if (!values.layers) throw new ExportUsageError(`--layers is required; layers: ${createCatalog().sources.map((s) => s.id).join(', ')}\n${USAGE}`);
  const minzoom = zoomArg('minzoom', values.minzoom);
  const maxzoom = zoomArg('maxzoom', values.maxzoom);
  const config = loadConfig();
  const databaseUrl = await bootstrapDatabase({ ...config, log: () => {} });
  const t0 = performance.now();
  const r = await exportCityPmtiles({ databaseUrl, dataset: values.dataset, layers: values.layers, minzoom, maxzoom, out: values.out });
  console.log(`${values.out}: city ${r.dataset}, layers ${r.layers}, z${minzoom}–${maxzoom}: ${r.tilesWritten} of ${r.tilesRequested} tiles hold data, ` +
    `${(r.archive.length / 1024).toFixed(1)} KiB, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: Error & { statusCode?: number }) => {
    const expected = err instanceof ExportUsageError || (err.statusCode !== undefined && err.statusCode < 500);
    console.error(expected ? err.message : err);
    process.exit(expected ? 2 : 1);
  });
}
