/**
 * 生活圈 panel: facility-type picker, tier filter, walking speed, the share of estates within
 * standard as a types × areas heat map (city, districts or 街道), the checklist per estate,
 * shortfall map per type, click isochrone, what-if placement, exports (CSV per estate, shortfall
 * GeoJSON). Built like the 绿地覆盖 panel: typed API module (life-circle-api.ts, types from the
 * server's contract), strings in the i18n dictionaries, test ids. Self-contained: the host passes
 * the city and map clicks in and receives deck.gl layers out (see README.md in this folder).
 */
import type { Layer } from '@deck.gl/core';
import { useEffect, useMemo, useState } from 'react';
import type { City } from '../../api/cities-api.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { EffectiveParamsView } from '../effective-params.tsx';
import { createIsochroneLayer, createShortfallLayer, createWhatIfLayer } from './create-life-circle-layers.ts';
import {
  csvUrl, fetchIsochrone, fetchLifeCircle, fetchShortfall, postWhatIf, shareColor, shortfallUrl,
  type AreaSummary, type Isochrone, type LifeCircleReport, type LifeCircleWhatIf, type Shortfall,
} from './life-circle-api.ts';

export type ClickMode = 'none' | 'isochrone' | 'what-if';

export interface LifeCirclePanelProps {
  /** The city analysed (every request names it; the panel remounts when it changes). */
  city: City;
  /** The latest map click (lon/lat, WGS-84) while clickMode ≠ 'none'; `at` makes repeats distinct. */
  lastClick: { lon: number; lat: number; at: number } | null;
  onClickModeChange: (mode: ClickMode) => void;
  /** The panel's deck.gl layers, to append to the host's MapLibreOverlay. */
  onLayers: (layers: Layer[]) => void;
}

const TIERS = ['5min', '10min', '15min', 'block'] as const;
const SHOWN = 200;
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Shortfall estates with a geometry, as a FeatureCollection for the map layer. */
export function shortfallFeatures(s: Shortfall): GeoJSON.FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: s.features.flatMap((f) => (f.geometry ? [{ type: 'Feature' as const, id: f.id, geometry: f.geometry, properties: f.properties }] : [])),
  };
}

/** The columns of the share table: the whole city, then the areas of one level (by name). */
export function shareColumns(report: LifeCircleReport, level: 'district' | 'subdistrict'): AreaSummary[] {
  const city = report.summary.filter((a) => a.level === 'city');
  const areas = report.summary.filter((a) => a.level === level).sort((a, b) => (a.name === null ? 1 : b.name === null ? -1 : a.name.localeCompare(b.name)));
  return [...city, ...areas];
}

export function LifeCirclePanel({ city, lastClick, onClickModeChange, onLayers }: LifeCirclePanelProps) {
  const { t, lang } = useI18n();
  const [tiers, setTiers] = useState<string[]>([]);
  const [types, setTypes] = useState<string[]>([]);
  const [speed, setSpeed] = useState<number | undefined>(undefined);
  const [report, setReport] = useState<LifeCircleReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [chosen, setLevel] = useState<'district' | 'subdistrict' | null>(null);
  const [shortfallType, setShortfallType] = useState<string | null>(null);
  const [shortfall, setShortfall] = useState<GeoJSON.FeatureCollection | null>(null);
  const [mode, setMode] = useState<ClickMode>('none');
  const [iso, setIso] = useState<Isochrone | null>(null);
  const [whatIfType, setWhatIfType] = useState('kindergarten');
  const [whatIf, setWhatIf] = useState<(LifeCircleWhatIf & { lon: number; lat: number }) | null>(null);
  const query = useMemo(() => ({ city: city.id, types, tiers, speed }), [city.id, types, tiers, speed]);

  const run = () => {
    setBusy(true);
    setError(null);
    fetchLifeCircle(query).then(setReport, (e) => setError(errText(e))).finally(() => setBusy(false));
  };
  useEffect(run, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!shortfallType) return setShortfall(null);
    const ac = new AbortController();
    fetchShortfall(query, shortfallType, ac.signal).then((s) => setShortfall(shortfallFeatures(s)), (e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ac.abort();
  }, [shortfallType, query]);

  useEffect(() => {
    if (!lastClick || mode === 'none') return;
    if (mode === 'isochrone') fetchIsochrone(query, lastClick.lon, lastClick.lat).then(setIso, (e) => setError(errText(e)));
    else postWhatIf(query, whatIfType, lastClick.lon, lastClick.lat).then((r) => setWhatIf({ ...r, lon: lastClick.lon, lat: lastClick.lat }), (e) => setError(errText(e)));
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
  const areaName = (a: AreaSummary) => (a.level === 'city' ? `${t('lc.city')} · ${city.name}` : a.name ?? t('lc.unassigned'));
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);
  const levels = (['district', 'subdistrict'] as const).filter((l) => report?.summary.some((a) => a.level === l && a.id !== null));
  // 街道 where the city has them, else districts (Liechtenstein: its municipalities)
  const level = chosen && levels.includes(chosen) ? chosen : levels.includes('subdistrict') ? 'subdistrict' : 'district';
  const columns = report ? shareColumns(report, level) : [];
  const speedDefault = report?.effective.speed;

  return (
    <section className="life-circle-panel" aria-label={t('tabs.lifeCircle')} data-testid="life-circle-panel">
      <h2>{t('lc.title')}</h2>
      <p className="muted small" data-testid="lc-city">{city.name}</p>
      <fieldset>
        <legend>{t('lc.tier')}</legend>
        {TIERS.map((x) => (
          <label key={x}><input type="checkbox" checked={tiers.includes(x)} onChange={() => setTiers(toggle(tiers, x))} data-testid={`lc-tier-${x}`} /> {t(`tier.${x}`)}</label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('lc.types')}</legend>
        {(report?.catalog ?? []).map((c) => (
          <label key={c.code} title={`${t('lc.standard', { m: String(c.standardDistanceM) })} · ${c.source ?? ''} · ${c.confidence}`}>
            <input type="checkbox" checked={types.includes(c.code)} onChange={() => setTypes(toggle(types, c.code))} data-testid={`lc-type-${c.code}`} /> {name(c.code)}
          </label>
        ))}
      </fieldset>
      <label>{t('lc.speed')}{' '}
        <input type="number" min={10} max={300} value={speed ?? ''} placeholder={speedDefault ? String(speedDefault.value) : ''} data-testid="lc-speed"
          onChange={(e) => setSpeed(e.target.value === '' ? undefined : Number(e.target.value))} />
        {speed === undefined && speedDefault && <small className="muted"> {t(`param.origin.${speedDefault.origin}`)}</small>}
      </label>
      <button type="button" className="primary" onClick={run} disabled={busy} data-testid="lc-run">{busy ? t('lc.running') : t('lc.run')}</button>
      {error && <p role="alert" className="gc-error">{t('lc.error')}{error}</p>}

      {report && (
        <>
          <section className="lc-shares" aria-label={t('lc.share')}>
            <h3>
              {t('lc.share')}{' '}
              {levels.length > 0 && (
                <select value={level} onChange={(e) => setLevel(e.target.value as 'district' | 'subdistrict')} aria-label={t('lc.share')} data-testid="lc-level">
                  {levels.map((l) => <option key={l} value={l}>{t(`lc.level.${l}`)}</option>)}
                </select>
              )}
            </h3>
            <p className="muted small">{t('lc.shareNote')}</p>
            <div className="gc-table-wrap">
              <table className="gc-table lc-heat" data-testid="lc-share-table">
                <thead>
                  <tr><th>{t('lc.types')}</th>{columns.map((a) => <th key={`${a.level}:${a.id}`} data-area={a.name ?? ''}>{areaName(a)} <small className="muted">({a.estates})</small></th>)}</tr>
                </thead>
                <tbody>
                  {report.catalog.map((c, k) => (
                    <tr key={c.code}>
                      <th scope="row" title={`${t('lc.standard', { m: String(c.standardDistanceM) })} · ${c.source ?? ''} · ${c.confidence}`}>{name(c.code)}</th>
                      {columns.map((a) => {
                        const s = a.byType[k];
                        return <td key={`${a.level}:${a.id}`} className="num" data-type={c.code} data-share={s?.share ?? ''} style={{ background: shareColor(s?.share ?? null) }}>{pct(s?.share ?? null)}</td>;
                      })}
                    </tr>
                  ))}
                  <tr>
                    <th scope="row">{t('lc.missing')}</th>
                    {columns.map((a) => <td key={`${a.level}:${a.id}`} className="small">{a.mostMissing.slice(0, 2).map((m) => name(m.type)).join('、') || '—'}</td>)}
                  </tr>
                </tbody>
              </table>
            </div>
          </section>
          <EffectiveParamsView params={report.effective} testId="lc-effective" />
          <p>
            <a href={csvUrl(query)} download data-testid="lc-csv">{t('lc.csv')}</a>
            {shortfallType && <> · <a href={shortfallUrl(query, shortfallType)} download={`shortfall-${shortfallType}.geojson`}>{t('lc.geojson')}</a></>}
          </p>
          <label>{t('lc.shortfall')}{' '}
            <select value={shortfallType ?? ''} onChange={(e) => setShortfallType(e.target.value || null)} data-testid="lc-shortfall-type">
              <option value="">—</option>
              {report.catalog.map((c) => <option key={c.code} value={c.code}>{name(c.code)}</option>)}
            </select>
          </label>
          <h3>{t('lc.estates')}</h3>
          <div className="life-circle-table gc-table-wrap">
            <table className="gc-table" data-testid="lc-estates">
              <thead><tr><th>{t('lc.estate')}</th>{report.catalog.map((c) => <th key={c.code}>{name(c.code)}</th>)}<th>{t('lc.score')}</th></tr></thead>
              <tbody>
                {report.estates.slice(0, SHOWN).map((e) => (
                  <tr key={e.id}>
                    <td>
                      {(lang === 'en' ? e.nameEn : e.name) ?? e.name ?? t('gc.estate.unnamed')}
                      {e.nameDerived && <small className="badge derived" title={t('gc.estate.derived')}> {t('gc.estate.derivedMark')}</small>}
                    </td>
                    {e.checklist.map((c) => (
                      <td key={c.type} className={`num lc-${c.status}`} title={c.note ?? ''}>
                        {c.distanceM === null ? t('lc.none') : `${Math.round(c.distanceM)} ${t('unit.m')}`}
                      </td>
                    ))}
                    <td title={e.completeCommunity.missing.map(name).join(', ')}>{e.completeCommunity.present}/{e.completeCommunity.required}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.estates.length > SHOWN && <p className="muted small">{t('lc.more', { n: report.estates.length - SHOWN })}</p>}
        </>
      )}

      <fieldset>
        <label><input type="radio" checked={mode === 'isochrone'} onChange={() => setMode('isochrone')} data-testid="lc-mode-isochrone" /> {t('lc.iso')}</label>
        <label><input type="radio" checked={mode === 'what-if'} onChange={() => setMode('what-if')} data-testid="lc-mode-what-if" /> {t('lc.whatIf')}</label>
        <label><input type="radio" checked={mode === 'none'} onChange={() => setMode('none')} data-testid="lc-mode-none" /> {t('lc.noClick')}</label>
        {mode === 'what-if' && (
          <select value={whatIfType} onChange={(e) => setWhatIfType(e.target.value)} data-testid="lc-whatif-type">
            {(report?.catalog ?? []).map((c) => <option key={c.code} value={c.code}>{name(c.code)}</option>)}
          </select>
        )}
      </fieldset>
      {iso && (
        <ul data-testid="lc-iso">{iso.features.map((f) => (
          <li key={f.properties.minutes}>{t('lc.minutes', { n: f.properties.minutes })}{lang === 'zh' ? '：' : ': '}{Object.entries(f.properties.facilityCounts).map(([k, v]) => `${name(k)} ${v}`).join(', ') || t('lc.none')}</li>
        ))}</ul>
      )}
      {whatIf && (
        <p data-testid="lc-whatif">{t('lc.whatIfResult', { type: name(whatIf.type), m: whatIf.standardM, n: whatIf.newlyCovered.length, before: whatIf.metBefore, after: whatIf.metAfter, total: whatIf.estates })}</p>
      )}
    </section>
  );
}
