/**
 * Uploaded ledger files on the server's disk, one folder per upload under `<root>/<uuid>/`, so the
 * CLI's readers (geodata/ledger/read-ledger-file.ts) read them as files and a background import
 * keeps its file when the page closes. The stored name is fixed (`ledger<ext>`): the planner's file
 * name is never used as a path, only kept for display.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectFormat } from '../../geodata/ledger/read-ledger-file.ts';

/** Extensions accepted from the browser: ledgers (CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile) and OSM extracts (.osm, .osm.pbf). */
export const UPLOAD_EXTENSIONS = ['.csv', '.txt', '.xlsx', '.geojson', '.json', '.gpkg', '.zip', '.osm', '.pbf'] as const;
const OSM_EXTENSIONS = ['.osm', '.pbf'];

/** A file over the size limit (→ 413). */
export class UploadTooLargeError extends Error {
  readonly code = 'UPLOAD_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`The file is larger than the upload limit of ${(limitBytes / 1024 / 1024).toFixed(1)} MiB (文件超过上传大小限制 ${(limitBytes / 1024 / 1024).toFixed(1)} MiB)`);
  }
}

/** A file of a type the ledger importer does not read (→ 400). */
export class UploadTypeError extends Error {
  readonly code = 'UPLOAD_TYPE';
}

export interface StoredUpload {
  id: string;
  fileName: string;
  bytes: number;
  format: string;
  /** Absolute path of the stored file. */
  file: string;
}

/**
 * @param root folder that holds the uploads (created when missing)
 * @param limitBytes largest accepted file
 */
export function uploadStore(root: string, limitBytes: number) {
  const dirOf = (id: string) => path.join(root, id);
  return {
    limitBytes,
    /**
     * Writes `stream` as a new upload. `truncated()` says whether the multipart reader cut the
     * stream at the size limit; the partial file is removed and UploadTooLargeError thrown.
     */
    async save(fileName: string, stream: Readable, truncated: () => boolean): Promise<StoredUpload> {
      const ext = path.extname(fileName).toLowerCase();
      if (!(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) {
        stream.resume();
        throw new UploadTypeError(`Unsupported file type "${ext || fileName}" (不支持的文件类型); accepted: ${UPLOAD_EXTENSIONS.join(' ')}`);
      }
      const format = OSM_EXTENSIONS.includes(ext) ? 'osm' : detectFormat(fileName);
      const id = randomUUID();
      await fs.mkdir(dirOf(id), { recursive: true });
      const file = path.join(dirOf(id), ext === '.pbf' ? 'extract.osm.pbf' : `upload${ext}`);
      await pipeline(stream, createWriteStream(file));
      if (truncated()) {
        await fs.rm(dirOf(id), { recursive: true, force: true });
        throw new UploadTooLargeError(limitBytes);
      }
      const { size } = await fs.stat(file);
      const stored = { id, fileName: path.basename(fileName).slice(0, 200), bytes: size, format, file };
      await fs.writeFile(path.join(dirOf(id), 'upload.json'), JSON.stringify(stored));
      return stored;
    },
    /** Removes uploads older than `maxAgeMs` (their imports are recorded in app.import_run); returns how many. */
    async prune(maxAgeMs: number, now = Date.now()): Promise<number> {
      const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
      let removed = 0;
      for (const e of entries) {
        if (!e.isDirectory() || !/^[0-9a-f-]{36}$/.test(e.name)) continue;
        const { mtimeMs } = await fs.stat(dirOf(e.name));
        if (now - mtimeMs > maxAgeMs) {
          await fs.rm(dirOf(e.name), { recursive: true, force: true });
          removed++;
        }
      }
      return removed;
    },
    /** The upload with this id, or null. */
    async get(id: string): Promise<StoredUpload | null> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return null;
      try {
        return JSON.parse(await fs.readFile(path.join(dirOf(id), 'upload.json'), 'utf8')) as StoredUpload;
      } catch {
        return null;
      }
    },
  };
}
export type UploadStore = ReturnType<typeof uploadStore>;
