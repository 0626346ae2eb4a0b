/**
 * Geometry checks done before PostGIS sees a row: the type fits the layer, coordinates are
 * finite and in range (with a hint when 经度/纬度 look swapped), rings are closed. Validity
 * (self-intersection) and its repair are checked in SQL (load-ledger.ts).
 */
import type { Geometry } from '../crs/to-wgs84.ts';
import type { ImportIssue } from '../import-run.ts';
import type { LayerSpec } from './layer-spec.ts';

/** MultiPoint with one point → Point; everything else unchanged. */
export function simplifyType(g: Geometry): Geometry {
  if (g.type === 'MultiPoint' && g.coordinates.length === 1) return { type: 'Point', coordinates: g.coordinates[0] };
  return g;
}

const ALLOWED: Record<LayerSpec['geometry'], string[]> = {
  point: ['Point'],
  polygon: ['Polygon', 'MultiPolygon'],
  point_or_polygon: ['Point', 'Polygon', 'MultiPolygon'],
};

function positions(g: Geometry): number[][] {
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(positions);
  const walk = (c: unknown): number[][] => (Array.isArray(c) && typeof c[0] === 'number' ? [c as number[]] : Array.isArray(c) ? c.flatMap(walk) : []);
  return walk(g.coordinates);
}

function rings(g: Geometry): number[][][] {
  if (g.type === 'Polygon') return g.coordinates;
  if (g.type === 'MultiPolygon') return g.coordinates.flat();
  return [];
}

/** Issues for one row's geometry (in its declared input CRS, before conversion). */
export function checkGeometry(g: Geometry, spec: LayerSpec, row: number): ImportIssue[] {
  const err = (message: string): ImportIssue[] => [{ row, field: 'geometry', message, severity: 'error' }];
  const allowed = spec.pointFootprint ? [...ALLOWED[spec.geometry], 'Point'] : ALLOWED[spec.geometry];
  if (!g || typeof g !== 'object' || !allowed.includes(g.type)) {
    return err(`geometry type ${g?.type ?? 'none'} is not accepted for ${spec.label} (应为 ${allowed.join(' / ')})`);
  }
  const pos = positions(g);
  if (pos.length === 0) return err('empty geometry (几何为空)');
  for (const p of pos) {
    if (p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return err('a coordinate is not a number (坐标不是数字)');
    if (Math.abs(p[0]) <= 90 && Math.abs(p[1]) > 90) return err(`longitude/latitude look swapped (经纬度可能填反): ${p[0]}, ${p[1]}`);
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
      return err(`coordinate ${p[0]}, ${p[1]} is not lon/lat in degrees (坐标超出经纬度范围; projected data needs a .prj and SHP/GPKG input)`);
    }
  }
  for (const r of rings(g)) {
    const [a, b] = [r[0], r[r.length - 1]];
    if (r.length < 4 || a[0] !== b[0] || a[1] !== b[1]) return err('polygon ring is not closed or has fewer than 4 positions (多边形未闭合)');
  }
  return [];
}
