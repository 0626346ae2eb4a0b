/**
 * Ledger uploads from the browser (台账上传): the file is uploaded once (multipart), then checked
 * with a layer, CRS and header mapping (the CLI's `--check` dry run, nothing written) as often as the
 * planner likes, then imported in the background (the CLI's import, recorded in app.import_run);
 * the client polls the job and downloads the row report as CSV.
 */
import { Type, type Static } from 'typebox';
import { CityScopeSchema, DatasetIdSchema, EffectiveParamsSchema, Nullable } from './common.ts';

/** Layers a ledger can be imported into (geodata/ledger/layers.ts). */
export const LedgerLayerSchema = Type.Union([
  Type.Literal('estate'), Type.Literal('waterlogging_point'), Type.Literal('heritage_district'), Type.Literal('heritage_zone'), Type.Literal('heritage_site'),
  Type.Literal('facility'), Type.Literal('admin_unit'), Type.Literal('green_space'), Type.Literal('low_value_space'),
], { description: 'The layer the ledger goes into' });

export const UploadSchema = Type.Object({
  id: Type.String({ description: 'Upload id (used by check, import, job and errors.csv)' }),
  fileName: Type.String(),
  bytes: Type.Integer(),
  /** csv | xlsx | geojson | ogr (GeoPackage, zipped Shapefile) | osm (an OSM extract, imported as a city) */
  format: Type.String(),
});
export type Upload = Static<typeof UploadSchema>;

export const UploadParamsSchema = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });

/** The planner's mapping (geodata/ledger/README.md, "Mapping files"). */
export const LedgerMappingSchema = Type.Object({
  columns: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 }))),
  values: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 })))),
}, { additionalProperties: false });

export const UploadOptionsSchema = Type.Object({
  dataset: Type.Optional(DatasetIdSchema),
  layer: LedgerLayerSchema,
  crs: Type.Optional(Type.String({ maxLength: 20, description: 'wgs84 (default) | cgcs2000 | gcj02 | bd09' })),
  checkYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200, description: 'Check year (体检年度); default: this year' })),
  sheet: Type.Optional(Type.String({ maxLength: 200, description: 'XLSX sheet or GeoPackage layer; default: the first' })),
  mapping: Type.Optional(LedgerMappingSchema),
}, { additionalProperties: false });
export type UploadOptions = Static<typeof UploadOptionsSchema>;

export const UploadIssueSchema = Type.Object({
  row: Nullable(Type.Integer()),
  field: Nullable(Type.String()),
  message: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
});
export type UploadIssue = Static<typeof UploadIssueSchema>;

export const UploadColumnSchema = Type.Object({
  header: Type.String(),
  role: Type.String({ description: 'field | id | lon | lat | wkt | props | ignore | row_counter | unmapped' }),
  field: Nullable(Type.String()),
  how: Type.String({ description: 'mapping | synonym | prefix | row counter | unmapped' }),
});

export const UploadRowSchema = Type.Object({
  row: Type.Integer(),
  sourceId: Type.String(),
  attrs: Type.Record(Type.String(), Type.Unknown()),
  props: Type.Record(Type.String(), Type.Unknown()),
  geometryType: Type.String(),
  where: Type.String({ description: 'WKT of the point (else the centroid), WGS-84' }),
});

/** The dry run (same as `npm run import -- ledger … --check`): nothing is written. */
export const UploadCheckSchema = Type.Object({
  city: CityScopeSchema,
  effective: EffectiveParamsSchema,
  /** The ledger dataset the rows land in (`<city>-ledger`, attached to the city). */
  ledgerDataset: Type.String(),
  /** The layer's fields, for the mapping form (a column can also go to a role: id, lon, lat, wkt, props, ignore). */
  fields: Type.Array(Type.Object({ field: Type.String(), label: Type.String(), required: Type.Boolean() })),
  rowsIn: Type.Integer(),
  encoding: Nullable(Type.String()),
  columns: Type.Array(UploadColumnSchema),
  idColumn: Nullable(Type.String()),
  rows: Type.Array(UploadRowSchema),
  issues: Type.Array(UploadIssueSchema),
  fileError: Nullable(Type.String()),
  wouldLoad: Type.Integer(),
});
export type UploadCheck = Static<typeof UploadCheckSchema>;

export const UploadJobStatusSchema = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('rejected'), Type.Literal('failed')]);

/** A background import, read from app.import_run (it survives the page closing). */
export const UploadJobSchema = Type.Object({
  uploadId: Type.String(),
  status: UploadJobStatusSchema,
  runId: Nullable(Type.Integer()),
  layer: Type.String(),
  /** The dataset the import writes: the city's ledger dataset, or the city itself for an OSM extract. */
  targetDataset: Type.String(),
  rowsIn: Type.Integer(),
  rowsLoaded: Type.Integer(),
  rowsRejected: Type.Integer(),
  message: Nullable(Type.String()),
  issues: Type.Array(UploadIssueSchema),
  /** The importer's progress lines while it runs (read, staged, loaded …), newest last; empty once it ended. */
  progress: Type.Array(Type.String()),
  effective: EffectiveParamsSchema,
});
export type UploadJob = Static<typeof UploadJobSchema>;

/** An OSM extract imported as a city (admins): a new city id, or an existing city whose OSM data it replaces. */
export const OsmImportBodySchema = Type.Object({
  dataset: DatasetIdSchema,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Display name of the city; default: its stored name, else the id' })),
  bbox: Type.Optional(Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], { description: 'Clip box [west, south, east, north], WGS-84' })),
  checkYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200 })),
}, { additionalProperties: false });
export type OsmImportBody = Static<typeof OsmImportBodySchema>;
