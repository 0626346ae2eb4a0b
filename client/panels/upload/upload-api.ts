/**
 * Typed calls to the ledger upload API (server/routes/uploads.ts); types from the server's contract
 * (server/contract/uploads.ts) as type-only imports. Every check and import names the city.
 */
import type { Static } from 'typebox';
import type { OsmImportBodySchema, UploadCheckSchema, UploadJobSchema, UploadOptionsSchema, UploadSchema } from '../../../server/contract/uploads.ts';
import { getJson, sendForm, sendJson } from '../../api/http.ts';

export type Upload = Static<typeof UploadSchema>;
export type UploadCheck = Static<typeof UploadCheckSchema>;
export type UploadJob = Static<typeof UploadJobSchema>;
export type UploadOptions = Static<typeof UploadOptionsSchema>;
export type UploadIssue = UploadCheck['issues'][number];
export type OsmImportBody = Static<typeof OsmImportBodySchema>;

/** The ledger layers a file can go into, in the order the form offers them (server/contract/uploads.ts LedgerLayerSchema). */
export const LEDGER_LAYERS = [
  'waterlogging_point', 'estate', 'heritage_district', 'heritage_zone', 'heritage_site', 'facility', 'admin_unit', 'green_space', 'low_value_space',
] as const satisfies readonly UploadOptions['layer'][];
export const INPUT_CRS = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const;
/** Roles a column can take besides a field (geodata/ledger/ledger-mapping.ts ROLES). */
export const COLUMN_ROLES = ['id', 'lon', 'lat', 'wkt', 'props', 'ignore'] as const;

export function uploadFile(file: File, signal?: AbortSignal): Promise<Upload> {
  const form = new FormData();
  form.append('file', file, file.name);
  return sendForm<Upload>('/api/uploads', form, signal);
}
export const checkUpload = (id: string, o: UploadOptions, signal?: AbortSignal) => sendJson<UploadCheck>(`/api/uploads/${id}/check`, 'POST', o, signal);
export const startImport = (id: string, o: UploadOptions, signal?: AbortSignal) => sendJson<UploadJob>(`/api/uploads/${id}/import`, 'POST', o, signal);
/** An uploaded OSM extract imported as a city (admins). */
export const startOsmImport = (id: string, o: OsmImportBody, signal?: AbortSignal) => sendJson<UploadJob>(`/api/uploads/${id}/import-osm`, 'POST', o, signal);
export const fetchJob = (id: string, signal?: AbortSignal) => getJson<UploadJob>(`/api/uploads/${id}/import`, signal);
export const errorsCsvUrl = (id: string) => `/api/uploads/${id}/errors.csv`;
