/**
 * The map: MapLibre on the offline basemap style with deck.gl mounted through MapLibreOverlay
 * (interleaved, so basemap labels stay above the data). Owns the imperative map; everything it shows
 * comes from props, and every effect is idempotent with cleanup.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import type { Layer } from '@deck.gl/core';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import { TerraDraw, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import 'maplibre-gl/dist/maplibre-gl.css';
import { tileUrl, type Bbox, type CatalogEntry } from '../api/map-api.ts';
import { defIdOfStyleLayer, checkLayerIds } from '../layers/create-maplibre-layers.ts';
import { createPointTileLayer, deckLayerId } from '../layers/create-point-tile-layer.ts';
import { LAYER_DEFS, type LayerSettings } from '../layers/layer-defs.ts';
import { registerPmtilesProtocol } from './pmtiles-source.ts';
import { readiness } from './readiness.ts';
import { DECK_SLOT, syncCheckLayers } from './sync-check-layers.ts';

maplibregl.setWorkerUrl(workerUrl);
// A source `{ type: 'vector', url: 'pmtiles://…' }` (a published check's archive on a CDN) just works.
registerPmtilesProtocol(maplibregl);

const SELECTED_LAYER = 'cc-selected';

export interface SelectedFeature {
  layerId: string;
  id: number | null;
  properties: Record<string, unknown>;
}

export interface ViewState {
  center: [number, number];
  zoom: number;
  bearing: number;
  pitch: number;
}

/** A GeoJSON polygon (lon/lat WGS-84) drawn or modified on the map. */
export interface DrawnPolygon { type: 'Polygon'; coordinates: number[][][] }

/**
 * Drawing on the map (terra-draw): a new `key` starts a fresh drawing — of a new polygon (click the
 * corners, Enter or a click on the first corner closes it) or, with `initial`, of that polygon to
 * modify (drag corners and midpoints). null ends drawing.
 */
export interface DrawRequest { key: number; initial: DrawnPolygon | null }

export interface MapViewProps {
  style: maplibregl.StyleSpecification;
  catalog: CatalogEntry[];
  settings: Record<string, LayerSettings>;
  threeD: boolean;
  initialView: Partial<ViewState>;
  /** Opening extent (lon/lat) when the URL names no view: the city's. */
  initialBounds?: Bbox | null;
  selected: SelectedFeature | null;
  /** Bbox to fit; a new array object triggers a new fit. */
  fitTo: Bbox | null;
  onSelect: (f: SelectedFeature | null) => void;
  onViewChange: (v: ViewState) => void;
  onLoadingChange: (loading: boolean) => void;
  onTileError: (message: string) => void;
  /** Analysis layers (e.g. the 生活圈 panel's), drawn above the check layers; keep the array stable. */
  extraDeckLayers?: Layer[];
  /** Called first on a map click (lon/lat WGS-84); return true to consume it (no feature picking). */
  onMapClick?: (lon: number, lat: number) => boolean;
  /** Called on a double-click (lon/lat WGS-84); return true to consume it (no double-click zoom). */
  onMapDoubleClick?: (lon: number, lat: number) => boolean;
  /** Drawing request (see DrawRequest); while one is active, map clicks draw instead of picking. */
  draw?: DrawRequest | null;
  /** Called with the polygon each time a drawing is closed or a corner is moved. */
  onDrawn?: (polygon: DrawnPolygon) => void;
  /** Per tile layer id, a revision bumped after an edit: a new one makes its deck.gl tiles load again (`?rev=`). */
  tileRevisions?: Record<string, number>;
}

const SELECT_FLAGS = { polygon: { feature: { draggable: true, coordinates: { midpoints: true, draggable: true, deletable: true } } } };

export function MapView(props: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<maplibregl.Map | null>(null);
  const [overlay, setOverlay] = useState<MapLibreOverlay | null>(null);
  const cb = useRef(props);
  cb.current = props;
  const deckLayers = useRef<Layer[]>([]);

  // Create the map and the deck.gl overlay once per style.
  useEffect(() => {
    const r = readiness();
    const m = new maplibregl.Map({
      container: container.current!,
      style: props.style,
      ...(!props.initialView.center && props.initialBounds
        ? { bounds: props.initialBounds, fitBoundsOptions: { padding: 40, maxZoom: 16 } }
        : { center: props.initialView.center ?? (props.style.center as [number, number]) ?? [118.78, 32.043], zoom: props.initialView.zoom ?? props.style.zoom ?? 14 }),
      bearing: props.initialView.bearing ?? 0,
      pitch: props.initialView.pitch ?? 0,
      maxPitch: 70,
      attributionControl: { compact: false },
      canvasContextAttributes: { antialias: true },
    });
    m.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), 'bottom-right');
    m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    const ov = new MapLibreOverlay({
      interleaved: true,
      layers: [],
      onAfterRender: () => {
        r.deckFrames += 1;
        // deck.gl moves layer state onto the newest layer objects, so these report live tile loading.
        r.deckLoaded = deckLayers.current.every((l) => !l.props.visible || l.isLoaded);
      },
      getTooltip: ({ object }: { object?: { properties?: { name?: string; type_name_zh?: string } } }) =>
        object?.properties?.name ? { text: object.properties.name } : null,
    });
    m.addControl(ov);
    r.map = m;
    const onIdle = () => {
      r.mapIdle = true;
      r.idleCount += 1;
      r.firstIdleAt ??= performance.now();
      cb.current.onLoadingChange(false);
    };
    const onLoading = () => {
      r.mapIdle = false;
      cb.current.onLoadingChange(true);
    };
    const onMoveEnd = () => {
      const c = m.getCenter();
      cb.current.onViewChange({ center: [c.lng, c.lat], zoom: m.getZoom(), bearing: m.getBearing(), pitch: m.getPitch() });
    };
    const onError = (e: { error?: { message?: string; status?: number } }) => {
      const msg = e.error?.message ?? 'map error';
      r.errors.push(msg);
      if (/fetch|network|status|Failed/i.test(msg)) cb.current.onTileError(msg);
    };
    m.on('idle', onIdle);
    m.on('dataloading', onLoading);
    m.on('moveend', onMoveEnd);
    m.on('error', onError);
    // Check layers and deck.gl layers go in as soon as the style is there, not after 'load' (which waits
    // for the first complete render, i.e. every basemap tile): the tiles then load in parallel.
    const onStyle = () => setMap(m);
    if (m.isStyleLoaded()) onStyle();
    else m.once('style.load', onStyle);
    setOverlay(ov);
    return () => {
      m.off('idle', onIdle);
      m.off('dataloading', onLoading);
      m.off('moveend', onMoveEnd);
      m.off('error', onError);
      m.off('style.load', onStyle);
      m.removeControl(ov);
      m.remove();
      r.map = null;
      setMap(null);
      setOverlay(null);
    };
    // The map is created once per style; later view changes go through the map itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.style]);

  // MapLibre check layers follow the settings and 3D mode.
  useEffect(() => {
    if (map) syncCheckLayers(map, props.catalog, props.settings, props.threeD);
  }, [map, props.catalog, props.settings, props.threeD]);

  // 3D toggled: tilt on, back to flat when off (bearing kept). The first run keeps the URL's pitch.
  const lastThreeD = useRef<boolean | null>(null);
  useEffect(() => {
    if (!map) return;
    const changed = lastThreeD.current !== null && lastThreeD.current !== props.threeD;
    lastThreeD.current = props.threeD;
    const target = props.threeD ? Math.max(map.getPitch(), 55) : 0;
    if ((changed || (props.threeD && map.getPitch() < 1)) && Math.abs(map.getPitch() - target) > 0.5) map.easeTo({ pitch: target, duration: 500 });
  }, [map, props.threeD]);

  // deck.gl point layers.
  const catalogById = useMemo(() => new Map(props.catalog.map((c) => [c.id, c])), [props.catalog]);
  const selectedId = props.selected?.id ?? null;
  const selectedLayer = props.selected?.layerId;
  useEffect(() => {
    if (!overlay || !map) return;
    const layers = LAYER_DEFS.filter((d) => d.renderer === 'deck' && catalogById.has(d.source)).map((d) => {
      const entry = catalogById.get(d.source)!;
      return createPointTileLayer(d, { tileUrl: props.tileRevisions?.[d.source] ? `${tileUrl(d.source)}?rev=${props.tileRevisions[d.source]}` : tileUrl(d.source), minZoom: entry.minzoom, maxZoom: entry.maxzoom }, props.settings[d.id], selectedLayer === d.id ? selectedId : null, {
        beforeId: DECK_SLOT,
        onTileError: (err) => cb.current.onTileError(String((err as Error)?.message ?? err)),
      });
    });
    const all = [...layers, ...(props.extraDeckLayers ?? []).map((l) => l.clone({ beforeId: DECK_SLOT } as never))];
    deckLayers.current = all;
    // Until the next deck frame says otherwise; with no visible deck layer no deck frame will come.
    readiness().deckLoaded = !all.some((l) => l.props.visible);
    overlay.setProps({ layers: all });
  }, [overlay, map, catalogById, props.settings, selectedId, selectedLayer, props.extraDeckLayers, props.tileRevisions]);

  // Click: deck.gl points first (they are on top), then MapLibre check layers.
  useEffect(() => {
    if (!map || !overlay) return;
    const onClick = (e: maplibregl.MapMouseEvent) => {
      if (cb.current.onMapClick?.(e.lngLat.lng, e.lngLat.lat)) return;
      const picked = overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 4 });
      const deckDef = picked?.layer && LAYER_DEFS.find((d) => picked.layer!.id.startsWith(deckLayerId(d)));
      if (picked?.object && deckDef) {
        const f = picked.object as { id?: number; properties?: Record<string, unknown> };
        return cb.current.onSelect({ layerId: deckDef.id, id: f.id ?? null, properties: f.properties ?? {} });
      }
      const ids = LAYER_DEFS.filter((d) => d.renderer === 'maplibre').flatMap(checkLayerIds).filter((id) => map.getLayer(id));
      const hit = map.queryRenderedFeatures(e.point, { layers: ids })[0];
      const defId = hit && defIdOfStyleLayer(hit.layer.id);
      cb.current.onSelect(defId ? { layerId: defId, id: typeof hit.id === 'number' ? hit.id : null, properties: hit.properties } : null);
    };
    // Pointer cursor over clickable MapLibre features (deck.gl sets its own through getCursor).
    let frame = 0;
    const onMove = (e: maplibregl.MapMouseEvent) => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const ids = LAYER_DEFS.filter((d) => d.renderer === 'maplibre').flatMap(checkLayerIds).filter((id) => map.getLayer(id));
        const over = map.queryRenderedFeatures(e.point, { layers: ids }).length > 0;
        map.getCanvas().style.cursor = over ? 'pointer' : '';
      });
    };
    const onDoubleClick = (e: maplibregl.MapMouseEvent) => {
      if (cb.current.onMapDoubleClick?.(e.lngLat.lng, e.lngLat.lat)) e.preventDefault();
    };
    map.on('click', onClick);
    map.on('dblclick', onDoubleClick);
    map.on('mousemove', onMove);
    return () => {
      cancelAnimationFrame(frame);
      map.off('click', onClick);
      map.off('dblclick', onDoubleClick);
      map.off('mousemove', onMove);
    };
  }, [map, overlay]);

  // Outline the selected MapLibre feature (deck.gl points enlarge themselves through selectedId).
  useEffect(() => {
    const def = selectedLayer ? LAYER_DEFS.find((d) => d.id === selectedLayer) : undefined;
    if (!map || !def || def.renderer !== 'maplibre' || selectedId === null || !map.getSource(`cc-${def.source}`)) return;
    map.addLayer(
      {
        id: SELECTED_LAYER, type: 'line', source: `cc-${def.source}`, 'source-layer': def.source, filter: ['==', ['id'], selectedId],
        paint: { 'line-color': '#ffd400', 'line-width': 3.5 },
      },
      DECK_SLOT,
    );
    return () => {
      // The map may already be removed when the whole view unmounts.
      if (map.style && map.getLayer(SELECTED_LAYER)) map.removeLayer(SELECTED_LAYER);
    };
  }, [map, selectedLayer, selectedId]);

  // Drawing (terra-draw over MapLibre): one polygon per request; once closed it turns editable.
  const draw = props.draw ?? null;
  useEffect(() => {
    if (!map || !draw) return;
    const td = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 7 }),
      modes: [new TerraDrawPolygonMode(), new TerraDrawSelectMode({ flags: SELECT_FLAGS })],
    });
    td.start();
    const emit = () => {
      const f = td.getSnapshot().find((x) => x.geometry.type === 'Polygon');
      if (f) cb.current.onDrawn?.({ type: 'Polygon', coordinates: f.geometry.coordinates as number[][][] });
    };
    td.on('finish', (id, ctx) => {
      emit();
      if (ctx.mode === 'polygon') {
        td.setMode('select');
        td.selectFeature(id);
      }
    });
    if (draw.initial) {
      const [v] = td.addFeatures([{ type: 'Feature', geometry: draw.initial, properties: { mode: 'polygon' } }]);
      td.setMode('select');
      if (v?.valid && v.id !== undefined) td.selectFeature(v.id);
    } else {
      td.setMode('polygon');
    }
    return () => {
      // The map may already be removed when the whole view unmounts.
      if (map.style) td.stop();
    };
  }, [map, draw]);

  // Zoom to a bbox (search hit or admin unit).
  useEffect(() => {
    if (map && props.fitTo) map.fitBounds(props.fitTo, { padding: 60, maxZoom: 17.5, duration: 600 });
  }, [map, props.fitTo]);

  return <div ref={container} className="map-canvas" role="region" aria-label="map" data-testid="map" />;
}
