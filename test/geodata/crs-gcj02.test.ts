import { describe, expect, it } from 'vitest';
import { bd09ToGcj02, gcj02ToBd09, gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from '../../geodata/crs/gcj02.ts';
import { geometryToWgs84, parseInputCrs, toWgs84, UnknownCrsError } from '../../geodata/crs/to-wgs84.ts';

/** Metres between two lon/lat points (equirectangular, fine at these distances). */
function metres(a: number[], b: number[]): number {
  const k = (Math.PI / 180) * 6371008.8;
  return Math.hypot((a[0] - b[0]) * k * Math.cos(((a[1] + b[1]) / 2) * (Math.PI / 180)), (a[1] - b[1]) * k);
}

// 新街口 (central Nanjing), WGS-84 as in OpenStreetMap.
const XINJIEKOU: [number, number] = [118.7787, 32.0438];

describe('crs/gcj02', () => {
  it('offsets a Nanjing point by the known GCJ-02 amount (+0.00521° lon, -0.00205° lat, ~540 m)', () => {
    // Reference computed independently (a separate Python transcription of the published formula):
    // WGS-84 (118.7787, 32.0438) → GCJ-02 (118.7839083, 32.0417513).
    const [lon, lat] = wgs84ToGcj02(...XINJIEKOU);
    expect(lon).toBeCloseTo(118.7839083, 6);
    expect(lat).toBeCloseTo(32.0417513, 6);
    expect(lon - XINJIEKOU[0]).toBeCloseTo(0.0052083, 6);
    expect(lat - XINJIEKOU[1]).toBeCloseTo(-0.0020487, 6);
    expect(metres([lon, lat], XINJIEKOU)).toBeGreaterThan(500);
    expect(metres([lon, lat], XINJIEKOU)).toBeLessThan(580);
  });

  it('inverts GCJ-02 to WGS-84 with a round-trip error below 0.5 m (in fact below 1 mm)', () => {
    for (const p of [XINJIEKOU, [118.7923, 32.0463], [116.3975, 39.9087], [121.4737, 31.2304], [113.2644, 23.1291]] as [number, number][]) {
      const back = gcj02ToWgs84(...wgs84ToGcj02(...p));
      expect(metres(back, p)).toBeLessThan(0.5);
      expect(metres(back, p)).toBeLessThan(0.001);
    }
  });

  it('round-trips BD-09 through GCJ-02 to WGS-84 within 0.5 m', () => {
    const bd = gcj02ToBd09(...wgs84ToGcj02(...XINJIEKOU));
    // BD-09 lies another ~0.0065° east and ~0.006° north of GCJ-02.
    expect(bd[0] - XINJIEKOU[0]).toBeGreaterThan(0.01);
    expect(metres(toWgs84(bd[0], bd[1], 'bd09'), XINJIEKOU)).toBeLessThan(0.5);
    const g = wgs84ToGcj02(...XINJIEKOU);
    expect(metres(bd09ToGcj02(...gcj02ToBd09(...g)), g)).toBeLessThan(0.5);
  });

  it('applies no offset outside China', () => {
    expect(outOfChina(9.52, 47.14)).toBe(true); // Vaduz
    expect(wgs84ToGcj02(9.52, 47.14)).toEqual([9.52, 47.14]);
    expect(gcj02ToWgs84(9.52, 47.14)).toEqual([9.52, 47.14]);
  });

  it('treats CGCS2000 as WGS-84 and converts every vertex of a geometry', () => {
    expect(toWgs84(118.78, 32.04, 'cgcs2000')).toEqual([118.78, 32.04]);
    const g = wgs84ToGcj02(...XINJIEKOU);
    const poly = geometryToWgs84({ type: 'MultiPolygon', coordinates: [[[g, [g[0] + 0.001, g[1]], [g[0], g[1] + 0.001], g]]] }, 'gcj02');
    const first = (poly as { coordinates: number[][][][] }).coordinates[0][0][0];
    expect(metres(first, XINJIEKOU)).toBeLessThan(0.01);
    expect((poly as { coordinates: number[][][][] }).coordinates[0][0]).toHaveLength(4);
  });

  it('reads CRS spellings and names the accepted ones for an unknown CRS', () => {
    expect(parseInputCrs('GCJ-02')).toBe('gcj02');
    expect(parseInputCrs('EPSG:4490')).toBe('cgcs2000');
    expect(parseInputCrs('BD09')).toBe('bd09');
    expect(() => parseInputCrs('epsg:3857')).toThrow(UnknownCrsError);
  });
});
