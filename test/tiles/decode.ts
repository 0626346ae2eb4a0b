/** Decodes an MVT into a readable dump: per layer, features sorted by id with props and geometry type. */
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';

export interface DumpFeature {
  id: number | undefined;
  type: 'Point' | 'LineString' | 'Polygon' | 'Unknown';
  props: Record<string, unknown>;
  /** Bounding box of the geometry in tile units [minX, minY, maxX, maxY]. */
  bbox: [number, number, number, number];
}

const TYPES = ['Unknown', 'Point', 'LineString', 'Polygon'] as const;

export function dumpTile(buf: Buffer): Record<string, DumpFeature[]> {
  // A fresh Uint8Array: pbf 4 reads doubles through a DataView over `.buffer`, which for a pooled
  // Node Buffer (non-zero byteOffset) would read the wrong bytes.
  const tile = new VectorTile(new Pbf(new Uint8Array(buf)));
  const out: Record<string, DumpFeature[]> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const feats: DumpFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const pts = f.loadGeometry().flat();
      const xs = pts.map((p) => p.x);
      const ys = pts.map((p) => p.y);
      feats.push({ id: f.id, type: TYPES[f.type], props: { ...f.properties }, bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] });
    }
    out[name] = feats.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  }
  return out;
}
