/**
 * 内涝 section of the 诊断 panel: the city's waterlogging points by status, depth and recurrence,
 * untreated points per km² of built-up area, and the estates most exposed (untreated points within
 * the exposure distance, severity-weighted, the nearest untreated point); with a run, the units most
 * exposed (points within the run's distance, untreated, severity-weighted, density per km² of built-up
 * area). "Waterlogging hot spots" rescores the diagnosis run on the waterlogging density alone.
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { fetchUnitWaterlogging, fetchWaterlogging, type DiagnosisWaterlogging, type WaterloggingReport } from './diagnosis-api.ts';

const SHOWN = 10;

/** The units with the most untreated exposure first (severity-weighted, then count, then unit number). */
export function mostExposedUnits(units: DiagnosisWaterlogging['units'], n: number): DiagnosisWaterlogging['units'] {
  return units.filter((u) => u.pointsWithin > 0)
    .sort((a, b) => b.severityWeighted - a.severityWeighted || b.untreatedWithin - a.untreatedWithin || a.unitNo - b.unitNo)
    .slice(0, n);
}

export function WaterloggingSection({ city, runId, onHotspots, canHotspots }: { city: string; runId: number | null; onHotspots: () => void; canHotspots: boolean }) {
  const { t } = useI18n();
  const [report, setReport] = useState<WaterloggingReport | null>(null);
  const [units, setUnits] = useState<DiagnosisWaterlogging | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    fetchWaterlogging(city, undefined, ac.signal).then(setReport, (e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ac.abort();
  }, [city]);
  useEffect(() => {
    setUnits(null);
    if (runId === null) return;
    const ac = new AbortController();
    fetchUnitWaterlogging(runId, ac.signal).then(setUnits, (e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ac.abort();
  }, [runId]);
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
      {units && (
        <table className="gc-table" data-testid="wl-units">
          <caption className="small">{t('wl.units', { d: String(units.effective.waterloggingDistanceM?.value ?? ''), n: units.units.filter((u) => u.pointsWithin > 0).length, total: units.units.length })}</caption>
          <thead><tr><th>{t('wl.unit')}</th><th>{t('wl.pointsWithin')}</th><th>{t('wl.untreatedWithin')}</th><th>{t('wl.severity')}</th><th>{t('wl.unitDensity')}</th></tr></thead>
          <tbody>
            {mostExposedUnits(units.units, SHOWN).map((u) => (
              <tr key={u.unitNo} data-unit={u.unitNo}>
                <td>{u.name ?? t('dg.explain', { n: u.unitNo })}</td>
                <td className="num">{u.pointsWithin}</td>
                <td className="num">{u.untreatedWithin}</td>
                <td className="num">{u.severityWeighted}</td>
                <td className="num">{u.densityPerKm2 === null ? '—' : u.densityPerKm2.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
