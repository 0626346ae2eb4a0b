/**
 * 内涝 section of the 诊断 panel: the city's waterlogging points by status, depth and recurrence,
 * untreated points per km² of built-up area, and the estates most exposed (untreated points within
 * the exposure distance, severity-weighted, the nearest untreated point). "Waterlogging hot spots"
 * rescores the diagnosis run on the waterlogging density alone.
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { fetchWaterlogging, type WaterloggingReport } from './diagnosis-api.ts';

const SHOWN = 10;

export function WaterloggingSection({ city, onHotspots, canHotspots }: { city: string; onHotspots: () => void; canHotspots: boolean }) {
  const { t } = useI18n();
  const [report, setReport] = useState<WaterloggingReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    fetchWaterlogging(city, undefined, ac.signal).then(setReport, (e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ac.abort();
  }, [city]);
  if (error) return <p role="alert" className="gc-error">{t('dg.error')}{error}</p>;
  if (!report) return null;
  const s = report.summary;
  const counts = (o: Record<string, number>, prefix: 'wl.status' | 'wl.depth' | 'wl.recurrence') =>
    Object.entries(o).sort().map(([k, n]) => `${t(`${prefix}.${k}` as 'wl.status.closed')} ${n}`).join('，');
  const distance = report.effective.waterloggingDistanceM?.value;
  return (
    <details className="dg-waterlogging" data-testid="dg-waterlogging">
      <summary>{t('wl.title')}</summary>
      <p className="small" data-testid="wl-density">
        {t('wl.density', { n: s.untreatedInBuiltUp, density: s.densityPerKm2 === null ? '—' : s.densityPerKm2.toFixed(2) })}
      </p>
      <p className="small muted">{t('wl.byStatus')}{counts(s.byStatus, 'wl.status')}</p>
      <p className="small muted">{t('wl.byDepth')}{counts(s.byDepth, 'wl.depth')}</p>
      <p className="small muted">{t('wl.byRecurrence')}{counts(s.byRecurrence, 'wl.recurrence')}</p>
      {s.treated.length > 0 && (
        <p className="small" data-testid="wl-treated">{t('wl.treated')}{s.treated.map((p) => `${p.name}（${p.closedAt.slice(0, 10)}）`).join('，')}</p>
      )}
      <button type="button" onClick={onHotspots} disabled={!canHotspots} data-testid="wl-hotspots">{t('wl.hotspots')}</button>
      <table className="gc-table" data-testid="wl-estates">
        <caption className="small">{t('wl.exposure', { d: String(distance ?? '') })}</caption>
        <thead><tr><th>{t('field.name')}</th><th>{t('wl.untreatedWithin')}</th><th>{t('wl.severity')}</th><th>{t('wl.nearest')}</th></tr></thead>
        <tbody>
          {report.estates.slice(0, SHOWN).map((e) => (
            <tr key={e.estateId}>
              <td>{e.name ?? `#${e.estateId}`}</td>
              <td className="num">{e.untreatedWithin}</td>
              <td className="num">{e.severityWeighted}</td>
              <td className="small">{e.nearestUntreatedName ?? '—'}{e.nearestUntreatedM !== null ? ` (${Math.round(e.nearestUntreatedM)} m)` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
