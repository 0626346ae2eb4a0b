/**
 * Data out as GeoPackage (GDAL): any layer of the catalog, including analysis results
 * (`coverage_shortfall`, `life_circle_shortfall` with `filter=run_id=…`), with the same filters as
 * the tiles and OGC API Features (`filter`, `filter-lang`, `bbox`, `datetime`).
 *
 *   GET /api/export/{layer}.gpkg?filter=&filter-lang=&bbox=&datetime=
 *
 * Features are read page by page through the feature service (parameterised queries; the layer is
 * whitelisted by the catalog: unknown → 404) into a GeoJSON file, which `ogr2ogr` turns into a
 * GeoPackage with one table named after the layer, EPSG:4326. Temporary files are removed when the
 * answer has been sent. At most {@link MAX_FEATURES} features (more → 400 asking for a filter).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { parseBbox, parseDatetime } from '../../tiles/feature-query.ts';
import type { FilterLang } from '../../tiles/filter-compiler.ts';
import { ErrorSchema } from '../contract/common.ts';
import { badRequest, HttpError } from '../errors.ts';

const run = promisify(execFile);
const PAGE = 10_000;
export const MAX_FEATURES = 500_000;

interface ExportQuery {
  filter?: string;
  'filter-lang'?: FilterLang;
  bbox?: string;
  datetime?: string;
}

export default async function exportRoutes(app: FastifyInstance) {
  app.get<{ Params: { file: string }; Querystring: ExportQuery }>('/api/export/:file', {
    schema: {
      tags: ['export'],
      summary: 'A layer or analysis result as GeoPackage (GDAL), with the tiles\' filters',
      params: Type.Object({ file: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}\\.gpkg$', description: '<layer>.gpkg, e.g. green_spaces.gpkg' }) }),
      querystring: Type.Object({
        filter: Type.Optional(Type.String({ maxLength: 4000 })),
        'filter-lang': Type.Optional(Type.Union([Type.Literal('citycheck'), Type.Literal('cql2-text')])),
        bbox: Type.Optional(Type.String({ maxLength: 200 })),
        datetime: Type.Optional(Type.String({ maxLength: 100 })),
      }),
      response: { 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
    },
  }, async (req, reply) => {
    const layer = req.params.file.replace(/\.gpkg$/, '');
    const source = app.tileCatalog.get(layer); // unknown → 404 (UnknownLayerError)
    const q = req.query;
    const base = {
      limit: PAGE, offset: 0, filter: q.filter, filterLang: q['filter-lang'],
      bbox: q.bbox !== undefined ? parseBbox(q.bbox) : undefined,
      datetime: q.datetime !== undefined ? parseDatetime(q.datetime) : undefined,
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citycheck-export-'));
    const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
    try {
      const geojson = path.join(dir, `${source.id}.geojson`);
      const out = fs.createWriteStream(geojson);
      out.write('{"type":"FeatureCollection","features":[\n');
      let after: number | undefined;
      let n = 0;
      for (;;) {
        const page = await app.features.items(source.id, { ...base, after });
        for (const f of page.features) {
          out.write(`${n ? ',\n' : ''}${JSON.stringify(f)}`);
          n++;
        }
        if (n > MAX_FEATURES) throw badRequest(`More than ${MAX_FEATURES} features: narrow the export with filter or bbox.`);
        if (!page.hasNext || !page.features.length) break;
        after = page.features[page.features.length - 1].id;
      }
      out.write('\n]}\n');
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const gpkg = path.join(dir, `${source.id}.gpkg`);
      try {
        await run('ogr2ogr', ['-f', 'GPKG', gpkg, geojson, '-nln', source.id, '-a_srs', 'EPSG:4326', '-lco', 'FID=fid'], { timeout: 120_000 });
      } catch (err) {
        req.log.error({ err }, 'ogr2ogr failed');
        throw new HttpError(503, 'The GeoPackage could not be written (GDAL); try again shortly.', 'EXPORT_FAILED', { 'retry-after': '5' });
      }
      const stream = fs.createReadStream(gpkg);
      stream.on('close', cleanup);
      return reply
        .type('application/geopackage+sqlite3')
        .header('content-disposition', `attachment; filename="${source.id}.gpkg"`)
        .header('x-feature-count', String(n))
        .send(stream);
    } catch (err) {
      cleanup();
      throw err;
    }
  });
}
