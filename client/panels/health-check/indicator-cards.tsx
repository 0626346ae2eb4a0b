/**
 * Indicator cards of the city (one per indicator with a value in the cycle), grouped by dimension
 * (2021) or level (2024): value in its unit, target, grade and warning colour, confidence badge,
 * year-on-year change and a sparkline over the last cycles (ECharts).
 */
import { useMemo } from 'react';
import { isMessageKey } from '../../i18n/dictionaries.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { CheckValue, Indicator } from './check-api.ts';
import { accentOf, fmtChange, fmtValue, groupOf } from './check-format.ts';
import { useEChart } from './use-echart.ts';

export interface CardsProps {
  indicators: Indicator[];
  values: CheckValue[];
  framework: string;
  /** Per indicator code: [year, value] of the last cycles, oldest first. */
  trends: Record<string, [number, number | null][]>;
  selected: string | null;
  onSelect: (code: string) => void;
}

function Sparkline({ points }: { points: [number, number | null][] }) {
  const option = useMemo(() => ({
    animation: false,
    grid: { left: 2, right: 2, top: 4, bottom: 2 },
    xAxis: { type: 'category' as const, show: false, data: points.map((p) => String(p[0])) },
    yAxis: { type: 'value' as const, show: false, scale: true },
    tooltip: { trigger: 'axis' as const },
    series: [{ type: 'line' as const, data: points.map((p) => p[1]), symbolSize: 4, lineStyle: { width: 1.5 }, connectNulls: true }],
  }), [points]);
  const ref = useEChart(option);
  return <div ref={ref} style={{ width: 90, height: 28 }} aria-hidden="true" />;
}

export function IndicatorCards({ indicators, values, framework, trends, selected, onSelect }: CardsProps) {
  const { t, lang } = useI18n();
  const byCode = new Map(values.map((v) => [v.indicator, v]));
  const shown = indicators.filter((d) => byCode.has(d.code));
  const groups = [...new Set(shown.map((d) => groupOf(d, framework)))];
  const label = (key: string) => (isMessageKey(key) ? t(key) : key);
  return (
    <div data-testid="ck-cards">
      {groups.map((g) => (
        <section key={g} data-group={g}>
          <h4 style={{ margin: '8px 0 4px' }}>{label(`ck.dim.${g}`)}</h4>
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))', gap: 6 }}>
            {shown.filter((d) => groupOf(d, framework) === g).map((d) => {
              const v = byCode.get(d.code)!;
              return (
                <div
                  key={d.code}
                  className="ck-card"
                  data-testid={`ck-card-${d.code}`}
                  data-grade={v.grade ?? ''}
                  data-warning={v.warning ?? ''}
                  style={{
                    padding: 6, borderRadius: 4, background: selected === d.code ? '#f3f7ff' : '#fff',
                    border: '1px solid #ddd', borderLeft: `5px solid ${accentOf(v)}`,
                  }}
                >
                  <button type="button" className="link small" aria-pressed={selected === d.code} onClick={() => onSelect(d.code)}
                    style={{ fontWeight: 600, textAlign: 'left', padding: 0 }}>
                    {lang === 'zh' ? d.nameZh : d.nameEn}
                  </button>
                  <div>
                    <span style={{ fontSize: 18, fontWeight: 600 }} data-testid={`ck-card-value-${d.code}`}>{fmtValue(v.value)}</span>{' '}
                    <span className="small muted">{d.unit}</span>
                  </div>
                  <div className="small muted">
                    {d.target === null ? t('ck.noTarget') : `${t('ck.target')} ${d.direction === 'benefit' ? '≥' : '≤'} ${fmtValue(d.target)}`}
                    {v.yoyChange !== null && <> · {t('ck.yoy')} {fmtChange(v.yoyChange)}</>}
                  </div>
                  <div className="small">
                    {v.grade && <span style={{ color: accentOf(v) }}>{t(`ck.grade.${v.grade}` as 'ck.grade.pass')}</span>}
                    {v.warning && <> · <span style={{ color: accentOf(v), fontWeight: 600 }}>{t(`ck.warning.${v.warning}` as 'ck.warning.red')}</span></>}
                    {' '}<span className={`badge ${d.confidence === 'confirmed' ? 'confirmed' : d.confidence === 'unconfirmed' ? 'unconfirmed' : ''}`}>{label(`ck.conf.${d.confidence}`)}</span>
                    {v.origin === 'manual' && <> <span className="badge">{t('ck.manual')}</span></>}
                    {d.local && <> <span className="badge">{t('ck.local')}</span></>}
                  </div>
                  {(trends[d.code]?.length ?? 0) > 1 && <Sparkline points={trends[d.code]} />}
                </div>
              );
            })}
          </div>
        </section>
      ))}
    </div>
  );
}
