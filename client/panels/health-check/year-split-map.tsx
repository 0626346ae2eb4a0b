/**
 * Year comparison as a split map (卷帘对比): two MapLibre maps of the offline basemap
 * (/styles/basemap.json), one per check year, kept in sync and clipped on either side of a slider by
 * @maplibre/maplibre-gl-compare. Both sides colour the same indicator over the same units with the
 * same class breaks (computed over both years' values), so one legend reads both; each side is
 * labelled with its year, the earlier year on the left.
 *
 * Its own maps, not the one map: the host's deck.gl layers stay as they are. The maplibre worker URL
 * is set by the map page (client/map/map-view.tsx), which hosts this panel. Readiness for end-to-end
 * tests is published on `window.__citycheckSplit` (both maps idle, their data drawn).
 */
import Compare from '@maplibre/maplibre-gl-compare';
import '@maplibre/maplibre-gl-compare/style.css';
import { bbox } from '@turf/bbox';
import * as maplibregl from 'maplibre-gl';
import { useEffect, useMemo, useRef, useState } from 'react';
import { fetchBasemapStyle } from '../../api/map-api.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { fetchValueFeatures, type Indicator, type UnitLevel, type ValueFeatureCollection } from './check-api.ts';
import { CheckLegend } from './check-legend.tsx';
import { classesOf, colorOfValue, drawable, type ChoroplethClasses } from './create-check-layers.ts';

export interface SplitSide {
  cycleId: number;
  year: number;
}

export interface YearSplitMapProps {
  indicator: Indicator;
  /** The indicator's name in the current language. */
  name: string;
  level: UnitLevel;
  /** The two cycles compared, in any order: the earlier year is drawn on the left. */
  a: SplitSide;
  b: SplitSide;
}

interface SplitReadiness {
  /** Years on the left and right. */
  years: [number, number];
  maps: [maplibregl.Map, maplibregl.Map];
  /** Both maps have their data source and went idle after it was set. */
  ready: boolean;
}

declare global {
  interface Window {
    __citycheckSplit?: SplitReadiness;
  }
}

const SOURCE = 'ck-split-values';
const css = (c: number[]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3] / 255).toFixed(2)})`;

/** The features with their fill colour from the shared classes (a pure function of its inputs). */
export function colouredFeatures(fc: ValueFeatureCollection | null, classes: ChoroplethClasses | null): GeoJSON.FeatureCollection {
  const drawn = drawable(fc);
  return {
    type: 'FeatureCollection',
    features: drawn.features.map((f) => ({ ...f, properties: { ...f.properties, fill: css(colorOfValue(f.properties?.value as number | null, classes)) } })),
  };
}

export function YearSplitMap({ indicator, name, level, a, b }: YearSplitMapProps) {
  const { t } = useI18n();
  const [left, right] = a.year <= b.year ? [a, b] : [b, a];
  const wrap = useRef<HTMLDivElement>(null);
  const leftEl = useRef<HTMLDivElement>(null);
  const rightEl = useRef<HTMLDivElement>(null);
  const [style, setStyle] = useState<maplibregl.StyleSpecification | null>(null);
  const [maps, setMaps] = useState<[maplibregl.Map, maplibregl.Map] | null>(null);
  const [data, setData] = useState<[ValueFeatureCollection, ValueFeatureCollection] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ac = new AbortController();
    fetchBasemapStyle(ac.signal).then(setStyle).catch((e) => { if ((e as Error).name !== 'AbortError') setError((e as Error).message); });
    return () => ac.abort();
  }, []);

  useEffect(() => {
    const ac = new AbortController();
    setData(null);
    Promise.all([left, right].map((s) => fetchValueFeatures(s.cycleId, { unitKind: level, indicator: indicator.code }, ac.signal)))
      .then(([l, r]) => setData([l, r]))
      .catch((e) => { if ((e as Error).name !== 'AbortError') setError((e as Error).message); });
    return () => ac.abort();
  }, [left.cycleId, right.cycleId, level, indicator.code]);

  // the two maps and the slider, once per basemap style
  useEffect(() => {
    if (!style || !wrap.current || !leftEl.current || !rightEl.current) return;
    const opts = (container: HTMLElement): maplibregl.MapOptions => ({
      container, style, center: (style.center as [number, number]) ?? [118.78, 32.043], zoom: style.zoom ?? 13,
      attributionControl: { compact: false }, dragRotate: false, pitchWithRotate: false,
    });
    const l = new maplibregl.Map(opts(leftEl.current));
    const r = new maplibregl.Map(opts(rightEl.current));
    r.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    const compare = new Compare(l, r, wrap.current, { orientation: 'vertical' });
    let loaded = 0;
    const onLoad = () => { if (++loaded === 2) setMaps([l, r]); };
    l.once('load', onLoad);
    r.once('load', onLoad);
    return () => {
      compare.remove();
      l.remove();
      r.remove();
      setMaps(null);
      if (window.__citycheckSplit?.maps[0] === l) delete window.__citycheckSplit;
    };
  }, [style]);

  // one set of class breaks over both years, so that a colour means the same value on either side
  const classes = useMemo(
    () => (data ? classesOf([...data[0].features, ...data[1].features].map((f) => f.properties.value), indicator.direction === 'benefit') : null),
    [data, indicator.direction],
  );

  useEffect(() => {
    if (!maps || !data) return;
    const fcs = data.map((d) => colouredFeatures(d, classes));
    const ready: SplitReadiness = { years: [left.year, right.year], maps, ready: false };
    window.__citycheckSplit = ready;
    let idle = 0;
    maps.forEach((m, i) => {
      const src = m.getSource(SOURCE) as maplibregl.GeoJSONSource | undefined;
      if (src) src.setData(fcs[i]);
      else {
        m.addSource(SOURCE, { type: 'geojson', data: fcs[i] });
        m.addLayer({ id: 'ck-split-fill', type: 'fill', source: SOURCE, paint: { 'fill-color': ['get', 'fill'], 'fill-outline-color': '#555' } });
        m.addLayer({ id: 'ck-split-line', type: 'line', source: SOURCE, paint: { 'line-color': '#444', 'line-width': 1 } });
      }
      m.once('idle', () => { if (++idle === 2) ready.ready = true; });
      m.triggerRepaint();
    });
    const all = { type: 'FeatureCollection' as const, features: [...fcs[0].features, ...fcs[1].features] };
    if (all.features.length > 0) {
      const [x0, y0, x1, y1] = bbox(all);
      maps[1].fitBounds([x0, y0, x1, y1], { padding: 24, animate: false });
    }
  }, [maps, data, classes, left.year, right.year]);

  return (
    <div data-testid="ck-split" data-years={`${left.year},${right.year}`}>
      <div ref={wrap} className="ck-split-wrap" style={{ position: 'relative', height: 320, overflow: 'hidden', border: '1px solid #bbb' }}>
        <div ref={leftEl} data-testid="ck-split-left" style={{ position: 'absolute', inset: 0 }} />
        <div ref={rightEl} data-testid="ck-split-right" style={{ position: 'absolute', inset: 0 }} />
        <span data-testid="ck-split-label-left" className="ck-split-label" style={{ position: 'absolute', top: 6, left: 6, zIndex: 2, background: 'rgba(255,255,255,0.9)', padding: '1px 6px', fontWeight: 600 }}>
          {t('ck.split.year', { year: left.year })}
        </span>
        <span data-testid="ck-split-label-right" className="ck-split-label" style={{ position: 'absolute', top: 6, right: 40, zIndex: 2, background: 'rgba(255,255,255,0.9)', padding: '1px 6px', fontWeight: 600 }}>
          {t('ck.split.year', { year: right.year })}
        </span>
      </div>
      {error && <p role="alert" className="gc-error">{t('ck.error')}{error}</p>}
      <p className="small muted">{t('ck.split.hint')}</p>
      <CheckLegend title={`${name} · ${left.year} | ${right.year}`} unit={indicator.unit} classes={classes} testId="ck-split-legend" />
    </div>
  );
}
