/**
 * Resolves an import source: a local path is used as is; an http(s) URL is downloaded with
 * fetch to a temporary file (a plain client download, no server code here).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The source could not be read or downloaded (missing file, offline, HTTP error). */
export class SourceUnavailableError extends Error {
  readonly code = 'SOURCE_UNAVAILABLE';
  constructor(message: string, readonly source: string) {
    super(message);
  }
}

export interface ResolvedSource {
  /** Local file to read. */
  file: string;
  /** Removes the temporary download, if any. */
  cleanup: () => void;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Returns a local file for `source`, downloading URLs into a temp dir. */
export async function resolveSource(source: string, opts: { log?: (l: string) => void; signal?: AbortSignal; fetchImpl?: typeof fetch } = {}): Promise<ResolvedSource> {
  if (!isUrl(source)) {
    if (!fs.existsSync(source)) throw new SourceUnavailableError(`file not found: ${source}`, source);
    if (!fs.statSync(source).isFile()) throw new SourceUnavailableError(`not a file: ${source}`, source);
    return { file: source, cleanup: () => {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citycheck-osm-'));
  const name = path.basename(new URL(source).pathname) || 'download.osm.pbf';
  const file = path.join(dir, name);
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  opts.log?.(`downloading ${source} …`);
  let res: Response;
  try {
    res = await (opts.fetchImpl ?? fetch)(source, { signal: opts.signal });
  } catch (err) {
    cleanup();
    throw new SourceUnavailableError(`could not download ${source} (offline or unreachable: ${(err as Error).message}). ` +
      'Download the file elsewhere and pass its local path instead.', source);
  }
  if (!res.ok || !res.body) {
    cleanup();
    throw new SourceUnavailableError(`download of ${source} failed: HTTP ${res.status}`, source);
  }
  await pipeline(Readable.fromWeb(res.body as never), fs.createWriteStream(file));
  opts.log?.(`downloaded ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
  return { file, cleanup };
}
