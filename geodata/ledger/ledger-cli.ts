/**
 * `npm run import -- ledger <layer> <file> [--crs gcj02] [--dataset id] [--year 2026] [--sheet name]`
 * (geodata/cli.ts forwards here). Prints progress, a summary and, on rejection, the row report.
 * Returns the exit code: 0 loaded, 1 rejected or failed.
 */
import pg from 'pg';
import { ImportRejectedError, type ImportIssue } from '../import-run.ts';
import { importLedger } from './import-ledger.ts';
import { LEDGER_LAYERS } from './layers.ts';

const USAGE = `usage: ledger <layer> <file> [--crs wgs84|cgcs2000|gcj02|bd09] [--dataset id] [--year YYYY] [--sheet name]
layers: ${Object.keys(LEDGER_LAYERS).join(', ')}`;

/** Parses `--name value` flags after the positionals; unknown flags are errors. */
function parseArgs(args: string[]): { pos: string[]; flags: Record<string, string> } | string {
  const pos: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { pos.push(a); continue; }
    const [k, inline] = a.slice(2).split('=', 2);
    if (!['crs', 'dataset', 'year', 'sheet', 'radius'].includes(k)) return `unknown option --${k}`;
    const v = inline ?? args[++i];
    if (v === undefined) return `--${k} needs a value`;
    flags[k] = v;
  }
  return { pos, flags };
}

/** One line per issue: `row 3  建成年代  "19x8" is not a year …`. */
export function formatIssues(issues: ImportIssue[], max = 200): string {
  const lines = issues.slice(0, max).map((i) => `  ${i.severity === 'warning' ? 'warning' : 'error  '} ${i.row === undefined ? 'file  ' : `row ${String(i.row).padEnd(4)}`} ${i.field ?? ''}  ${i.message}`);
  if (issues.length > max) lines.push(`  … ${issues.length - max} more (see app.import_error)`);
  return lines.join('\n');
}

/** Runs the ledger import CLI; see the module comment. */
export async function runLedgerCli(args: string[], ctx: { databaseUrl: string; geodataDir: string }): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string' || parsed.pos.length !== 2) {
    console.error(`${typeof parsed === 'string' ? parsed + '\n' : ''}${USAGE}`);
    return 1;
  }
  const [layer, file] = parsed.pos;
  const { flags } = parsed;
  const checkYear = flags.year ? Number(flags.year) : new Date().getFullYear();
  if (!Number.isInteger(checkYear) || checkYear < 1900 || checkYear > 2200) {
    console.error(`--year must be a year between 1900 and 2200, got "${flags.year}"`);
    return 1;
  }
  const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 2 });
  try {
    const r = await importLedger(pool, {
      layer, file, crs: flags.crs ?? 'wgs84', dataset: flags.dataset ?? 'city-ledger', checkYear, sheet: flags.sheet,
      estateRadiusM: flags.radius ? Number(flags.radius) : undefined, log: (m) => console.log(m),
    });
    if (r.issues.length) console.log(formatIssues(r.issues));
    console.log(`ledger ${layer}: ${r.rowsIn} rows in, ${r.rowsLoaded} loaded, ${r.rowsRejected} rejected, ${r.seconds.toFixed(1)} s (run ${r.runId})`);
    return 0;
  } catch (err) {
    if (err instanceof ImportRejectedError) {
      console.error(`REJECTED (导入被拒绝): ${err.message}`);
      console.error(formatIssues(err.issues));
      console.error(`nothing was written; report stored as run ${err.runId ?? '?'} in app.import_error`);
      return 1;
    }
    console.error(`ledger import failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await pool.end();
  }
}
