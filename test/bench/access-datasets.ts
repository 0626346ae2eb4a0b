/**
 * Datasets for the life-circle Nanjing test and the access benchmark: central Nanjing (the default
 * dataset: OSM + the project's sample estate ledger, 示例数据) and Liechtenstein (OSM only), read
 * from ../shared/geodata. Uses geodata/default-dataset.ts `loadDefaultDataset` when it exists,
 * otherwise the OSM importer and the sample ledgers directly (the same steps).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { importSampleLedgers } from '../../geodata/samples/load-samples.ts';

const geodataDir = () => loadConfig().geodataDir;
const YEAR = 2025;

/** Loads central Nanjing; returns how. */
export async function loadNanjing(pool: pg.Pool, log: (m: string) => void = () => {}): Promise<string> {
  const def = path.join(REPO_ROOT, 'geodata/default-dataset.ts');
  if (fs.existsSync(def)) {
    const mod = await import(pathToFileURL(def).href);
    await mod.loadDefaultDataset(pool, { geodataDir: geodataDir(), log, force: true }); // force: other tests may have left rows
    return 'loadDefaultDataset';
  }
  await importOsm(pool, {
    source: path.join(geodataDir(), 'nanjing-core/nanjing_xuanwu_core_osm_2021.osm.pbf'),
    dataset: { id: 'nanjing-core', name: '南京中心城区 (OSM 2021-06)', licence: 'ODbL-1.0', attribution: '© OpenStreetMap contributors' },
    checkYear: YEAR,
    log,
  });
  await importSampleLedgers(pool, { log, checkYear: YEAR });
  return 'importOsm(nanjing-core) + importSampleLedgers';
}

/** Loads the Liechtenstein extract (OSM only: no estate ledger). */
export async function loadLiechtenstein(pool: pg.Pool, log: (m: string) => void = () => {}): Promise<void> {
  const dir = path.join(geodataDir(), 'liechtenstein');
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.osm.pbf'))!;
  await importOsm(pool, {
    source: path.join(dir, file),
    dataset: { id: 'liechtenstein', name: 'Liechtenstein (OSM)', licence: 'ODbL-1.0', attribution: '© OpenStreetMap contributors' },
    checkYear: YEAR,
    adminLevels: { '8': 'district' },
    log,
  });
}
