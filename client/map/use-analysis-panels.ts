/**
 * Host side of the analysis panels (绿地覆盖, 生活圈): which side-panel tab is active, the panels'
 * deck.gl layers (kept drawn while another tab is open), and map-click routing — only the active
 * panel, and only in one of its click modes, receives map clicks; otherwise clicks pick features.
 * The 更新 panel may ask for a polygon to be drawn on the map (terra-draw in map-view.tsx): while its
 * request is active and its tab open, clicks draw, and each closed or modified polygon comes back.
 */
import type { Layer } from '@deck.gl/core';
import { useCallback, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import type { GreenClickMode, MapClick } from '../panels/green-coverage/green-coverage-panel.tsx';
import type { ClickMode } from '../panels/life-circle/life-circle-panel.tsx';
import type { DiagnosisClickMode } from '../panels/diagnosis/diagnosis-panel.tsx';
import type { RenewalClickMode } from '../panels/renewal/renewal-panel.tsx';
import type { DrawnPolygon, DrawRequest } from './map-view.tsx';

/** A polygon drawn for the 更新 panel, with the request it answers. */
export interface RenewalDrawn { key: number; polygon: DrawnPolygon }

export type SideTabId = 'layers' | 'green' | 'life' | 'diagnosis' | 'renewal' | 'check';

export function useAnalysisPanels() {
  const [tab, setTabState] = useState<SideTabId>('layers');
  // A panel mounts on first opening (the 生活圈 panel computes on mount) and then stays mounted.
  const [opened, setOpened] = useState<ReadonlySet<SideTabId>>(() => new Set(['layers']));
  const [greenLayers, setGreenLayers] = useState<Layer[]>([]);
  const [lifeLayers, setLifeLayers] = useState<Layer[]>([]);
  const [checkLayers, setCheckLayers] = useState<Layer[]>([]);
  const [renewalLayers, setRenewalLayers] = useState<Layer[]>([]);
  const [diagnosisLayers, setDiagnosisLayers] = useState<Layer[]>([]);
  const [greenMode, setGreenMode] = useState<GreenClickMode>('none');
  const [lifeMode, setLifeMode] = useState<ClickMode>('none');
  const [diagnosisMode, setDiagnosisMode] = useState<DiagnosisClickMode>('none');
  const [greenClick, setGreenClick] = useState<MapClick | null>(null);
  const [lifeClick, setLifeClick] = useState<MapClick | null>(null);
  const [diagnosisClick, setDiagnosisClick] = useState<MapClick | null>(null);
  const [renewalMode, setRenewalMode] = useState<RenewalClickMode>('none');
  const [renewalClick, setRenewalClick] = useState<MapClick | null>(null);
  const [renewalDraw, setRenewalDraw] = useState<DrawRequest | null>(null);
  const [renewalDrawn, setRenewalDrawn] = useState<RenewalDrawn | null>(null);
  const drawRenewal = useCallback((req: DrawRequest | null) => { setRenewalDrawn(null); setRenewalDraw(req); }, []);
  const draw = tab === 'renewal' ? renewalDraw : null;
  const onDrawn = useCallback((polygon: DrawnPolygon) => setRenewalDrawn((d) => (renewalDraw ? { key: renewalDraw.key, polygon } : d)), [renewalDraw]);

  const setTab = useCallback((id: SideTabId) => {
    setTabState(id);
    setOpened((s) => (s.has(id) ? s : new Set([...s, id])));
  }, []);
  const extraDeckLayers = useMemo(() => [...renewalLayers, ...diagnosisLayers, ...greenLayers, ...lifeLayers, ...checkLayers], [renewalLayers, diagnosisLayers, greenLayers, lifeLayers, checkLayers]);
  const clickTarget = tab === 'green' && greenMode !== 'none' ? 'green' : tab === 'life' && lifeMode !== 'none' ? 'life'
    : tab === 'diagnosis' && diagnosisMode !== 'none' ? 'diagnosis' : tab === 'renewal' && renewalMode !== 'none' ? 'renewal' : null;

  // flushSync: each click is rendered (and the panel's effect run) before the next one arrives, so
  // quick clicks of a drawing are not merged into one state update.
  const onMapClick = useCallback((lon: number, lat: number) => {
    if (draw) return true; // terra-draw takes the click
    if (!clickTarget) return false;
    const click = { lon, lat, at: performance.now() };
    flushSync(() => (clickTarget === 'green' ? setGreenClick(click) : clickTarget === 'diagnosis' ? setDiagnosisClick(click)
      : clickTarget === 'renewal' ? setRenewalClick(click) : setLifeClick(click)));
    return true;
  }, [clickTarget, draw]);
  const onMapDoubleClick = useCallback((lon: number, lat: number) => {
    if (draw) return true;
    if (clickTarget !== 'green') return clickTarget !== null; // no double-click zoom in a click mode
    flushSync(() => setGreenClick({ lon, lat, at: performance.now(), double: true }));
    return true;
  }, [clickTarget, draw]);

  return {
    tab, setTab, opened, extraDeckLayers, clickMode: clickTarget !== null || draw !== null, onMapClick, onMapDoubleClick, draw, onDrawn,
    green: { lastClick: greenClick, onClickModeChange: setGreenMode, onLayers: setGreenLayers },
    life: { lastClick: lifeClick, onClickModeChange: setLifeMode, onLayers: setLifeLayers },
    check: { onLayers: setCheckLayers },
    renewal: { onLayers: setRenewalLayers, onDraw: drawRenewal, drawn: renewalDrawn, lastClick: renewalClick, onClickModeChange: setRenewalMode },
    diagnosis: { lastClick: diagnosisClick, onClickModeChange: setDiagnosisMode, onLayers: setDiagnosisLayers },
  };
}
