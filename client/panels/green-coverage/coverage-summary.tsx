/**
 * The run's headline numbers (city coverage official / walking, detour loss, eligible parks), the bar
 * chart by district / 街道 / 社区, the map-layer switches with their colours, and the exports.
 */
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { CoverageBarChart } from './coverage-bar-chart.tsx';
import { NEW_COVERAGE_COLOR, POCKET_COLOR, SHORTFALL_STYLE } from './create-green-coverage-layers.ts';
import { estatesCsvUrl, shortfallUrl, type CoverageRun, type ShortfallLayerName, type UnitKind } from './green-coverage-api.ts';
import { formatArea, formatPct } from './format.ts';
import { EffectiveParamsView } from '../effective-params.tsx';

type LayerKey = ShortfallLayerName | 'newly' | 'pocket';
const rgba = (c: number[]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3] ?? 255) / 255})`;
const SWATCH: Record<LayerKey, string> = {
  uncovered_official: rgba(SHORTFALL_STYLE.uncovered_official.fill),
  uncovered_walking: rgba(SHORTFALL_STYLE.uncovered_walking.fill),
  detour: rgba(SHORTFALL_STYLE.detour.fill),
  newly: rgba(NEW_COVERAGE_COLOR),
  pocket: rgba(POCKET_COLOR),
};
const LEVELS: UnitKind[] = ['district', 'subdistrict', 'community'];

export interface CoverageSummaryProps {
  run: CoverageRun;
  visible: Record<LayerKey, boolean>;
  available: ShortfallLayerName[];
  onVisible: (k: LayerKey, v: boolean) => void;
}

export function CoverageSummaryView({ run, visible, available, onVisible }: CoverageSummaryProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [chosen, setLevel] = useState<UnitKind | null>(null);
  const s = run.summary;
  const official = run.mode !== 'walking';
  const walking = run.mode !== 'official';
  const levels = LEVELS.filter((l) => run.units.some((u) => u.unitKind === l));
  // 街道 where the city has them, else its finest level (Liechtenstein: municipalities as districts)
  const level = chosen && levels.includes(chosen) ? chosen : levels.includes('subdistrict') ? 'subdistrict' : levels[levels.length - 1] ?? 'district';
  const units = run.units.filter((u) => u.unitKind === level);
  const layerKeys: LayerKey[] = [...(['uncovered_official', 'uncovered_walking', 'detour'] as const).filter((l) => available.includes(l)), 'newly', 'pocket'];
  return (
    <>
      <section className="gc-summary" aria-label={t('gc.city')}>
        <h3>{t('gc.city')}</h3>
        <div className="gc-kpis">
          {official && (
            <div className="gc-kpi"><span>{t('gc.official')}</span><strong data-testid="gc-city-official">{formatPct(s.officialPct)}</strong></div>
          )}
          {walking && (
            <div className="gc-kpi"><span>{t('gc.walking')}</span><strong data-testid="gc-city-walking">{formatPct(s.walkingPct)}</strong></div>
          )}
        </div>
        <dl className="gc-facts">
          <dt>{t('gc.targetArea')}</dt><dd>{formatArea(i18n, s.targetM2)}</dd>
          {walking && <><dt>{t('gc.detour')}</dt><dd>{formatArea(i18n, s.detourM2 ?? 0)}</dd></>}
          <dt>{t('gc.parks')}</dt><dd>{s.eligibleParks}</dd>
          {s.residents !== null && <><dt>{t('gc.residents')}</dt><dd>{formatPct(official ? s.officialResidentsPct : s.walkingResidentsPct)}</dd></>}
          <dt>{t('gc.source')}</dt>
          <dd className="small" data-testid="gc-source">{run.ruleSource.standard} · {run.ruleSource.clause} <span className="badge confirmed">{run.ruleSource.confidence}</span></dd>
          {run.city && <><dt>{t('gc.metricCrs')}</dt><dd className="small">{run.city.name} · {run.city.metricCrs}{run.city.checkYear !== null ? ` · ${run.city.checkYear}` : ''} · #{run.runId}</dd></>}
        </dl>
        <EffectiveParamsView params={run.effective} testId="gc-effective" />
      </section>
      <section className="gc-units" aria-label={t('gc.byUnit')}>
        <h3>
          {t('gc.byUnit')}{' '}
          <select value={level} onChange={(e) => setLevel(e.target.value as UnitKind)} aria-label={t('gc.byUnit')} data-testid="gc-level">
            {levels.map((l) => <option key={l} value={l}>{t(`gc.level.${l as 'district'}`)}</option>)}
          </select>
        </h3>
        {walking && official && (
          <p className="gc-chart-legend small"><i style={{ background: '#2f855a' }} /> {t('gc.official')} <i style={{ background: '#3182ce' }} /> {t('gc.walking')}</p>
        )}
        <CoverageBarChart units={units} official={official} walking={walking} />
      </section>
      <fieldset className="gc-layers">
        <legend>{t('gc.layers')}</legend>
        {layerKeys.map((k) => (
          <label key={k}>
            <input type="checkbox" checked={visible[k]} onChange={(e) => onVisible(k, e.target.checked)} data-testid={`gc-layer-${k}`} />
            <span className="swatch" style={{ background: SWATCH[k] }} /> {t(k === 'newly' ? 'gc.layer.newly' : k === 'pocket' ? 'gc.layer.pocket' : `gc.layer.${k}`)}
          </label>
        ))}
        <p className="muted small">{t('gc.layer.coveredNote')}</p>
      </fieldset>
      <p className="gc-exports">
        {t('gc.export')}: <a href={estatesCsvUrl(run.runId)} download data-testid="gc-export-csv">{t('gc.export.csv')}</a>
        {available.map((l) => (
          <span key={l}> · <a href={shortfallUrl(run.runId, l)} download={`green-coverage-${run.runId}-${l}.geojson`} data-testid={`gc-export-${l}`}>{t(`gc.layer.${l}`)} {t('gc.export.geojson')}</a></span>
        ))}
      </p>
    </>
  );
}
