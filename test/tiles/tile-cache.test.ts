import { describe, expect, it } from 'vitest';
import { parseChangeNotice } from '../../tiles/change-notice.ts';
import { TileCache, type CachedTile } from '../../tiles/tile-cache.ts';
import { checkTile, lonLatToTileXY, tileToLonLat } from '../../tiles/tile-math.ts';

const entry = (layers: string[], z: number, x: number, y: number, bytes = 100): CachedTile =>
  ({ key: `${layers.join(',')}/${z}/${x}/${y}|`, layers, tile: { z, x, y }, data: Buffer.alloc(bytes), etag: '"e"' });

const tileOf = (lon: number, lat: number, z: number) => {
  const [x, y] = lonLatToTileXY(lon, lat, z);
  return [z, Math.floor(x), Math.floor(y)] as const;
};

describe('TileCache', () => {
  it('evicts least recently used tiles beyond its byte bound', () => {
    const c = new TileCache(3 * (1000 + 256 + 40));
    for (let i = 0; i < 3; i++) c.set(entry(['roads'], 14, i, 0, 1000));
    c.get('roads/14/0/0|'); // now most recently used
    c.set(entry(['roads'], 14, 3, 0, 1000));
    expect(c.has('roads/14/0/0|')).toBe(true);
    expect(c.has('roads/14/1/0|')).toBe(false);
    expect(c.stats().bytes).toBeLessThanOrEqual(c.maxBytes);
    expect(c.stats().evictions).toBe(1);
  });

  it('drops exactly the tiles of affected layers touching a changed box, at every zoom', () => {
    const c = new TileCache(1e9);
    const box: [number, number, number, number] = [118.78, 32.04, 118.781, 32.041];
    for (const z of [10, 14, 18]) {
      c.set(entry(['green_spaces'], ...tileOf(118.7805, 32.0405, z)));
      c.set(entry(['roads'], ...tileOf(118.7805, 32.0405, z)));
      c.set(entry(['green_spaces'], ...tileOf(118.95, 32.15, z)));
    }
    c.set(entry(['roads', 'green_spaces'], ...tileOf(118.7805, 32.0405, 16)));
    expect(c.invalidate(new Set(['green_spaces']), [box])).toBe(4);
    expect(c.stats().entries).toBe(6);
    for (const z of [10, 14, 18]) {
      expect(c.has(entry(['roads'], ...tileOf(118.7805, 32.0405, z)).key)).toBe(true);
      expect(c.has(entry(['green_spaces'], ...tileOf(118.95, 32.15, z)).key)).toBe(true);
    }
  });

  it('drops a neighbour tile whose buffer reaches the changed box', () => {
    const c = new TileCache(1e9);
    const [w, s, e, n] = tileToLonLat(checkTile(16, 54000, 26000));
    c.set(entry(['green_spaces'], 16, 54001, 26000)); // east neighbour
    c.set(entry(['green_spaces'], 16, 54003, 26000)); // further away
    const eps = (e - w) * 0.001;
    expect(c.invalidate(new Set(['green_spaces']), [[e - eps, s, e - eps / 2, n]])).toBe(1);
    expect(c.has('green_spaces/16/54003/26000|')).toBe(true);
  });

  it('drops every tile of the layers when boxes are null', () => {
    const c = new TileCache(1e9);
    c.set(entry(['green_spaces'], 3, 1, 1));
    c.set(entry(['roads'], 3, 1, 1));
    expect(c.invalidate(new Set(['green_spaces']), null)).toBe(1);
    expect(c.stats().entries).toBe(1);
  });
});

describe('parseChangeNotice', () => {
  it('reads row edits and import runs', () => {
    expect(parseChangeNotice('{"table":"green_space","op":"UPDATE","boxes":[[1,2,3,4],[5,6,7,8]]}')).toEqual({ tables: ['green_space'], boxes: [[1, 2, 3, 4], [5, 6, 7, 8]] });
    expect(parseChangeNotice('{"run":3,"tables":["app.building","estate"],"bbox":null}')).toEqual({ tables: ['building', 'estate'], boxes: null });
    expect(parseChangeNotice('{"run":3,"tables":["building"],"bbox":[1,2,3,4]}')).toEqual({ tables: ['building'], boxes: [[1, 2, 3, 4]] });
    expect(parseChangeNotice('not json')).toBeNull();
  });
});
