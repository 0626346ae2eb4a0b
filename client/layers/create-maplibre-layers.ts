/**
 * Pure factory: one check layer's definition + settings → the MapLibre style layers that draw it.
 * Ids are stable (`cc-<layer>-<part>`), so syncing replaces paint/layout in place.
 */
import type { LayerSpecification } from 'maplibre-gl';
import { maplibreColor } from './color-scale.ts';
import { styleOf, type LayerDef, type LayerSettings } from './layer-defs.ts';

/** Height of a building in 3D: the tile's render_height (height_m, else levels × 3 m, else 9 m server-side). */
const EXTRUSION_HEIGHT = ['coalesce', ['get', 'render_height'], ['*', ['coalesce', ['get', 'levels'], 3], 3]];

/** Outlines stay readable under a faint fill (e.g. historic districts at 15 %), and vanish at 0. */
const outlineOpacity = (o: number) => (o === 0 ? 0 : Math.min(1, Math.max(o + 0.2, 0.8)));

export const checkLayerIds = (def: LayerDef): string[] => {
  switch (def.geometry) {
    case 'polygon':
      return def.id === 'buildings' ? [`cc-${def.id}-fill`, `cc-${def.id}-line`, `cc-${def.id}-3d`] : [`cc-${def.id}-fill`, `cc-${def.id}-line`];
    case 'line':
      return [`cc-${def.id}-line`];
    case 'mixed':
      return [`cc-${def.id}-fill`, `cc-${def.id}-circle`];
    case 'point':
      return [`cc-${def.id}-circle`];
  }
};

/** The check layer a MapLibre style layer id belongs to. */
export const defIdOfStyleLayer = (styleLayerId: string): string | undefined => /^cc-(.+)-(fill|line|3d|circle)$/.exec(styleLayerId)?.[1];

export function createMaplibreLayers(def: LayerDef, settings: LayerSettings, threeD: boolean): LayerSpecification[] {
  const color = maplibreColor(styleOf(def, settings)) as string;
  const base = { source: `cc-${def.source}`, 'source-layer': def.source };
  const visible = (on: boolean) => ({ visibility: settings.visible && on ? 'visible' : 'none' }) as const;
  const withFilter = (extra?: unknown[]) => {
    const parts = [def.filter, extra].filter(Boolean) as unknown[][];
    return parts.length === 0 ? {} : { filter: (parts.length === 1 ? parts[0] : ['all', ...parts]) as never };
  };
  const o = settings.opacity;
  const isBuildings = def.id === 'buildings';
  switch (def.geometry) {
    case 'polygon':
      return [
        { id: `cc-${def.id}-fill`, type: 'fill', ...base, ...withFilter(), layout: visible(!(isBuildings && threeD)), paint: { 'fill-color': color, 'fill-opacity': o } },
        {
          id: `cc-${def.id}-line`, type: 'line', ...base, ...withFilter(), layout: visible(!(isBuildings && threeD)),
          paint: { 'line-color': isBuildings ? '#6a6690' : color, 'line-width': isBuildings ? 0.6 : 1.5, 'line-opacity': outlineOpacity(o) },
        },
        ...(isBuildings
          ? [{
              id: `cc-${def.id}-3d`, type: 'fill-extrusion', ...base, ...withFilter(), layout: visible(threeD),
              paint: { 'fill-extrusion-color': color, 'fill-extrusion-opacity': o, 'fill-extrusion-height': EXTRUSION_HEIGHT, 'fill-extrusion-base': 0 },
            } as LayerSpecification]
          : []),
      ] as LayerSpecification[];
    case 'line': {
      const width = def.id === 'admin_units'
        ? ['match', ['get', 'level'], 'city', 3, 'district', 2.5, 'subdistrict', 1.6, 1]
        : ['interpolate', ['linear'], ['zoom'], 13, 0.8, 17, 2.5];
      return [{
        id: `cc-${def.id}-line`, type: 'line', ...base, ...withFilter(), layout: visible(true),
        paint: { 'line-color': color, 'line-width': width as never, 'line-opacity': o, ...(def.id === 'admin_units' ? { 'line-dasharray': [4, 2] } : {}) },
      } as LayerSpecification];
    }
    case 'mixed':
    case 'point':
      return [
        ...(def.geometry === 'mixed'
          ? [{ id: `cc-${def.id}-fill`, type: 'fill', ...base, ...withFilter(['==', ['geometry-type'], 'Polygon']), layout: visible(true), paint: { 'fill-color': color, 'fill-opacity': o, 'fill-outline-color': '#3f2a14' } } as LayerSpecification]
          : []),
        {
          id: `cc-${def.id}-circle`, type: 'circle', ...base, ...withFilter(['==', ['geometry-type'], 'Point']), layout: visible(true),
          paint: { 'circle-color': color, 'circle-opacity': o, 'circle-radius': 5, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.2 },
        } as LayerSpecification,
      ];
  }
}
