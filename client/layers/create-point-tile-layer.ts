/**
 * Pure deck.gl factory for point check layers (waterlogging, facilities): an MVTLayer over the tile
 * server's layer, coloured by the chosen style option. Stable id `cc-deck-<layer>`; `visible` rather than
 * removal; colour inputs in updateTriggers.
 */
import { MVTLayer } from '@deck.gl/geo-layers';
import { MVTLoader } from '@loaders.gl/mvt';
import { colorOf, hexToRgba } from './color-scale.ts';
import { styleOf, type LayerDef, type LayerSettings } from './layer-defs.ts';

export interface PointTileData {
  /** Absolute tile URL template with {z}/{x}/{y}. */
  tileUrl: string;
  minZoom: number;
  maxZoom: number;
}

export interface PointTileContext {
  /** MapLibre layer id to draw below (interleaved: labels stay above the data). */
  beforeId?: string;
  onTileError?: (err: unknown) => void;
}

export const deckLayerId = (def: LayerDef) => `cc-deck-${def.id}`;

export function createPointTileLayer(def: LayerDef, data: PointTileData, settings: LayerSettings, selectedId: number | null, ctx: PointTileContext = {}) {
  const style = styleOf(def, settings);
  const radius = def.id === 'waterlogging' ? 8 : 5;
  return new MVTLayer({
    id: deckLayerId(def),
    data: data.tileUrl,
    minZoom: data.minZoom,
    maxZoom: data.maxZoom,
    binary: false,
    visible: settings.visible,
    opacity: settings.opacity,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 0, 200],
    pointType: 'circle',
    pointRadiusUnits: 'pixels',
    getPointRadius: (f: { id?: number }) => (f.id === selectedId ? radius + 4 : radius),
    getFillColor: (f: { properties?: Record<string, unknown> }) => hexToRgba(colorOf(style, f.properties)),
    getLineColor: [255, 255, 255, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: 1.5,
    stroked: true,
    updateTriggers: { getFillColor: [style.id], getPointRadius: [selectedId] },
    // Parse on the main thread with the bundled loader: loaders.gl's worker is fetched from unpkg.com,
    // and CityCheck runs offline.
    loaders: [MVTLoader],
    loadOptions: { worker: false, fetch: { headers: { accept: 'application/vnd.mapbox-vector-tile' } } },
    onTileError: (err: unknown) => ctx.onTileError?.(err),
    ...(ctx.beforeId ? { beforeId: ctx.beforeId } : {}),
  } as never);
}
