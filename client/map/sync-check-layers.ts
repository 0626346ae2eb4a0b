/**
 * Idempotent sync of the MapLibre check layers into a live map: adds missing sources and layers (in
 * z-order, below the label slot) and updates layout/paint of existing ones. Calling it twice with the
 * same input changes nothing.
 */
import type { LayerSpecification, Map as MlMap } from 'maplibre-gl';
import { tileUrl, type CatalogEntry } from '../api/map-api.ts';
import { createMaplibreLayers } from '../layers/create-maplibre-layers.ts';
import { LAYER_DEFS, type LayerSettings } from '../layers/layer-defs.ts';

/** Hidden anchors: check layers go below CHECK_SLOT, deck.gl layers between the slots, labels above. */
export const CHECK_SLOT = 'cc-slot-check';
export const DECK_SLOT = 'cc-slot-deck';

/** Bottom → top drawing order of the MapLibre check layers. */
const Z_ORDER = ['green_spaces', 'parks', 'estates', 'old_estates', 'heritage_districts', 'heritage_zones', 'walk_network', 'buildings', 'renewal_projects', 'heritage_sites', 'industrial_heritage', 'admin_units'];

/** Adds the two slot layers just below the basemap's first symbol layer (once). */
export function ensureSlots(map: MlMap): void {
  if (map.getLayer(DECK_SLOT)) return;
  const firstSymbol = map.getStyle().layers.find((l) => l.type === 'symbol')?.id;
  const slot = (id: string): LayerSpecification => ({ id, type: 'background', layout: { visibility: 'none' }, paint: { 'background-opacity': 0 } });
  map.addLayer(slot(DECK_SLOT), firstSymbol);
  map.addLayer(slot(CHECK_SLOT), DECK_SLOT);
}

export function syncCheckLayers(map: MlMap, catalog: CatalogEntry[], settings: Record<string, LayerSettings>, threeD: boolean): void {
  ensureSlots(map);
  const known = new Map(catalog.map((c) => [c.id, c]));
  const defs = LAYER_DEFS.filter((d) => d.renderer === 'maplibre' && known.has(d.source)).sort((a, b) => Z_ORDER.indexOf(a.id) - Z_ORDER.indexOf(b.id));
  for (const def of defs) {
    const entry = known.get(def.source)!;
    const sourceId = `cc-${def.source}`;
    if (!map.getSource(sourceId)) {
      map.addSource(sourceId, {
        type: 'vector',
        tiles: [tileUrl(def.source)],
        minzoom: entry.minzoom,
        maxzoom: entry.maxzoom,
        ...(entry.attribution ? { attribution: entry.attribution } : {}),
      });
    }
    for (const spec of createMaplibreLayers(def, settings[def.id], threeD)) {
      if (!map.getLayer(spec.id)) {
        map.addLayer(spec, CHECK_SLOT);
        continue;
      }
      const s = spec as { layout?: Record<string, unknown>; paint?: Record<string, unknown> };
      // Keys come from our own specs above, so they are valid property names for this layer type.
      type LayoutKey = Parameters<MlMap['setLayoutProperty']>[1];
      type PaintKey = Parameters<MlMap['setPaintProperty']>[1];
      for (const [k, v] of Object.entries(s.layout ?? {})) {
        if (JSON.stringify(map.getLayoutProperty(spec.id, k as LayoutKey)) !== JSON.stringify(v)) map.setLayoutProperty(spec.id, k as LayoutKey, v as never);
      }
      for (const [k, v] of Object.entries(s.paint ?? {})) {
        if (JSON.stringify(map.getPaintProperty(spec.id, k as PaintKey)) !== JSON.stringify(v)) map.setPaintProperty(spec.id, k as PaintKey, v as never);
      }
    }
  }
}
