/**
 * Runs osm2pgsql (flex output, citycheck-flex.lua) into four run-private staging tables:
 * staging.<prefix>point / line / area / boundary. No HTTP, no app tables touched.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const STYLE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'citycheck-flex.lua');

/** osm2pgsql exited non-zero: the file is not readable OSM data (truncated, empty, not OSM). */
export class Osm2pgsqlError extends Error {
  readonly code = 'OSM2PGSQL_FAILED';
  constructor(message: string, readonly exitCode: number | null, readonly stderrTail: string) {
    super(message);
  }
}

export interface StagingTables { point: string; line: string; area: string; boundary: string }

/** Staging table names for a run; the prefix is built from a number only, so it is safe to quote. */
export function stagingTables(runId: number): StagingTables {
  if (!Number.isSafeInteger(runId) || runId < 0) throw new RangeError(`bad run id ${runId}`);
  const p = `osm_r${runId}_`;
  return { point: `${p}point`, line: `${p}line`, area: `${p}area`, boundary: `${p}boundary` };
}

/** `staging."name"`, for names produced by stagingTables only. */
export function q(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new RangeError(`unsafe identifier ${name}`);
  return `staging."${name}"`;
}

export interface Osm2pgsqlOptions {
  file: string;
  databaseUrl: string;
  runId: number;
  /** Clip box in WGS-84 degrees [minLon, minLat, maxLon, maxLat] (osm2pgsql --bbox keeps ways with a node inside). */
  bbox?: [number, number, number, number];
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Loads `file` (.osm, .osm.pbf) into staging; rejects with Osm2pgsqlError on any osm2pgsql failure. */
export function runOsm2pgsql(o: Osm2pgsqlOptions): Promise<void> {
  const prefix = `osm_r${o.runId}_`;
  const args = ['--create', '--output=flex', `--style=${STYLE}`, `--database=${o.databaseUrl}`, '--number-processes=2', '--cache=512'];
  if (o.bbox) args.push(`--bbox=${o.bbox.join(',')}`);
  args.push(o.file);
  return new Promise((resolve, reject) => {
    const child = spawn('osm2pgsql', args, {
      env: { ...process.env, CITYCHECK_STAGING_PREFIX: prefix, PGOPTIONS: '-c client_min_messages=warning' },
      signal: o.signal,
    });
    let tail = '';
    const keep = (buf: Buffer) => {
      tail = (tail + buf.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new Osm2pgsqlError(`could not start osm2pgsql: ${err.message}`, null, tail)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const reason = tail.split('\n').filter((l) => /ERROR|error/.test(l)).slice(-2).join(' ').replace(/^\S+ \S+\s+/, '');
      reject(new Osm2pgsqlError(`osm2pgsql could not read the file (exit ${code}): ${reason || tail.slice(-300)}`, code, tail));
    });
  });
}

/** source_id of an area row: 'w<id>' for closed ways, 'r<id>' for relations (osm2pgsql stores relations negated). */
export function areaSourceId(alias: string): string {
  if (!/^[a-z]*$/.test(alias)) throw new RangeError(`bad alias ${alias}`);
  const col = alias ? `${alias}.osm_id` : 'osm_id';
  return `(CASE WHEN ${col} < 0 THEN 'r' || -${col} ELSE 'w' || ${col} END)`;
}
