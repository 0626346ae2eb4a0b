/** Small formatting helpers of the 体检 panel (numbers in the indicator's unit, colours of grades). */
import type { CheckValue, Indicator } from './check-api.ts';

export const fmtValue = (v: number | null | undefined, digits = 2): string => {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) >= 100 ? 1 : digits);
};

export const fmtChange = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v > 0 ? '+' : ''}${fmtValue(v)}`;

/** Card / row accent: red and yellow warnings, else the grade. */
export function accentOf(v: Pick<CheckValue, 'grade' | 'warning'> | undefined): string {
  if (!v) return '#bbb';
  if (v.warning === 'red') return '#d73027';
  if (v.warning === 'yellow') return '#e6a700';
  if (v.grade === 'pass' || v.grade === 'very_good') return '#1a9850';
  if (v.grade === 'basic' || v.grade === 'good') return '#91cf60';
  if (v.grade === 'fail' || v.grade === 'fair' || v.grade === 'poor') return '#fc8d59';
  return '#9aa';
}

/** Group of an indicator: its 2021 dimension, or its 2023 level in the 2024 framework. */
export const groupOf = (d: Pick<Indicator, 'dimension' | 'checkLevel'>, framework: string) =>
  (framework === '2024' ? d.checkLevel : d.dimension) ?? 'other';

/** Whether a change of `delta` is an improvement for the indicator. */
export const isBetter = (d: Pick<Indicator, 'direction'>, delta: number) => (d.direction === 'benefit' ? delta > 0 : delta < 0);
