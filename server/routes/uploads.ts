/**
 * Ledger uploads from the browser (台账上传), the CLI's ledger import over HTTP (planners only):
 *
 *   POST /api/uploads                    multipart, one `file` (CSV / XLSX / GeoJSON / GPKG / zipped SHP, or .osm / .osm.pbf); over the limit → 413
 *   POST /api/uploads/:id/check          { dataset, layer, crs, checkYear, sheet, mapping } → the `--check` dry run (writes nothing)
 *   POST /api/uploads/:id/import         the same body → 202, the import runs in the background
 *   POST /api/uploads/:id/import-osm     { dataset, name, bbox, checkYear } → 202, an OSM extract imported as a city (admins)
 *   GET  /api/uploads/:id/import         the job: status, counts, row report (app.import_run / app.import_error)
 *   GET  /api/uploads/:id/errors.csv     the row report of the latest import as CSV
 *
 * Environment: CITYCHECK_UPLOAD_LIMIT_BYTES (default 52428800 = 50 MiB), CITYCHECK_UPLOAD_DIR
 * (default `<tmp>/citycheck-uploads`).
 */
import os from 'node:os';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { UnknownCrsError } from '../../geodata/crs/to-wgs84.ts';
import { UnknownCityError } from '../../geodata/ledger/import-ledger.ts';
import { LedgerMappingError } from '../../geodata/ledger/ledger-mapping.ts';
import { UnknownLayerError } from '../../geodata/ledger/layers.ts';
import { LedgerFileError } from '../../geodata/ledger/read-ledger-file.ts';
import { ErrorSchema } from '../contract/common.ts';
import {
  OsmImportBodySchema, UploadCheckSchema, UploadJobSchema, UploadOptionsSchema, UploadParamsSchema, UploadSchema, type OsmImportBody, type UploadOptions,
} from '../contract/uploads.ts';
import { HttpError, badRequest, notFound } from '../errors.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { uploadService } from '../uploads/upload-service.ts';
import { UploadTooLargeError, UploadTypeError, uploadStore } from '../uploads/upload-store.ts';

export interface UploadRouteOptions {
  /** Largest uploaded file in bytes (larger → 413). Default: CITYCHECK_UPLOAD_LIMIT_BYTES or 50 MiB. */
  limitBytes?: number;
  /** Folder of uploaded files. Default: CITYCHECK_UPLOAD_DIR or `<tmp>/citycheck-uploads`. */
  dir?: string;
}

function envLimit(): number {
  const raw = process.env.CITYCHECK_UPLOAD_LIMIT_BYTES;
  if (raw === undefined || raw === '') return 50 * 1024 * 1024;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024) throw new Error(`CITYCHECK_UPLOAD_LIMIT_BYTES must be an integer ≥ 1024, got "${raw}"`);
  return n;
}

/** The importer's own errors about the request (bad layer, CRS, mapping, city or file) → 400 with their message. */
function asRequestError(err: unknown): never {
  if (err instanceof LedgerMappingError || err instanceof UnknownLayerError || err instanceof UnknownCrsError
    || err instanceof UnknownCityError || err instanceof LedgerFileError || err instanceof UploadTypeError) throw badRequest(err.message);
  if (err instanceof UploadTooLargeError) throw new HttpError(413, err.message, 'UPLOAD_TOO_LARGE');
  throw err;
}

const tags = ['uploads'];
const UPLOAD_KEEP_MS = 7 * 24 * 3600 * 1000;
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

export default async function uploadRoutes(app: FastifyInstance, opts: UploadRouteOptions) {
  const store = uploadStore(opts.dir ?? process.env.CITYCHECK_UPLOAD_DIR ?? path.join(os.tmpdir(), 'citycheck-uploads'), opts.limitBytes ?? envLimit());
  const service = uploadService(app.pg, app.db, (err, msg) => app.log.error({ err }, msg));
  const cities = cityRepository(app.db);
  // Encapsulated here: only these routes read multipart bodies.
  await app.register(multipart, { limits: { fileSize: store.limitBytes, files: 1, fields: 5 }, throwFileSizeLimit: false });
  app.addHook('onClose', () => service.settle());
  // Uploaded files are kept a week (a planner may check and import over days), then removed.
  await store.prune(UPLOAD_KEEP_MS).catch((err: unknown) => app.log.warn({ err }, 'could not prune old uploads'));

  const uploadOf = async (id: string) => {
    const u = await store.get(id);
    if (!u) throw notFound(`No upload ${id} (上传文件不存在或已过期)`);
    return u;
  };
  /** A ledger upload for the ledger routes, an OSM extract for import-osm. */
  const ledgerOf = async (id: string) => {
    const u = await uploadOf(id);
    if (u.format === 'osm') throw badRequest('This upload is an OSM extract: import it with POST /api/uploads/{id}/import-osm (OSM 数据请按城市导入)');
    return u;
  };

  app.post('/api/uploads', {
    schema: { tags, summary: 'Upload a ledger file (multipart field "file"); check and import it next', consumes: ['multipart/form-data'], response: { 201: UploadSchema, 413: ErrorSchema, ...errors } },
  }, async (req, reply) => {
    if (!req.isMultipart()) throw badRequest('Send the file as multipart/form-data in a field named "file" (请以 multipart/form-data 上传文件)');
    const part = await req.file();
    if (!part) throw badRequest('No file in the request (请求中没有文件)');
    const u = await store.save(part.filename, part.file, () => part.file.truncated).catch(asRequestError);
    return reply.status(201).send({ id: u.id, fileName: u.fileName, bytes: u.bytes, format: u.format });
  });

  app.post<{ Params: { id: string }; Body: UploadOptions }>('/api/uploads/:id/check', {
    schema: { tags, summary: 'Dry run of the import (the CLI --check): mapping, first rows as they would land, row report; writes nothing', params: UploadParamsSchema, body: UploadOptionsSchema, response: { 200: UploadCheckSchema, ...errors } },
  }, async (req) => {
    const u = await ledgerOf(req.params.id);
    const city = await cities.resolve(req.body.dataset);
    return service.check(u, city, req.body).catch(asRequestError);
  });

  app.post<{ Params: { id: string }; Body: UploadOptions }>('/api/uploads/:id/import', {
    schema: { tags, summary: 'Import the upload in the background (one transaction, recorded in app.import_run); poll GET for progress', params: UploadParamsSchema, body: UploadOptionsSchema, response: { 202: UploadJobSchema, ...errors } },
  }, async (req, reply) => {
    const u = await ledgerOf(req.params.id);
    const city = await cities.resolve(req.body.dataset);
    const job = await service.start(u, city, req.body).catch(asRequestError);
    return reply.status(202).send(job);
  });

  app.post<{ Params: { id: string }; Body: OsmImportBody }>('/api/uploads/:id/import-osm', {
    config: { role: 'admin' },
    schema: { tags, summary: 'Import an uploaded OSM extract as a city (new, or replacing its OSM data) in the background; admins', params: UploadParamsSchema, body: OsmImportBodySchema, response: { 202: UploadJobSchema, ...errors } },
  }, async (req, reply) => {
    const u = await uploadOf(req.params.id);
    if (u.format !== 'osm') throw badRequest('This upload is not an OSM extract (.osm / .osm.pbf): check and import it as a ledger');
    return reply.status(202).send(await service.startOsm(u, req.body));
  });

  app.get<{ Params: { id: string } }>('/api/uploads/:id/import', {
    config: { role: 'planner' },
    schema: { tags, summary: 'The upload\'s latest import: status, counts and row report', params: UploadParamsSchema, response: { 200: UploadJobSchema, ...errors } },
  }, async (req) => {
    const job = await service.job(await uploadOf(req.params.id));
    if (!job) throw notFound('This upload has not been imported yet (尚未导入)');
    return job;
  });

  app.get<{ Params: { id: string } }>('/api/uploads/:id/errors.csv', {
    config: { role: 'planner' },
    schema: { tags, summary: 'The row report of the upload\'s latest import as CSV (row, field, severity, message)', params: UploadParamsSchema },
  }, async (req, reply) => {
    const u = await uploadOf(req.params.id);
    const csv = await service.errorsCsv(u);
    if (csv === null) throw notFound('This upload has not been imported yet (尚未导入)');
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="import-errors-${u.id.slice(0, 8)}.csv"`).send(csv);
  });
}
