/**
 * `npm run import -- <kind> …` — load a city into the database named by the config.
 *
 *   npm run import -- osm <path|url> [--bbox minLon,minLat,maxLon,maxLat] [--dataset id] [--name 城市名称] [--year 2026]
 *   npm run import -- dataset <id> [--name 城市名称] [--year 2026]
 *   npm run import -- ledger <layer> <file> [--crs wgs84|cgcs2000|gcj02|bd09] [--dataset id] [--city id] [--name 名称]
 *                        [--year 2026] [--mapping file.json] [--map '源列=field'] [--value 'field:源值=code'] [--check]
 *   npm run import -- default            the default city (Nanjing core + sample ledgers)
 *
 * Prints progress and a summary (rows in, rows rejected, time); exits 1 with the row-level
 * report when an import is rejected (nothing is written then). `--check` (ledgers) writes nothing.
 */
import { loadConfig } from '../config.ts';
import { bootstrapDatabase } from '../db/bootstrap.ts';
import { runImportCli } from '../../geodata/cli.ts';

const config = loadConfig();
const url = await bootstrapDatabase({ ...config, log: () => {} });
process.exitCode = await runImportCli(process.argv.slice(2), { databaseUrl: url, geodataDir: config.geodataDir });
