/**
 * `npm run import -- ledger <layer> <file> [options]` (geodata/cli.ts forwards here). Prints
 * progress, a summary and, on rejection, the row report; with `--check`, the mapping, the first
 * rows as they would land and the row report, writing nothing.
 * Returns the exit code: 0 loaded (or, with --check, nothing would be rejected), 1 otherwise.
 */
import pg from 'pg';
import { ImportRejectedError, type ImportIssue } from '../import-run.ts';
import { checkLedger, type LedgerCheck } from './check-ledger.ts';
import { UnknownCityError, importLedger } from './import-ledger.ts';
import { LedgerMappingError, mergeMappings, parseMapFlag, parseValueFlag, readMappingFile, type LedgerMapping } from './ledger-mapping.ts';
import { LEDGER_LAYERS } from './layers.ts';
import { LedgerFileError } from './read-ledger-file.ts';

const USAGE = `usage: ledger <layer> <file> [--crs wgs84|cgcs2000|gcj02|bd09] [--dataset id] [--name 名称] [--city id] [--year YYYY] [--sheet name]
              [--mapping file.json]… [--map '源列=field']… [--value 'field:源值=code']… [--check]
layers: ${Object.keys(LEDGER_LAYERS).join(', ')}
--city names the city (an imported OSM dataset) the ledger belongs to; --name the ledger dataset's display name.
--check prints the mapping, the first rows as they would land and the row errors, and writes nothing.`;

const SINGLE = ['crs', 'dataset', 'year', 'sheet', 'radius', 'name', 'city'];
const REPEATED = ['mapping', 'map', 'value'];
const SWITCHES = ['check'];

interface Args { pos: string[]; flags: Record<string, string>; lists: Record<string, string[]>; switches: Set<string> }

/** Parses flags after the positionals (`--k v` or `--k=v`); unknown flags are errors. */
function parseArgs(args: string[]): Args | string {
  const out: Args = { pos: [], flags: {}, lists: { mapping: [], map: [], value: [] }, switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { out.pos.push(a); continue; }
    const eq = a.indexOf('=');
    const k = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (SWITCHES.includes(k)) { out.switches.add(k); continue; }
    if (!SINGLE.includes(k) && !REPEATED.includes(k)) return `unknown option --${k}`;
    const v = eq < 0 ? args[++i] : a.slice(eq + 1);
    if (v === undefined) return `--${k} needs a value`;
    if (REPEATED.includes(k)) out.lists[k].push(v);
    else out.flags[k] = v;
  }
  return out;
}

/** One line per issue: `row 3  建成年代  "19x8" is not a year …`. */
export function formatIssues(issues: ImportIssue[], max = 200): string {
  const lines = issues.slice(0, max).map((i) => `  ${i.severity === 'warning' ? 'warning' : 'error  '} ${i.row === undefined ? 'file  ' : `row ${String(i.row).padEnd(4)}`} ${i.field ?? ''}  ${i.message}`);
  if (issues.length > max) lines.push(`  … ${issues.length - max} more (see app.import_error)`);
  return lines.join('\n');
}

const ROLE_TEXT: Record<string, string> = {
  id: 'id 编号 (row key)', lon: 'lon 经度', lat: 'lat 纬度', wkt: 'WKT geometry 几何', props: 'props (kept 保留)',
  ignore: 'ignored (not stored 不导入)', row_counter: 'props — row counter, not the id (序号为行号)', unmapped: 'props — NOT MAPPED (未匹配)',
};

/** Terminal columns a string takes: CJK and full-width characters take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

const pad = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - displayWidth(s)));

/** The `--check` report as text: mapping, row key, first rows, issues, verdict. */
export function formatCheck(c: LedgerCheck): string {
  const w = Math.max(...c.columns.map((x) => displayWidth(x.header)), 4);
  const lines = [`CHECK ONLY, nothing is written (仅检查，不写入): ${c.layer} from ${c.file}${c.encoding ? ` (${c.encoding})` : ''}, ${c.rowsIn} rows`, 'mapping (列映射):'];
  for (const x of c.columns) {
    const to = x.role === 'field' && x.field ? `${x.field.field}  ${x.field.label}` : ROLE_TEXT[x.role];
    const how = x.how === 'mapping' ? 'from the mapping' : x.how === 'prefix' ? `synonym after prefix ${x.prefix}` : x.how === 'synonym' ? 'synonym' : '';
    lines.push(`  ${pad(x.header, w)} → ${to}${how ? `   [${how}]` : ''}`);
  }
  lines.push(`row key (行标识): ${c.idColumn ? `column ${c.idColumn}` : 'name + location (no id column 无编号列)'}`);
  if (c.rows.length) {
    lines.push(`first ${c.rows.length} rows as they would land (前 ${c.rows.length} 行):`);
    for (const r of c.rows) {
      const attrs = Object.entries(r.attrs).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
      const geom = r.areaM2 === null ? r.where : `${r.geometryType} ${r.vertices} vertices, ${r.areaM2} m², centroid ${r.where}`;
      lines.push(`  row ${String(r.row).padEnd(4)} key ${r.sourceId}  ${attrs}`);
      lines.push(`           props ${JSON.stringify(r.props)}  ${geom}`);
    }
  }
  const errors = c.issues.filter((i) => i.severity === 'error');
  if (c.fileError) lines.push(`REJECTED (导入会被拒绝): ${c.fileError}`);
  if (c.issues.length) lines.push(`report (${errors.length} errors, ${c.issues.length - errors.length} warnings):`, formatIssues(c.issues));
  lines.push(c.wouldLoad > 0 || (!errors.length && !c.fileError)
    ? `would load ${c.wouldLoad} rows; nothing was written (未写入任何数据)`
    : `would be rejected: ${new Set(errors.map((e) => e.row ?? 0)).size} rows with errors; nothing was written (未写入任何数据)`);
  return lines.join('\n');
}

async function readMapping(a: Args, layer: string): Promise<LedgerMapping | undefined> {
  if (!a.lists.mapping.length && !a.lists.map.length && !a.lists.value.length) return undefined;
  const files = await Promise.all(a.lists.mapping.map((f) => readMappingFile(f, layer)));
  return mergeMappings(...files, ...a.lists.map.map(parseMapFlag), ...a.lists.value.map(parseValueFlag));
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
  const name = flags.name?.trim();
  if (flags.name !== undefined && !name) {
    console.error('--name must not be empty');
    return 1;
  }
  const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 2 });
  try {
    const mapping = await readMapping(parsed, layer);
    const options = {
      layer, file, crs: flags.crs ?? 'wgs84', dataset: flags.dataset ?? 'city-ledger', datasetName: name, cityId: flags.city, checkYear, sheet: flags.sheet, mapping,
      estateRadiusM: flags.radius ? Number(flags.radius) : undefined, log: (m: string) => console.log(m),
    };
    if (parsed.switches.has('check')) {
      const c = await checkLedger(pool, options);
      console.log(formatCheck(c));
      return c.fileError || c.issues.some((i) => i.severity === 'error') ? 1 : 0;
    }
    const r = await importLedger(pool, options);
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
    if (err instanceof LedgerMappingError || err instanceof LedgerFileError || err instanceof UnknownCityError) {
      console.error(`${err.message}\nnothing was written`);
      return 1;
    }
    console.error(`ledger import failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await pool.end();
  }
}
