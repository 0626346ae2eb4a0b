/**
 * Number formatting for the green-coverage panel: percentages with one decimal, metres, m² and
 * hectares (公顷), with the unit word from the i18n dictionaries.
 */
import type { I18n } from '../../i18n/i18n-context.tsx';

const nf = (lang: I18n['lang'], digits: number) => new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Coverage percentage (0–100) with one decimal, e.g. "78.5%"; "—" when unknown. */
export function formatPct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(Number(v)) ? '—' : `${Number(v).toFixed(1)}%`;
}

/** Distance in metres, e.g. "350 米" / "350 m". */
export function formatM(i18n: I18n, v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${nf(i18n.lang, 0).format(v)} ${i18n.t('unit.m')}`;
}

/** Area: m² below one hectare, else hectares (公顷) with two decimals. */
export function formatArea(i18n: I18n, m2: number | null | undefined): string {
  if (m2 === null || m2 === undefined) return '—';
  if (Math.abs(m2) < 10_000) return `${nf(i18n.lang, 0).format(m2)} m²`;
  return `${nf(i18n.lang, 2).format(m2 / 10_000)} ${i18n.t('unit.ha')}`;
}
