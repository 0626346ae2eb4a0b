/**
 * The PMTiles v3 writer read back with the `pmtiles` npm reader: directories (root and leaves),
 * run lengths, shared contents, header fields.
 */
import { Compression, FileSource, PMTiles, TileType } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { buildPmtiles, PmtilesWriteError, type PmtilesTileInput } from '../../tiles/pmtiles-writer.ts';

const INFO = { minzoom: 0, maxzoom: 16, bounds: [118.76, 32.03, 118.8, 32.06] as [number, number, number, number], center: [118.78, 32.045, 14] as [number, number, number], metadata: { name: 't' } };

function reader(archive: Buffer): PMTiles {
  return new PMTiles(new FileSource(new File([new Uint8Array(archive)], 'test.pmtiles')));
}

/** A small seeded PRNG (mulberry32), so the sparse-tile case is the same on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('buildPmtiles', () => {
  it('writes a header the reader understands: zooms, bounds, centre, compression and tile type', async () => {
    const h = await reader(buildPmtiles([{ z: 14, x: 13700, y: 6680, data: Buffer.from('abc') }], { ...INFO, minzoom: 12, maxzoom: 15 })).getHeader();
    expect(h.specVersion).toBe(3);
    expect([h.minZoom, h.maxZoom, h.centerZoom]).toEqual([12, 15, 14]);
    expect([h.minLon, h.minLat, h.maxLon, h.maxLat]).toEqual([118.76, 32.03, 118.8, 32.06]);
    expect([h.centerLon, h.centerLat]).toEqual([118.78, 32.045]);
    expect(h.tileType).toBe(TileType.Mvt);
    expect(h.tileCompression).toBe(Compression.Gzip);
    expect(h.internalCompression).toBe(Compression.Gzip);
    expect(h.clustered).toBe(true);
  });

  it('stores identical neighbouring tiles as one run and repeated contents once', async () => {
    const same = Buffer.from('sea');
    const tiles: PmtilesTileInput[] = [
      { z: 1, x: 0, y: 0, data: same }, { z: 1, x: 0, y: 1, data: same }, { z: 1, x: 1, y: 1, data: same },
      { z: 1, x: 1, y: 0, data: Buffer.from('land') }, { z: 2, x: 0, y: 0, data: same },
    ];
    const p = reader(buildPmtiles(tiles, INFO));
    const h = await p.getHeader();
    expect(h.numAddressedTiles).toBe(5);
    expect(h.numTileEntries).toBe(3);
    expect(h.numTileContents).toBe(2);
    for (const t of tiles) expect(Buffer.from((await p.getZxy(t.z, t.x, t.y))!.data)).toEqual(t.data);
    expect(await p.getZxy(2, 3, 3)).toBeUndefined();
  });

  it('moves entries into leaf directories when the root would pass 16 KiB, and every tile still reads back', async () => {
    const rand = rng(15);
    const byKey = new Map<string, PmtilesTileInput>();
    while (byKey.size < 10_000) {
      const x = Math.floor(rand() * 65536);
      const y = Math.floor(rand() * 65536);
      const data = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)));
      byKey.set(`${x}/${y}`, { z: 16, x, y, data });
    }
    const archive = buildPmtiles(byKey.values(), INFO);
    const p = reader(archive);
    const h = await p.getHeader();
    expect(h.leafDirectoryLength).toBeGreaterThan(0);
    expect(h.rootDirectoryOffset + h.rootDirectoryLength).toBeLessThanOrEqual(16_384);
    expect(h.numTileEntries).toBe(10_000);
    const all = [...byKey.values()];
    for (const t of all.filter((_, i) => i % 97 === 0)) expect(Buffer.from((await p.getZxy(t.z, t.x, t.y))!.data)).toEqual(t.data);
  });

  it('leaves empty tiles out', async () => {
    const h = await reader(buildPmtiles([{ z: 3, x: 1, y: 1, data: Buffer.alloc(0) }, { z: 3, x: 2, y: 1, data: Buffer.from('x') }], INFO)).getHeader();
    expect(h.numAddressedTiles).toBe(1);
  });

  it('refuses a bad zoom range and a tile given twice', () => {
    expect(() => buildPmtiles([], { ...INFO, minzoom: 5, maxzoom: 4 })).toThrow(PmtilesWriteError);
    const t = { z: 3, x: 1, y: 1, data: Buffer.from('x') };
    expect(() => buildPmtiles([t, { ...t, data: Buffer.from('y') }], INFO)).toThrow(/given twice/);
  });
});
