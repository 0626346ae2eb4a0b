/**
 * 生活圈 panel: facility-type picker, tier filter, walking speed, area summary with the most-missing
 * types, checklist table per estate, shortfall map per type, click isochrone, what-if placement,
 * exports (CSV per estate, shortfall GeoJSON). Self-contained: the host passes map clicks in and
 * receives deck.gl layers out (see README.md in this folder).
 */
import type { Layer } from '@deck.gl/core';
import { useEffect, useMemo, useState } from 'react';
import { createIsochroneLayer, createShortfallLayer, createWhatIfLayer } from './create-life-circle-layers.ts';
import {
  csvUrl, fetchIsochrone, fetchLifeCircle, fetchShortfall, postWhatIf, shortfallUrl,
  type LifeCircleReport, type WhatIfResult,
} from './life-circle-api.ts';

export type ClickMode = 'none' | 'isochrone' | 'what-if';

export interface LifeCirclePanelProps {
  lang: 'zh' | 'en';
  /** The latest map click (lon/lat, WGS-84) while clickMode ≠ 'none'; `at` makes repeats distinct. */
  lastClick: { lon: number; lat: number; at: number } | null;
  onClickModeChange: (mode: ClickMode) => void;
  /** The panel's deck.gl layers, to append to the host's MapLibreOverlay. */
  onLayers: (layers: Layer[]) => void;
}

const TIERS = ['5min', '10min', '15min', 'block'];
const T = {
  zh: { title: '生活圈', tier: '层级', speed: '步行速度 (米/分)', run: '计算', types: '设施类型', area: '范围', share: '达标率', missing: '最常缺失', estate: '小区', score: '完整社区', csv: '导出 CSV', geojson: '导出缺口 GeoJSON', shortfall: '缺口地图', iso: '点击生成等时圈', whatIf: '假设新增设施', covered: '新增覆盖', none: '无', loading: '计算中…', unnamed: '未命名小区', minutes: '分钟', noClick: '不响应地图点击' },
  en: { title: 'Life circles', tier: 'Tier', speed: 'Walking speed (m/min)', run: 'Compute', types: 'Facility types', area: 'Area', share: 'Within standard', missing: 'Most missing', estate: 'Estate', score: 'Complete community', csv: 'Export CSV', geojson: 'Export shortfall GeoJSON', shortfall: 'Shortfall map', iso: 'Click for isochrone', whatIf: 'What-if: place facility', covered: 'Newly covered', none: 'none', loading: 'Computing…', unnamed: 'Unnamed estate', minutes: 'min', noClick: 'Map clicks off' },
};

export function LifeCirclePanel({ lang, lastClick, onClickModeChange, onLayers }: LifeCirclePanelProps) {
  const t = T[lang];
  const [tiers, setTiers] = useState<string[]>([]);
  const [types, setTypes] = useState<string[]>([]);
  const [speed, setSpeed] = useState(80);
  const [report, setReport] = useState<LifeCircleReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [shortfallType, setShortfallType] = useState<string | null>(null);
  const [shortfall, setShortfall] = useState<GeoJSON.FeatureCollection | null>(null);
  const [mode, setMode] = useState<ClickMode>('none');
  const [iso, setIso] = useState<GeoJSON.FeatureCollection | null>(null);
  const [whatIfType, setWhatIfType] = useState('kindergarten');
  const [whatIf, setWhatIf] = useState<(WhatIfResult & { lon: number; lat: number }) | null>(null);
  const query = useMemo(() => ({ types, tiers, speed }), [types, tiers, speed]);

  const run = () => {
    setBusy(true);
    setError(null);
    fetchLifeCircle(query).then(setReport, (e: Error) => setError(e.message)).finally(() => setBusy(false));
  };
  useEffect(run, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!shortfallType) return setShortfall(null);
    const ac = new AbortController();
    fetchShortfall(shortfallType, speed, ac.signal).then(setShortfall, (e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ac.abort();
  }, [shortfallType, speed]);

  useEffect(() => {
    if (!lastClick || mode === 'none') return;
    if (mode === 'isochrone') fetchIsochrone(lastClick.lon, lastClick.lat, speed).then(setIso, (e: Error) => setError(e.message));
    else postWhatIf(whatIfType, lastClick.lon, lastClick.lat, speed).then((r) => setWhatIf({ ...r, lon: lastClick.lon, lat: lastClick.lat }), (e: Error) => setError(e.message));
  }, [lastClick]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => onClickModeChange(mode), [mode, onClickModeChange]);
  useEffect(() => {
    onLayers([
      createShortfallLayer(shortfall, { visible: !!shortfallType }),
      createIsochroneLayer(iso, { visible: true }),
      createWhatIfLayer(whatIf, { visible: true }),
    ]);
  }, [shortfall, shortfallType, iso, whatIf, onLayers]);

  const name = (code: string) => {
    const c = report?.catalog.find((x) => x.code === code);
    return c ? (lang === 'zh' ? c.nameZh : c.nameEn) : code;
  };
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);
  const areas = report?.summary.filter((a) => a.level !== 'subdistrict') ?? [];

  return (
    <section className="life-circle-panel" aria-label={t.title}>
      <h2>{t.title}</h2>
      <fieldset>
        <legend>{t.tier}</legend>
        {TIERS.map((x) => (
          <label key={x}><input type="checkbox" checked={tiers.includes(x)} onChange={() => setTiers(toggle(tiers, x))} /> {x}</label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t.types}</legend>
        {(report?.catalog ?? []).map((c) => (
          <label key={c.code} title={`${c.standardDistanceM} m · ${c.confidence}`}>
            <input type="checkbox" checked={types.includes(c.code)} onChange={() => setTypes(toggle(types, c.code))} /> {name(c.code)}
          </label>
        ))}
      </fieldset>
      <label>{t.speed} <input type="number" min={10} max={300} value={speed} onChange={(e) => setSpeed(Number(e.target.value) || 80)} /></label>
      <button onClick={run} disabled={busy}>{busy ? t.loading : t.run}</button>
      {error && <p role="alert">{error}</p>}

      {report && (
        <>
          <table>
            <thead><tr><th>{t.area}</th><th>{t.share}</th><th>{t.missing}</th></tr></thead>
            <tbody>
              {areas.map((a) => (
                <tr key={`${a.level}:${a.id}`}>
                  <td>{a.name} ({a.estates})</td>
                  <td>{a.byType.map((s) => `${name(s.type)} ${pct(s.share)}`).join(' · ')}</td>
                  <td>{a.mostMissing.slice(0, 3).map((m) => `${name(m.type)} ${m.estatesMissing}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href={csvUrl(query)} download>{t.csv}</a>
            {shortfallType && <> · <a href={shortfallUrl(shortfallType, speed)} download={`shortfall-${shortfallType}.geojson`}>{t.geojson}</a></>}
          </p>
          <label>{t.shortfall}{' '}
            <select value={shortfallType ?? ''} onChange={(e) => setShortfallType(e.target.value || null)}>
              <option value="">—</option>
              {report.catalog.map((c) => <option key={c.code} value={c.code}>{name(c.code)}</option>)}
            </select>
          </label>
          <div className="life-circle-table">
            <table>
              <thead><tr><th>{t.estate}</th>{report.catalog.map((c) => <th key={c.code}>{name(c.code)}</th>)}<th>{t.score}</th></tr></thead>
              <tbody>
                {report.estates.slice(0, 200).map((e) => (
                  <tr key={e.id}>
                    <td>{e.name ?? `${t.unnamed} #${e.id}`}</td>
                    {e.checklist.map((c) => (
                      <td key={c.type} className={`lc-${c.status}`} title={c.note ?? ''}>
                        {c.distanceM === null ? t.none : `${Math.round(c.distanceM)} m`}
                      </td>
                    ))}
                    <td title={e.completeCommunity.missing.map(name).join(', ')}>{e.completeCommunity.present}/{e.completeCommunity.required}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      <fieldset>
        <label><input type="radio" checked={mode === 'isochrone'} onChange={() => setMode('isochrone')} /> {t.iso}</label>
        <label><input type="radio" checked={mode === 'what-if'} onChange={() => setMode('what-if')} /> {t.whatIf}</label>
        <label><input type="radio" checked={mode === 'none'} onChange={() => setMode('none')} /> {t.noClick}</label>
        {mode === 'what-if' && (
          <select value={whatIfType} onChange={(e) => setWhatIfType(e.target.value)}>
            {(report?.catalog ?? []).map((c) => <option key={c.code} value={c.code}>{name(c.code)}</option>)}
          </select>
        )}
      </fieldset>
      {iso && (
        <ul>{iso.features.map((f) => (
          <li key={String(f.properties?.minutes)}>{String(f.properties?.minutes)} {t.minutes}{lang === 'zh' ? '：' : ': '}{Object.entries((f.properties?.facilityCounts ?? {}) as Record<string, number>).map(([k, v]) => `${name(k)} ${v}`).join(', ') || t.none}</li>
        ))}</ul>
      )}
      {whatIf && (
        <p>{name(whatIf.type)} ({whatIf.standardM} m): {t.covered} {whatIf.newlyCovered.length} — {whatIf.metBefore} → {whatIf.metAfter} / {whatIf.estates}</p>
      )}
    </section>
  );
}
