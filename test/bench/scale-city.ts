/**
 * A SYNTHETIC city of ~10^5–10^6 buildings for `npm run bench:scale`, loaded through the product's own
 * OSM importer (geodata/osm/import-osm.ts: osm2pgsql → staging → one promote transaction), not a
 * side door. How it is made:
 *
 *   1. `osmium cat` writes both extracts as OPL; Liechtenstein is clipped to the principality the
 *      way `osmium extract --strategy simple` does (its Geofabrik extract carries cross-border ways,
 *      e.g. the Rhine, 80 km beyond it; their nodes outside the box are dropped)
 *      (one object per line, plain text).
 *   2. Node streams copies of those lines: every copy gets fresh ids (id + copy × 2·10^10, for
 *      nodes, ways, relations and every reference inside ways and relations, so each copy's
 *      topology — the walking network, multipolygons — is intact) and an affine shift of its
 *      coordinates to its own cell of a grid with 0.01° gaps (copies never overlap; longitudes are
 *      scaled by cos(source lat) / cos(target lat) so a copy keeps its size in metres). Output is in
 *      id order (nodes, ways, relations of copy 0, 1, …) as osm2pgsql requires, piped into
 *      `osmium cat` which writes one PBF.
 *   3. importOsm loads that PBF as one city (dataset `scale_<buildings>`, is_sample, named
 *      SYNTHETIC). Estates come from OSM landuse=residential as for any OSM city; no ledgers.
 *
 * Copies do not connect to each other (the gaps): a walk never leaves its copy, as it would not leave
 * a real town separated by fields. ~90 % of the buildings come from Liechtenstein copies, ~10 % from
 * Nanjing core copies (dense Chinese blocks).
 *
 * CLI (large outputs go to /work/scale-data or .data/scale, never into git):
 *   node --import tsx test/bench/scale-city.ts --buildings 100000 [--out .data/scale] [--db citycheck_scale] [--generate-only]
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { REPO_ROOT, loadConfig } from '../../server/config.ts';
import { importOsm, type OsmImportResult } from '../../geodata/osm/import-osm.ts';

/** One OSM extract used as a tile of the synthetic city. */
export interface Source {
  key: 'liechtenstein' | 'nanjing-core';
  /** OPL lines by object type, in id order. */
  lines: { n: string[]; w: string[]; r: string[] };
  buildings: number;
  bbox: [number, number, number, number];
}

/** Where one copy went: its source, id offset and coordinate transform. */
export interface ScaleCopy {
  source: Source['key'];
  index: number;
  idOffset: number;
  /** lon' = lon0 + (lon - srcLon0) × lonScale; lat' = lat0 + (lat - srcLat0). */
  lon0: number;
  lat0: number;
  lonScale: number;
}

export interface ScaleCityFile {
  pbf: string;
  buildings: number;
  copies: ScaleCopy[];
  nodes: number;
  ways: number;
  relations: number;
  bytes: number;
  seconds: number;
}

/** Id stride per copy: above every node, way and relation id of both extracts (13.7·10^9 at most). */
const ID_STRIDE = 20_000_000_000;
/** South-west corner of the synthetic city (west of Nanjing's real centre; its own database). */
const ORIGIN: [number, number] = [118.2, 31.4];
const GAP_DEG = 0.01;
/** The principality itself: the Geofabrik extract's complete ways reach far beyond it. */
const LIECHTENSTEIN_CLIP: [number, number, number, number] = [9.47, 47.04, 9.64, 47.28];

function geodataDir(): string {
  return loadConfig().geodataDir;
}

function readOpl(file: string): string {
  return execFileSync('osmium', ['cat', '-f', 'opl', '-o', '-', file], { maxBuffer: 1 << 30, encoding: 'utf8' });
}

/**
 * Keeps the lines inside `clip` as `osmium extract --strategy simple` would: nodes inside, ways with a
 * node inside (their node lists unchanged), relations with a member kept. Done here because osmium's
 * id sets are bitmaps over the id range: 1.8 GB for Liechtenstein's 13.7·10^9 node ids.
 */
function clipOpl(lines: string[], clip: [number, number, number, number]): string[] {
  const kept = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const f = line.split(' ');
    const id = f[0]!;
    let keep = false;
    if (id[0] === 'n') {
      const x = Number(f.at(-2)!.slice(1)), y = Number(f.at(-1)!.slice(1));
      keep = x >= clip[0] && x <= clip[2] && y >= clip[1] && y <= clip[3];
    } else {
      const refs = f.find((p) => p[0] === (id[0] === 'w' ? 'N' : 'M'))?.slice(1);
      keep = !!refs && refs.split(',').some((r) => kept.has(r.split('@')[0]!));
    }
    if (keep) {
      kept.add(id);
      out.push(line);
    }
  }
  return out;
}

const isBuilding = (line: string) => /(?: T|,)building=/.test(line.slice(0, line.indexOf(' N') > 0 ? line.indexOf(' N') : line.indexOf(' M') > 0 ? line.indexOf(' M') : line.length));

function loadSource(key: Source['key']): Source {
  const dir = path.join(geodataDir(), key);
  const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.osm.pbf'))!);
  // drop the metadata fields (version, visibility, changeset, time, user): the importer reads none
  let all = readOpl(file).split('\n').filter(Boolean).map((raw) => raw.split(' ').filter((p) => !/^[vdctiu]/.test(p)).join(' '));
  if (key === 'liechtenstein') all = clipOpl(all, LIECHTENSTEIN_CLIP);
  const lines = { n: [] as string[], w: [] as string[], r: [] as string[] };
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  let buildings = 0;
  for (const line of all) {
    const t = line[0] as 'n' | 'w' | 'r';
    lines[t].push(line);
    if (t === 'n') {
      const f = line.split(' ');
      const x = Number(f.at(-2)!.slice(1)), y = Number(f.at(-1)!.slice(1));
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    } else if (isBuilding(line)) buildings++;
  }
  return { key, lines, buildings, bbox: [x0, y0, x1, y1] };
}

/** Copies per source for about `buildings` buildings: 90 % Liechtenstein, 10 % Nanjing core, at least one each. */
export function planCopies(buildings: number, perCopy: { liechtenstein: number; nanjing: number }) {
  return {
    liechtenstein: Math.max(1, Math.round((0.9 * buildings) / perCopy.liechtenstein)),
    nanjing: Math.max(1, Math.round((0.1 * buildings) / perCopy.nanjing)),
  };
}

/** Places copies on a grid with 0.01° gaps: each source's cells in rows (about square overall), the next source's rows above. */
export function layoutCopies(sources: Pick<Source, 'key' | 'bbox'>[], counts: number[]): ScaleCopy[] {
  const copies: ScaleCopy[] = [];
  let rowY = ORIGIN[1];
  let index = 0;
  sources.forEach((s, si) => {
    const n = counts[si]!;
    const perRow = Math.ceil(Math.sqrt(n * ((s.bbox[3] - s.bbox[1]) / (s.bbox[2] - s.bbox[0]))));
    const srcLat = (s.bbox[1] + s.bbox[3]) / 2;
    let rowTop = rowY;
    for (let k = 0; k < n; k++) {
      const col = k % perRow, row = Math.floor(k / perRow);
      const lat0 = rowY + row * (s.bbox[3] - s.bbox[1] + GAP_DEG);
      const lonScale = Math.cos((srcLat * Math.PI) / 180) / Math.cos(((lat0 + (s.bbox[3] - s.bbox[1]) / 2) * Math.PI) / 180);
      // a row's cells are as wide as its copies (rows do not overlap, so each row may space its own)
      const w = (s.bbox[2] - s.bbox[0]) * lonScale;
      copies.push({ source: s.key, index, idOffset: index * ID_STRIDE, lon0: ORIGIN[0] + col * (w + GAP_DEG), lat0, lonScale });
      rowTop = Math.max(rowTop, lat0 + s.bbox[3] - s.bbox[1] + GAP_DEG);
      index++;
    }
    rowY = rowTop;
  });
  return copies;
}

const shiftRef = (ref: string, off: number) => ref[0] + (Number(ref.slice(1)) + off);

/** One OPL line of `s` rewritten for copy `c` (fresh ids, shifted coordinates). */
export function rewriteLine(line: string, c: ScaleCopy, srcLon0: number, srcLat0: number): string {
  const f = line.split(' ');
  f[0] = shiftRef(f[0]!, c.idOffset);
  for (let i = 1; i < f.length; i++) {
    const p = f[i]!;
    const k = p[0];
    if (k === 'x') f[i] = 'x' + (c.lon0 + (Number(p.slice(1)) - srcLon0) * c.lonScale).toFixed(7);
    else if (k === 'y') f[i] = 'y' + (c.lat0 + (Number(p.slice(1)) - srcLat0)).toFixed(7);
    else if (k === 'N' && p.length > 1) f[i] = 'N' + p.slice(1).split(',').map((r) => shiftRef(r, c.idOffset)).join(',');
    else if (k === 'M' && p.length > 1) {
      f[i] = 'M' + p.slice(1).split(',').map((m) => {
        const at = m.indexOf('@');
        return shiftRef(m.slice(0, at), c.idOffset) + m.slice(at);
      }).join(',');
    }
  }
  return f.join(' ');
}

/**
 * Writes the synthetic city of about `buildings` buildings as one PBF under `outDir` (streamed: the
 * OPL copies never sit on disk). Returns the file and what it holds.
 */
export async function generateScaleCity(o: { buildings: number; outDir: string; log?: (m: string) => void }): Promise<ScaleCityFile> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const li = loadSource('liechtenstein');
  const nj = loadSource('nanjing-core');
  const plan = planCopies(o.buildings, { liechtenstein: li.buildings, nanjing: nj.buildings });
  const copies = layoutCopies([li, nj], [plan.liechtenstein, plan.nanjing]);
  const bySource = { liechtenstein: li, 'nanjing-core': nj } as const;
  fs.mkdirSync(o.outDir, { recursive: true });
  const pbf = path.join(o.outDir, `scale-${o.buildings}.osm.pbf`);
  log(`generating ${copies.length} copies (Liechtenstein × ${plan.liechtenstein} of ${li.buildings} buildings, Nanjing core × ${plan.nanjing} of ${nj.buildings}) → ${pbf}`);
  const osmium = spawn('osmium', ['cat', '-F', 'opl', '-', '-f', 'pbf', '-o', pbf, '-O'], { stdio: ['pipe', 'inherit', 'inherit'] });
  const done = once(osmium, 'close');
  let buf: string[] = [];
  let bufLen = 0;
  const flush = async () => {
    if (!osmium.stdin.write(buf.join(''))) await once(osmium.stdin, 'drain');
    buf = [];
    bufLen = 0;
  };
  const counts = { n: 0, w: 0, r: 0 };
  for (const t of ['n', 'w', 'r'] as const) {
    for (const c of copies) {
      const s = bySource[c.source];
      for (const line of s.lines[t]) {
        const out = rewriteLine(line, c, s.bbox[0], s.bbox[1]) + '\n';
        buf.push(out);
        bufLen += out.length;
        counts[t]++;
        if (bufLen > 1 << 20) await flush();
      }
    }
  }
  await flush();
  osmium.stdin.end();
  const [code] = await done;
  if (code !== 0) throw new Error(`osmium cat exited ${code}`);
  const buildings = copies.reduce((a, c) => a + bySource[c.source].buildings, 0);
  return { pbf, buildings, copies, nodes: counts.n, ways: counts.w, relations: counts.r, bytes: fs.statSync(pbf).size, seconds: (performance.now() - t0) / 1000 };
}

/** Peak resident memory (MiB) of this process and of its osm2pgsql children, sampled every 200 ms. */
export function peakMemoryWatch() {
  const peak = { osm2pgsql: 0 };
  const kib = (pid: number | string, field: string) => {
    try {
      return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  const timer = setInterval(() => {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const name = stat.slice(stat.indexOf('(') + 1, close);
        const ppid = Number(stat.slice(close + 2).split(' ')[1]);
        if (name === 'osm2pgsql' && ppid === process.pid) peak.osm2pgsql = Math.max(peak.osm2pgsql, kib(pid, 'VmHWM') / 1024);
      } catch {
        // the process ended between readdir and read
      }
    }
  }, 200);
  return {
    stop: () => {
      clearInterval(timer);
      return { nodeMiB: kib('self', 'VmHWM') / 1024, osm2pgsqlMiB: peak.osm2pgsql };
    },
  };
}

export interface ScaleImport {
  datasetId: string;
  result: OsmImportResult;
  seconds: number;
  /** The osm2pgsql step alone (from the importer's own progress lines): the floor of any osm2pgsql import. */
  osm2pgsqlSeconds: number;
  peak: { nodeMiB: number; osm2pgsqlMiB: number };
}

/** Imports the generated PBF through importOsm as dataset `scale_<buildings>` (replacing an earlier import of it). */
export async function importScaleCity(pool: pg.Pool, file: ScaleCityFile, log: (m: string) => void = () => {}): Promise<ScaleImport> {
  const datasetId = `scale_${file.buildings}`;
  const li = file.copies.filter((c) => c.source === 'liechtenstein').length;
  const watch = peakMemoryWatch();
  const t0 = performance.now();
  let osmStart = 0, osmEnd = 0;
  const result = await importOsm(pool, {
    source: file.pbf,
    dataset: {
      id: datasetId, name: `SYNTHETIC scale city: Liechtenstein × ${li} + Nanjing core × ${file.copies.length - li} (benchmark only)`,
      source: 'test/bench/scale-city.ts', licence: 'ODbL-1.0', attribution: '© OpenStreetMap contributors (SYNTHETIC copies)', isSample: true,
    },
    checkYear: 2025,
    adminLevels: { '8': 'district' },
    log: (line) => {
      if (line.startsWith('osm2pgsql:')) osmStart = performance.now();
      if (line.startsWith('staging:')) osmEnd = performance.now();
      log(line);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  return { datasetId, result, seconds, osm2pgsqlSeconds: (osmEnd - osmStart) / 1000, peak: watch.stop() };
}

/** The scale database on the local test cluster (never stopped or wiped here), or beside DATABASE_URL. */
export async function scaleDatabase(name: string): Promise<string> {
  const { bootstrapDatabase } = await import('../../server/db/bootstrap.ts');
  const { ensureDatabase, migrate } = await import('../../server/db/migrate.ts');
  const config = loadConfig();
  if (config.databaseUrl) {
    const a = new URL(config.databaseUrl);
    a.pathname = '/postgres';
    const u = await ensureDatabase(a.toString(), name);
    await migrate(u);
    return u;
  }
  return bootstrapDatabase({ pgData: path.join(REPO_ROOT, '.data/pg-test'), pgPort: Number(process.env.CITYCHECK_TEST_PGPORT || 54330), dbName: name, unsafeFast: true, log: () => {} });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      buildings: { type: 'string', default: '100000' },
      out: { type: 'string', default: path.join(REPO_ROOT, '.data/scale') },
      db: { type: 'string', default: 'citycheck_scale' },
      'generate-only': { type: 'boolean', default: false },
    },
  });
  const buildings = Number(values.buildings);
  if (!Number.isInteger(buildings) || buildings < 1000 || buildings > 5_000_000) {
    console.error(`--buildings must be an integer 1000–5000000, got "${values.buildings}"`);
    process.exit(2);
  }
  const file = await generateScaleCity({ buildings, outDir: values.out!, log: console.log });
  console.log(`PBF ${file.pbf}: ${(file.bytes / 2 ** 20).toFixed(1)} MiB, ${file.nodes} nodes, ${file.ways} ways, ${file.relations} relations, ~${file.buildings} buildings, written in ${file.seconds.toFixed(1)} s`);
  if (!values['generate-only']) {
    const pool = new pg.Pool({ connectionString: await scaleDatabase(values.db!), max: 4 });
    const imp = await importScaleCity(pool, file, (m) => console.log(`  ${m}`));
    console.log(`imported ${imp.datasetId} in ${imp.seconds.toFixed(1)} s (osm2pgsql ${imp.osm2pgsqlSeconds.toFixed(1)} s; run ${imp.result.runId}): ${JSON.stringify(imp.result.counts)}; ` +
      `peak RSS node ${imp.peak.nodeMiB.toFixed(0)} MiB, osm2pgsql ${imp.peak.osm2pgsqlMiB.toFixed(0)} MiB`);
    await pool.end();
  }
}
