/**
 * The one list of datasets CityCheck knows by name: source, licence, attribution, clip box, data year.
 * Local files live under the geodata dir (default ../shared/geodata); when absent, the public URL is
 * downloaded and clipped to `bbox`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DatasetRef } from './import-run.ts';
import type { AdminLevelMap } from './osm/admin-boundaries.ts';

export interface DatasetDefinition extends DatasetRef {
  id: string;
  kind: 'osm';
  licence: 'ODbL-1.0';
  attribution: string;
  /** File path relative to the geodata dir. */
  localPath: string;
  /** Public fallback download. */
  url: string;
  /** Clip box for the download, WGS-84 [minLon, minLat, maxLon, maxLat]; the local file is used whole. */
  bbox: [number, number, number, number];
  /** Year the OSM data describes. Imports default to the current check year (一年一体检), not this. */
  dataYear: number;
  /** admin_level → admin_unit.level for this country. */
  adminLevels: AdminLevelMap;
}

const OSM_ATTRIBUTION = '© OpenStreetMap contributors';

export const DATASETS: readonly DatasetDefinition[] = Object.freeze<DatasetDefinition[]>([
  {
    id: 'nanjing-core', kind: 'osm', name: '南京 新街口—总统府—朝天宫 (OSM 2021-06)', licence: 'ODbL-1.0', attribution: OSM_ATTRIBUTION,
    localPath: 'nanjing-core/nanjing_xuanwu_core_osm_2021.osm.pbf',
    url: 'https://download.geofabrik.de/asia/china/jiangsu-latest.osm.pbf',
    // The core 118.762–118.797 E, 32.035–32.052 N plus ~1 km, so ways and parks at the edge stay whole.
    bbox: [118.75, 32.025, 118.81, 32.062], dataYear: 2021,
    // China: 区 = admin_level 6, 街道 = 8.
    adminLevels: { '6': 'district', '8': 'subdistrict' },
  },
  {
    id: 'liechtenstein', kind: 'osm', name: 'Liechtenstein (OSM 2026-03-29)', licence: 'ODbL-1.0', attribution: OSM_ATTRIBUTION,
    localPath: 'liechtenstein/liechtenstein-2026-03-29.osm.pbf',
    url: 'https://download.geofabrik.de/europe/liechtenstein-latest.osm.pbf',
    bbox: [9.47, 47.04, 9.64, 47.28], dataYear: 2026,
    // The country (2) as 'city'; the 11 municipalities (8) stand in for districts.
    adminLevels: { '2': 'city', '8': 'district' },
  },
]);

export const DEFAULT_DATASET_ID = 'nanjing-core';

/** Unknown dataset id. */
export class UnknownDatasetError extends Error {
  readonly code = 'UNKNOWN_DATASET';
  constructor(readonly datasetId: string) {
    super(`unknown dataset "${datasetId}"; known: ${DATASETS.map((d) => d.id).join(', ')}`);
  }
}

export function getDataset(id: string): DatasetDefinition {
  const d = DATASETS.find((x) => x.id === id);
  if (!d) throw new UnknownDatasetError(id);
  return d;
}

/** Where to read a dataset from: the local file when present (whole), else its URL clipped to its bbox. */
export function datasetSource(d: DatasetDefinition, geodataDir: string): { source: string; bbox?: [number, number, number, number] } {
  const local = path.join(geodataDir, d.localPath);
  return fs.existsSync(local) ? { source: local } : { source: d.url, bbox: d.bbox };
}
