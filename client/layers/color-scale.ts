/**
 * One style option → a MapLibre colour expression, a deck.gl colour accessor and legend entries, so
 * both renderers and the legend always agree.
 */
import type { StyleOption } from './layer-defs.ts';

export type Rgba = [number, number, number, number];

export function hexToRgba(hex: string, alpha = 255): Rgba {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

/** MapLibre expression (or a plain colour) for a style option. */
export function maplibreColor(style: StyleOption): unknown {
  if (style.kind === 'single') return style.color;
  if (style.kind === 'categorical') {
    const pairs = style.categories.flatMap((c) => [c.value, c.color]);
    const input = typeof style.categories[0]?.value === 'boolean' ? ['get', style.field] : ['to-string', ['get', style.field]];
    return ['match', input, ...pairs, style.otherColor];
  }
  const steps = style.breaks.flatMap((b, i) => [b, style.colors[i + 1]]);
  return ['case', ['==', ['typeof', ['get', style.field]], 'number'], ['step', ['get', style.field], style.colors[0], ...steps], style.missingColor];
}

/** Colour of one feature's properties under a style option (deck.gl accessor body). */
export function colorOf(style: StyleOption, props: Record<string, unknown> | undefined): string {
  if (style.kind === 'single') return style.color;
  const v = props?.[style.field];
  if (style.kind === 'categorical') return style.categories.find((c) => c.value === v || String(c.value) === String(v))?.color ?? style.otherColor;
  if (typeof v !== 'number' || !Number.isFinite(v)) return style.missingColor;
  let i = 0;
  while (i < style.breaks.length && v >= style.breaks[i]) i++;
  return style.colors[i];
}

export interface LegendEntry {
  color: string;
  /** A code value to look up, or a numeric range [from, to) with null for open ends. */
  value?: string | boolean;
  range?: [number | null, number | null];
  missing?: boolean;
  other?: boolean;
}

export function legendEntries(style: StyleOption): LegendEntry[] {
  if (style.kind === 'single') return [{ color: style.color }];
  if (style.kind === 'categorical') return [...style.categories.map((c) => ({ color: c.color, value: c.value })), { color: style.otherColor, other: true }];
  const bounds = [null, ...style.breaks, null];
  return [
    ...style.colors.map((color, i) => ({ color, range: [bounds[i], bounds[i + 1]] as [number | null, number | null] })),
    { color: style.missingColor, missing: true },
  ];
}
