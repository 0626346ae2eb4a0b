/**
 * The client's PMTiles source (client/map/pmtiles-source.ts): the `pmtiles://` action it registers
 * with maplibre answers a source's TileJSON and its tiles from an archive written by the exporter.
 */
import * as maplibregl from 'maplibre-gl';
import type { AddProtocolAction } from 'maplibre-gl';
import { FileSource, PMTiles } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { isPmtilesUrl, pmtilesSource, registerPmtilesProtocol, type ProtocolRegistry } from '../../client/map/pmtiles-source.ts';
import { buildPmtiles } from '../../tiles/pmtiles-writer.ts';

/** A protocol registry that keeps what is registered, so the test can call it as maplibre would. */
function registry() {
  const actions = new Map<string, AddProtocolAction>();
  const r: ProtocolRegistry & { actions: typeof actions } = { actions, addProtocol: (name, action) => void actions.set(name, action) };
  return r;
}

const TILE = Buffer.from('an mvt tile');
const ARCHIVE = buildPmtiles([{ z: 14, x: 13703, y: 6671, data: TILE }], {
  minzoom: 12, maxzoom: 14, bounds: [118.76, 32.03, 118.8, 32.06], center: [118.78, 32.045, 14],
  metadata: { name: 'nanjing', attribution: '© OpenStreetMap contributors', vector_layers: [{ id: 'buildings', fields: {} }] },
});

describe('pmtiles-source', () => {
  it('registers pmtiles:// once per maplibre module', () => {
    const r = registry();
    const a = registerPmtilesProtocol(r);
    expect(registerPmtilesProtocol(r)).toBe(a);
    expect([...r.actions.keys()]).toEqual(['pmtiles']);
    expect(() => registerPmtilesProtocol(maplibregl)).not.toThrow();
  });

  it('answers the source’s TileJSON and its tiles from the archive', async () => {
    const r = registry();
    const protocol = registerPmtilesProtocol(r);
    protocol.add(new PMTiles(new FileSource(new File([new Uint8Array(ARCHIVE)], 'nanjing.pmtiles'))));
    const action = r.actions.get('pmtiles')!;
    const tj = (await action({ url: 'pmtiles://nanjing.pmtiles', type: 'json' }, new AbortController())).data as Record<string, unknown>;
    expect(tj).toMatchObject({ minzoom: 12, maxzoom: 14, attribution: '© OpenStreetMap contributors', tiles: ['pmtiles://nanjing.pmtiles/{z}/{x}/{y}.mvt'] });
    expect((tj.vector_layers as { id: string }[]).map((l) => l.id)).toEqual(['buildings']);
    const tile = await action({ url: 'pmtiles://nanjing.pmtiles/14/13703/6671.mvt', type: 'arrayBuffer' }, new AbortController());
    expect(Buffer.from(tile.data as Uint8Array)).toEqual(TILE);
    const missing = await action({ url: 'pmtiles://nanjing.pmtiles/14/13703/6672.mvt', type: 'arrayBuffer' }, new AbortController());
    expect((missing.data as Uint8Array).byteLength).toBe(0);
  });

  it('turns an archive URL into a vector source, relative URLs against the page', () => {
    expect(pmtilesSource('https://cdn.example.cn/nanjing-2026.pmtiles')).toEqual({ type: 'vector', url: 'pmtiles://https://cdn.example.cn/nanjing-2026.pmtiles' });
    expect(pmtilesSource('/static/nanjing.pmtiles', 'http://127.0.0.1:8080/map')).toEqual({ type: 'vector', url: 'pmtiles://http://127.0.0.1:8080/static/nanjing.pmtiles' });
    expect(pmtilesSource('pmtiles://https://x/a.pmtiles').url).toBe('pmtiles://https://x/a.pmtiles');
    expect(isPmtilesUrl('https://cdn.example.cn/a.pmtiles?v=2')).toBe(true);
    expect(isPmtilesUrl('/tiles/buildings.json')).toBe(false);
  });
});
