/**
 * The values of one indicator over the units of a level, sortable by any column; with a comparison
 * year, its values and the change side by side, and a grouped bar chart of both years (ECharts).
 */
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { CheckValue, Indicator } from './check-api.ts';
import { accentOf, fmtChange, fmtValue, isBetter } from './check-format.ts';
import { useEChart } from './use-echart.ts';

type SortKey = 'unit' | 'value' | 'other' | 'change';

export interface Row { unitId: number | null; unitName: string; value: CheckValue | undefined; other: CheckValue | undefined; change: number | null }

export function compareRows(values: CheckValue[], other: CheckValue[] | null): Row[] {
  const key = (v: CheckValue) => String(v.unitId);
  const o = new Map((other ?? []).map((v) => [key(v), v]));
  const units = new Map<string, { unitId: number | null; unitName: string }>();
  for (const v of [...values, ...(other ?? [])]) units.set(key(v), { unitId: v.unitId, unitName: v.unitName ?? String(v.unitId ?? '') });
  const cur = new Map(values.map((v) => [key(v), v]));
  return [...units.entries()].map(([k, u]) => {
    const a = cur.get(k)?.value ?? null;
    const b = o.get(k)?.value ?? null;
    return { ...u, value: cur.get(k), other: o.get(k), change: a !== null && b !== null ? a - b : null };
  });
}

export function ValueTable({ indicator, rows, year, otherYear }: { indicator: Indicator; rows: Row[]; year: number; otherYear: number | null }) {
  const { t } = useI18n();
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'value', desc: indicator.direction === 'benefit' ? false : true });
  const sorted = useMemo(() => {
    const get = (r: Row): string | number => (sort.key === 'unit' ? r.unitName : sort.key === 'value' ? r.value?.value ?? -Infinity : sort.key === 'other' ? r.other?.value ?? -Infinity : r.change ?? -Infinity);
    return [...rows].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const c = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y), 'zh') : x - y;
      return sort.desc ? -c : c;
    });
  }, [rows, sort]);
  const chart = useMemo(() => (otherYear === null ? null : {
    animation: false,
    grid: { left: 40, right: 10, top: 24, bottom: 60 },
    legend: { top: 0, data: [String(otherYear), String(year)] },
    tooltip: { trigger: 'axis' as const },
    xAxis: { type: 'category' as const, data: sorted.map((r) => r.unitName), axisLabel: { rotate: 40, fontSize: 10 } },
    yAxis: { type: 'value' as const, name: indicator.unit },
    series: [
      { name: String(otherYear), type: 'bar' as const, data: sorted.map((r) => r.other?.value ?? null), itemStyle: { color: '#9ab' } },
      { name: String(year), type: 'bar' as const, data: sorted.map((r) => r.value?.value ?? null), itemStyle: { color: '#3b6fb6' } },
    ],
  }), [sorted, year, otherYear, indicator.unit]);
  const chartRef = useEChart(chart);
  const th = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="link" onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : false }))}>
        {label}{sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  const gradeText = (v: CheckValue | undefined) => {
    if (!v) return '—';
    const parts = [v.grade && t(`ck.grade.${v.grade}` as 'ck.grade.pass'), v.warning && t(`ck.warning.${v.warning}` as 'ck.warning.red')].filter(Boolean);
    return parts.length ? parts.join(' · ') : '—';
  };
  return (
    <div data-testid="ck-table-wrap">
      {otherYear !== null && <p className="small" data-testid="ck-compare-title">{t('ck.compareTitle', { a: year, b: otherYear })}</p>}
      {otherYear !== null && <div ref={chartRef} data-testid="ck-compare-chart" style={{ width: '100%', height: 200 }} />}
      <table className="gc-table" data-testid="ck-table">
        <thead>
          <tr>
            {th('unit', t('ck.col.unit'))}
            {th('value', `${year} (${indicator.unit})`)}
            {otherYear !== null && th('other', `${otherYear}`)}
            {otherYear !== null && th('change', t('ck.col.change'))}
            <th>{t('ck.col.grade')}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={String(r.unitId)} data-unit={r.unitId ?? ''}>
              <td><span style={{ color: accentOf(r.value) }}>●</span> {r.unitName}</td>
              <td className="num">{fmtValue(r.value?.value)}</td>
              {otherYear !== null && <td className="num">{fmtValue(r.other?.value)}</td>}
              {otherYear !== null && (
                <td className="num" style={{ color: r.change === null || r.change === 0 ? undefined : isBetter(indicator, r.change) ? '#1a9850' : '#d73027' }}>{fmtChange(r.change)}</td>
              )}
              <td className="small">{gradeText(r.value)}{r.value?.ruleFired ? <span className="muted" title={r.value.ruleFired}> ⓘ</span> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
