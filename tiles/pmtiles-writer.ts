/**
 * A PMTiles v3 archive writer, after the format's spec
 * (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md).
 *
 * Written here because no installed package writes PMTiles: the `pmtiles` npm package (4.x) is a
 * reader only, and the reference writer is Go (go-pmtiles). The layout follows go-pmtiles:
 *
 *   header (127 bytes) | root directory | JSON metadata | leaf directories | tile data
 *
 * Tiles are addressed by Hilbert tile id (`zxyToTileId` of the reader, so both sides agree by
 * construction), sorted by id ("clustered"); identical consecutive tiles share one entry with a
 * run length, identical non-consecutive tiles share their bytes. Directories are varint + delta
 * encoded and gzipped; when the root does not fit the first 16 KiB beside the header it points to
 * leaf directories instead. Tile data is gzipped (the reader and MapLibre's pmtiles protocol
 * decompress it).
 *
 * The whole archive is built in memory: fine for a city (a z10–z16 city export is tens of MiB);
 * a province-wide export would stream tile data to disk (see docs/scale.md).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { zxyToTileId } from 'pmtiles';
import type { LonLatBox } from './tile-math.ts';

/** Header length in bytes (spec v3). */
export const PMTILES_HEADER_BYTES = 127;
/** The header and the root directory together fit in this many bytes (spec v3). */
const ROOT_LIMIT_BYTES = 16_384;

/** Compression codes of the spec (internal and tile compression). */
export const PmtilesCompression = { none: 1, gzip: 2 } as const;
/** Tile type codes of the spec. */
export const PmtilesTileType = { mvt: 1 } as const;

/** One tile to store: its address and its uncompressed bytes (MVT). Empty tiles are skipped. */
export interface PmtilesTileInput {
  z: number;
  x: number;
  y: number;
  data: Uint8Array;
}

/** What the header and the metadata section say about the archive. */
export interface PmtilesArchiveInfo {
  minzoom: number;
  maxzoom: number;
  /** [west, south, east, north], lon/lat WGS-84. */
  bounds: LonLatBox;
  /** lon, lat (WGS-84) and zoom of the initial view. */
  center: [number, number, number];
  /** JSON metadata (TileJSON-like: name, attribution, vector_layers, …). */
  metadata: Record<string, unknown>;
}

/** A directory entry (spec v3): runLength 0 marks a pointer to a leaf directory. */
interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

/** Thrown for inputs the format cannot hold (bad zoom range, a tile given twice). */
export class PmtilesWriteError extends Error {
  readonly code = 'PMTILES_WRITE_ERROR';
}

/** Appends an unsigned LEB128 varint; exact up to 2^53 (tile ids reach 2^50 at z25). */
function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Serialises a directory: count, then delta tile ids, run lengths, lengths, offsets (0 = contiguous). */
export function serializeDirectory(entries: readonly Entry[]): Buffer {
  const out: number[] = [];
  writeVarint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    writeVarint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) writeVarint(out, e.runLength);
  for (const e of entries) writeVarint(out, e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    writeVarint(out, prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1);
  });
  return Buffer.from(out);
}

/** The root directory and the leaf directories (concatenated), both gzipped. */
function buildDirectories(entries: Entry[]): { root: Buffer; leaves: Buffer } {
  const root = gzipSync(serializeDirectory(entries));
  if (root.length <= ROOT_LIMIT_BYTES - PMTILES_HEADER_BYTES) return { root, leaves: Buffer.alloc(0) };
  // Too many entries for the root: split them into leaves, growing the leaf until the root fits.
  for (let leafSize = 4096; ; leafSize *= 2) {
    const rootEntries: Entry[] = [];
    const parts: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < entries.length; i += leafSize) {
      const leaf = gzipSync(serializeDirectory(entries.slice(i, i + leafSize)));
      rootEntries.push({ tileId: entries[i]!.tileId, offset, length: leaf.length, runLength: 0 });
      parts.push(leaf);
      offset += leaf.length;
    }
    const r = gzipSync(serializeDirectory(rootEntries));
    if (r.length <= ROOT_LIMIT_BYTES - PMTILES_HEADER_BYTES) return { root: r, leaves: Buffer.concat(parts) };
  }
}

const e7 = (deg: number) => Math.round(deg * 1e7);

/**
 * Builds a PMTiles v3 archive from tiles in any order.
 * @example buildPmtiles([{ z: 14, x: 13700, y: 6680, data: mvt }], { minzoom: 14, maxzoom: 14,
 *   bounds: [118.76, 32.03, 118.80, 32.06], center: [118.78, 32.04, 14], metadata: { name: 'x' } })
 */
export function buildPmtiles(tiles: Iterable<PmtilesTileInput>, info: PmtilesArchiveInfo): Buffer {
  if (!(Number.isInteger(info.minzoom) && Number.isInteger(info.maxzoom) && info.minzoom >= 0 && info.minzoom <= info.maxzoom && info.maxzoom <= 25)) {
    throw new PmtilesWriteError(`zoom range must be integers 0 ≤ minzoom ≤ maxzoom ≤ 25, got ${info.minzoom}–${info.maxzoom}`);
  }
  const sorted = [...tiles]
    .filter((t) => t.data.length > 0)
    .map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), data: t.data }))
    .sort((a, b) => a.id - b.id);

  const entries: Entry[] = [];
  const stored = new Map<string, { offset: number; length: number }>();
  const chunks: Buffer[] = [];
  let dataBytes = 0;
  let lastHash = '';
  for (const t of sorted) {
    const hash = createHash('sha256').update(t.data).digest('hex');
    const prev = entries.at(-1);
    if (prev && prev.tileId + prev.runLength > t.id) throw new PmtilesWriteError(`tile id ${t.id} given twice`);
    if (prev && hash === lastHash && prev.tileId + prev.runLength === t.id) {
      prev.runLength++;
      continue;
    }
    let at = stored.get(hash);
    if (!at) {
      const gz = gzipSync(t.data);
      at = { offset: dataBytes, length: gz.length };
      stored.set(hash, at);
      chunks.push(gz);
      dataBytes += gz.length;
    }
    entries.push({ tileId: t.id, offset: at.offset, length: at.length, runLength: 1 });
    lastHash = hash;
  }

  const { root, leaves } = buildDirectories(entries);
  const metadata = gzipSync(Buffer.from(JSON.stringify(info.metadata), 'utf8'));
  const rootOffset = PMTILES_HEADER_BYTES;
  const metadataOffset = rootOffset + root.length;
  const leavesOffset = metadataOffset + metadata.length;
  const dataOffset = leavesOffset + leaves.length;

  const header = Buffer.alloc(PMTILES_HEADER_BYTES);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const u64 = (pos: number, v: number) => header.writeBigUInt64LE(BigInt(v), pos);
  u64(8, rootOffset); u64(16, root.length);
  u64(24, metadataOffset); u64(32, metadata.length);
  u64(40, leavesOffset); u64(48, leaves.length);
  u64(56, dataOffset); u64(64, dataBytes);
  u64(72, entries.reduce((n, e) => n + e.runLength, 0)); // addressed tiles
  u64(80, entries.length); // tile entries
  u64(88, stored.size); // tile contents
  header.writeUInt8(1, 96); // clustered: tile data in tile-id order
  header.writeUInt8(PmtilesCompression.gzip, 97); // internal compression
  header.writeUInt8(PmtilesCompression.gzip, 98); // tile compression
  header.writeUInt8(PmtilesTileType.mvt, 99);
  header.writeUInt8(info.minzoom, 100);
  header.writeUInt8(info.maxzoom, 101);
  const [w, s, e, n] = info.bounds;
  header.writeInt32LE(e7(w), 102); header.writeInt32LE(e7(s), 106);
  header.writeInt32LE(e7(e), 110); header.writeInt32LE(e7(n), 114);
  header.writeUInt8(Math.max(info.minzoom, Math.min(info.maxzoom, Math.round(info.center[2]))), 118);
  header.writeInt32LE(e7(info.center[0]), 119); header.writeInt32LE(e7(info.center[1]), 123);

  return Buffer.concat([header, root, metadata, leaves, ...chunks]);
}
