/**
 * The city health index (城市健康指数): overall value, a radar by dimension (2021) or level (2024)
 * for the cycle and, in comparison, the other year; the obstacle degrees (障碍度) as bars; the
 * method and weights always shown next to the value (no official formula exists).
 */
import { useMemo } from 'react';
import { isMessageKey } from '../../i18n/dictionaries.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { HealthIndex } from './check-api.ts';
import { fmtValue } from './check-format.ts';
import { useEChart } from './use-echart.ts';

export function IndexChart({ index, other, names }: { index: HealthIndex; other: HealthIndex | null; names: Record<string, string> }) {
  const { t } = useI18n();
  const label = (key: string) => (isMessageKey(key) ? t(key) : key);
  const unit = index.units[0];
  const otherUnit = other?.units[0];
  const dims = unit ? Object.keys(unit.dimensions) : [];
  // a radar needs three axes; with fewer dimensions the same scores are bars
  const radar = useMemo(() => (dims.length < 3 ? {
    animation: false,
    grid: { left: 90, right: 20, top: 24, bottom: 20 },
    legend: { top: 0, data: [String(index.year), ...(otherUnit && other ? [String(other.year)] : [])] },
    tooltip: { trigger: 'axis' as const },
    xAxis: { type: 'value' as const, max: 100 },
    yAxis: { type: 'category' as const, data: dims.map((d) => label(`ck.dim.${d}`)) },
    series: [
      { name: String(index.year), type: 'bar' as const, data: dims.map((d) => unit!.dimensions[d] ?? 0), itemStyle: { color: '#3b6fb6' } },
      ...(otherUnit && other ? [{ name: String(other.year), type: 'bar' as const, data: dims.map((d) => otherUnit.dimensions[d] ?? 0), itemStyle: { color: '#9ab' } }] : []),
    ],
  } : {
    animation: false,
    tooltip: {},
    legend: { bottom: 0, data: [String(index.year), ...(otherUnit && other ? [String(other.year)] : [])] },
    radar: { indicator: dims.map((d) => ({ name: label(`ck.dim.${d}`), max: 100 })), radius: '60%' },
    series: [{
      type: 'radar' as const,
      data: [
        { name: String(index.year), value: dims.map((d) => unit!.dimensions[d] ?? 0), areaStyle: { opacity: 0.2 } },
        ...(otherUnit && other ? [{ name: String(other.year), value: dims.map((d) => otherUnit.dimensions[d] ?? 0), lineStyle: { type: 'dashed' as const } }] : []),
      ],
    }],
  }), [index, other, t]); // dims, unit and label derive from index, other and the language
  const bars = useMemo(() => {
    const obs = unit?.obstacles.filter((o) => o.degree > 0) ?? [];
    return {
      animation: false,
      grid: { left: 110, right: 30, top: 5, bottom: 20 },
      tooltip: { trigger: 'axis' as const },
      xAxis: { type: 'value' as const, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
      yAxis: { type: 'category' as const, inverse: true, data: obs.map((o) => names[o.code] ?? o.code) },
      series: [{ type: 'bar' as const, data: obs.map((o) => o.degree), itemStyle: { color: '#d73027' } }],
    };
  }, [index, names]);
  const radarRef = useEChart(radar);
  const barRef = useEChart(bars);
  if (!unit) return <p className="small muted">{t('ck.index.none')}</p>;
  return (
    <div data-testid="ck-index">
      <p>
        <span style={{ fontSize: 22, fontWeight: 600 }} data-testid="ck-index-value">{fmtValue(unit.index, 1)}</span>
        {otherUnit && other && <span className="small muted"> ({other.year}: {fmtValue(otherUnit.index, 1)})</span>}
      </p>
      <p className="small muted" data-testid="ck-index-method">
        {t('ck.index.method', {
          norm: label(`ck.index.norm.${index.method.norm}`), weights: label(`ck.index.weights.${index.method.weights}`), note: t('ck.index.note'),
        })}{' '}
        {index.criteria.map((c) => `${names[c.code] ?? c.code} ${(c.weight * 100).toFixed(0)}%`).join('，')}
      </p>
      {dims.length > 0 && <div ref={radarRef} data-testid="ck-dims" data-kind={dims.length < 3 ? 'bar' : 'radar'} style={{ width: '100%', height: dims.length < 3 ? 80 + 30 * dims.length : 230 }} />}
      <h4 style={{ margin: '6px 0 2px' }}>{t('ck.obstacles')}</h4>
      <div ref={barRef} data-testid="ck-obstacles" style={{ width: '100%', height: Math.max(60, 24 * (unit.obstacles.filter((o) => o.degree > 0).length + 1)) }} />
    </div>
  );
}
