/**
 * Pocket-park (口袋公园) site suggestion: K, minimum size, candidates from the server's layers or the
 * planner's drawn polygons; each pick with its marginal gain (the gains add up to the total change).
 * "Assume built" hands the site to the what-if tool.
 */
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { PocketParkPick } from './green-coverage-api.ts';
import { formatArea, formatPct } from './format.ts';

export interface PocketParkListProps {
  picks: PocketParkPick[] | null;
  busy: boolean;
  hasDrawn: boolean;
  highlight: number | null;
  onRun: (o: { k: number; minAreaM2: number; drawn: boolean }) => void;
  onHighlight: (pick: number | null) => void;
  onBuild: (pick: PocketParkPick) => void;
}

export function PocketParkList({ picks, busy, hasDrawn, highlight, onRun, onHighlight, onBuild }: PocketParkListProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [k, setK] = useState(5);
  const [minArea, setMinArea] = useState(400);
  const [drawn, setDrawn] = useState(false);
  return (
    <section className="gc-pocket" aria-label={t('gc.pocket')}>
      <h3>{t('gc.pocket')}</h3>
      <div className="gc-inline">
        <label>{t('gc.pocket.k')} <input type="number" min={1} max={50} value={k} onChange={(e) => setK(Math.max(1, Math.min(50, Number(e.target.value) || 1)))} /></label>
        <label>{t('gc.pocket.minArea')} <input type="number" min={0} step={100} value={minArea} onChange={(e) => setMinArea(Math.max(0, Number(e.target.value) || 0))} /></label>
      </div>
      <label><input type="radio" name="gc-pocket-source" checked={!drawn} onChange={() => setDrawn(false)} /> {t('gc.pocket.fromLayers')}</label>
      <label><input type="radio" name="gc-pocket-source" checked={drawn} disabled={!hasDrawn} onChange={() => setDrawn(true)} /> {t('gc.pocket.fromDrawn')}</label>
      <button type="button" disabled={busy} onClick={() => onRun({ k, minAreaM2: minArea, drawn: drawn && hasDrawn })} data-testid="gc-pocket-run">
        {busy ? t('gc.running') : t('gc.pocket.run')}
      </button>
      {picks && picks.length === 0 && <p className="muted small" data-testid="gc-pocket-none">{t('gc.pocket.none')}</p>}
      {picks && picks.length > 0 && (
        <ol className="gc-picks" data-testid="gc-pocket-picks">
          {picks.map((p) => (
            <li key={p.pick} className={highlight === p.pick ? 'active' : ''} onMouseEnter={() => onHighlight(p.pick)} onMouseLeave={() => onHighlight(null)}>
              <span>{p.name ?? p.candidateId} · {formatArea(i18n, p.areaM2)} · {p.radiusM} {t('unit.m')}</span>
              <span>{t('gc.pocket.gain')} +{formatArea(i18n, p.gainM2)} (+{p.gainPct.toFixed(2)} %) → {formatPct(p.coveragePctAfter)}</span>
              <button type="button" className="small" onClick={() => onBuild(p)}>{t('gc.pocket.build')}</button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
