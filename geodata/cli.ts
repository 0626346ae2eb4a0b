/**
 * Import CLI behind `npm run import -- …` (server/cli/import.ts composes it with the config):
 *
 *   osm <path|url> [--bbox minLon,minLat,maxLon,maxLat] [--dataset id] [--name 城市名称] [--year N]
 *   dataset <id> [--name 城市名称] [--year N]   a named dataset of datasets.ts (local file, else URL + bbox)
 *   default                        Nanjing core + sample ledgers, only into an empty database
 *   samples [--year N]             re-import the sample ledgers (示例数据) of the default city into a
 *                                  database that already holds it (e.g. after an upgrade added rows);
 *                                  rows are matched by their ledger id, so edits to sample rows are replaced
 *   ledger …                       forwarded to geodata/ledger/ledger-cli.ts
 *
 * `--name` sets the dataset's display name (the city's name in the UI, app.dataset.name). Without
 * it a dataset already in the database keeps its name, so a re-import never undoes a rename;
 * a new one is named by its definition in datasets.ts, else by its id.
 *
 * Exit code 0 on success, 1 on rejection/failure (the row-level report is printed).
 */
import path from 'node:path';
import pg from 'pg';
import { DATASETS, datasetSource, getDataset, UnknownDatasetError } from './datasets.ts';
import { loadDefaultDataset, refreshSampleLedgers } from './default-dataset.ts';
import { ImportRejectedError, type RunResult } from './import-run.ts';
import { importOsm, OsmPromoteError } from './osm/import-osm.ts';

const USAGE = `usage: import osm <path|url> [--bbox minLon,minLat,maxLon,maxLat] [--dataset id] [--name 城市名称] [--year N]
       import dataset <${DATASETS.map((d) => d.id).join('|')}> [--name 城市名称] [--year N]
       import default
       import samples [--year N]
       import ledger …`;

/** Bad command line. */
export class CliUsageError extends Error {
  readonly code = 'CLI_USAGE';
}

/** Options each subcommand takes; anything else is a usage error rather than silently ignored. */
const OPTIONS: Record<string, readonly string[]> = { osm: ['bbox', 'dataset', 'name', 'year'], dataset: ['name', 'year'], default: [], samples: ['year'] };

function flags(args: string[], allowed: readonly string[]): { positional: string[]; opts: Record<string, string> } {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const k = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (!allowed.includes(k)) throw new CliUsageError(`unknown option --${k}${allowed.length ? ` (this command takes ${allowed.map((o) => `--${o}`).join(', ')})` : ''}`);
      const value = eq < 0 ? args[++i] : a.slice(eq + 1);
      if (value === undefined) throw new CliUsageError(`--${k} needs a value`);
      opts[k] = value;
    } else positional.push(a);
  }
  return { positional, opts };
}

/** A display name: trimmed, 1–120 characters, no control characters. */
function parseName(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const name = s.trim();
  // No C0/C1 control characters, tabs and newlines included: a name is shown on one line.
  if (!name || name.length > 120 || /[\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new CliUsageError(`--name must be 1–120 characters on one line, got "${s}"`);
  }
  return name;
}

/** The name a dataset already has in the database (kept on re-import unless --name is given). */
async function storedName(pool: pg.Pool, id: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ name: string }>(`SELECT name FROM app.dataset WHERE id = $1`, [id]);
  return rows[0]?.name;
}

function parseBbox(s: string | undefined): [number, number, number, number] | undefined {
  if (s === undefined) return undefined;
  const n = s.split(',').map(Number);
  if (n.length !== 4 || !n.every(Number.isFinite)) throw new CliUsageError(`--bbox must be minLon,minLat,maxLon,maxLat, got ${s}`);
  return n as [number, number, number, number];
}

function parseYear(s: string | undefined): number {
  const y = s === undefined ? new Date().getFullYear() : Number(s);
  if (!Number.isInteger(y) || y < 1900 || y > 2200) throw new CliUsageError(`--year must be a year, got ${s}`);
  return y;
}

function summary(r: RunResult, log: (l: string) => void): void {
  log(`run ${r.runId}: ${r.rowsIn} objects in, ${r.rowsLoaded} rows loaded, ${r.rowsRejected} rows rejected, ${r.issues.filter((i) => i.severity === 'warning').length} warnings, ${r.seconds.toFixed(1)} s`);
  for (const [t, n] of Object.entries(r.counts)) log(`  ${t.padEnd(20)} ${n}`);
  for (const i of r.issues.slice(0, 20)) log(`  ${i.severity}: ${i.field ?? ''} ${i.message}`);
  if (r.issues.length > 20) log(`  … ${r.issues.length - 20} more in app.import_error (run ${r.runId})`);
}

export async function runImportCli(args: string[], ctx: { databaseUrl: string; geodataDir: string }, log: (l: string) => void = console.log): Promise<number> {
  const [cmd] = args;
  if (cmd === 'ledger') {
    const { runLedgerCli } = await import('./ledger/ledger-cli.ts');
    return runLedgerCli(args.slice(1), ctx);
  }
  const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 3 });
  try {
    if (cmd !== undefined && !Object.hasOwn(OPTIONS, cmd)) throw new CliUsageError(`unknown subcommand ${cmd}`);
    const { positional, opts } = flags(args.slice(1), cmd === undefined ? [] : OPTIONS[cmd]);
    const name = parseName(opts.name);
    const t0 = performance.now();
    if (cmd === 'osm') {
      const source = positional[0];
      if (!source) throw new CliUsageError('osm needs a file path or URL');
      const id = opts.dataset ?? (path.basename(source).replace(/\.osm(\.pbf|\.xml)?$/i, '').toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'osm');
      const known = DATASETS.find((d) => d.id === id);
      const dataset = known ?? { id, name: id, licence: 'ODbL-1.0', attribution: '© OpenStreetMap contributors' };
      summary(await importOsm(pool, {
        source, bbox: parseBbox(opts.bbox), checkYear: parseYear(opts.year), databaseUrl: ctx.databaseUrl, log, adminLevels: known?.adminLevels,
        dataset: { ...dataset, name: name ?? await storedName(pool, id) ?? dataset.name },
      }), log);
    } else if (cmd === 'dataset') {
      const d = getDataset(positional[0] ?? '');
      const { source, bbox } = datasetSource(d, ctx.geodataDir);
      const dataset = { ...d, name: name ?? await storedName(pool, d.id) ?? d.name };
      summary(await importOsm(pool, { source, bbox, dataset, checkYear: parseYear(opts.year), adminLevels: d.adminLevels, databaseUrl: ctx.databaseUrl, log }), log);
    } else if (cmd === 'default') {
      const runs = await loadDefaultDataset(pool, { geodataDir: ctx.geodataDir, log });
      for (const r of runs) summary(r, log);
    } else if (cmd === 'samples') {
      const runs = await refreshSampleLedgers(pool, { checkYear: opts.year === undefined ? undefined : parseYear(opts.year), log });
      for (const r of runs) summary(r, log);
    } else {
      throw new CliUsageError(cmd ? `unknown subcommand ${cmd}` : 'missing subcommand');
    }
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } catch (err) {
    if (err instanceof ImportRejectedError) {
      log(`rejected: ${err.message} (nothing was written${err.runId ? `; run ${err.runId}` : ''})`);
      for (const i of err.issues.slice(0, 50)) log(`  ${i.severity}: ${i.field ?? ''} ${i.message}`);
      return 1;
    }
    if (err instanceof CliUsageError || err instanceof UnknownDatasetError || err instanceof RangeError) {
      log(`${err.message}\n${USAGE}`);
      return 1;
    }
    if (err instanceof OsmPromoteError) {
      log(err.message);
      return 1;
    }
    throw err;
  } finally {
    await pool.end();
  }
}
