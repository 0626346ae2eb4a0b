/**
 * Formats a feature attribute for the panel: code values through app.code_label (via /api/labels) or
 * the client dictionaries, numbers with their units, booleans as 是/否.
 */
import type { Labels } from '../api/map-api.ts';
import { isMessageKey, type MessageKey } from './dictionaries.ts';
import type { I18n } from './i18n-context.tsx';

type Lookup = { domain: string } | { prefix: string } | { facilityTypes: true };

/** Which labels translate a field's codes, by layer where the same field name means different things. */
export function codeLookup(layerId: string, field: string): Lookup | null {
  const byField: Record<string, Lookup> = {
    renovation_status: { domain: 'renovation_status' },
    renovation_class: { domain: 'renovation_class' },
    property_management: { domain: 'property_management' },
    status: { domain: 'waterlogging_status' },
    severity: { domain: 'severity' },
    location_type: { domain: 'location_type' },
    zone_type: { domain: 'heritage_zone' },
    use: { domain: 'building_use' },
    level: { domain: 'admin_level' },
    type_code: { facilityTypes: true },
    category: { prefix: 'category.' },
    life_circle_tier: { prefix: 'tier.' },
    highway: { prefix: 'highway.' },
  };
  if (field === 'kind') return layerId.startsWith('green') || layerId === 'parks' ? { domain: 'green_kind' } : { domain: 'heritage_kind' };
  return byField[field] ?? null;
}

const UNITS: Record<string, { unit: MessageKey; digits: number; plain?: boolean }> = {
  build_year: { unit: 'unit.year', digits: 0, plain: true },
  built_year: { unit: 'unit.year', digits: 0, plain: true },
  designated_year: { unit: 'unit.year', digits: 0, plain: true },
  check_year: { unit: 'unit.year', digits: 0, plain: true },
  households: { unit: 'unit.households', digits: 0 },
  residents: { unit: 'unit.people', digits: 0 },
  population: { unit: 'unit.people', digits: 0 },
  building_count: { unit: 'unit.buildings', digits: 0 },
  levels: { unit: 'unit.levels', digits: 0 },
  height_m: { unit: 'unit.m', digits: 1 },
  render_height: { unit: 'unit.m', digits: 1 },
  length_m: { unit: 'unit.m', digits: 1 },
  area_m2: { unit: 'unit.m2', digits: 0 },
  max_depth_cm: { unit: 'unit.cm', digits: 0 },
  duration_h: { unit: 'unit.h', digits: 1 },
};

export function unitOf(field: string): MessageKey | null {
  return UNITS[field]?.unit ?? null;
}

export function codeLabel(lookup: Lookup, code: string, labels: Labels | null, i18n: I18n): string {
  if ('domain' in lookup) {
    const l = labels?.codes[lookup.domain]?.[code];
    return l ? l[i18n.lang] : code;
  }
  if ('facilityTypes' in lookup) {
    const l = labels?.facilityTypes[code];
    return l ? l[i18n.lang] : code;
  }
  const key = `${lookup.prefix}${code}`;
  return isMessageKey(key) ? i18n.t(key) : code;
}

export function formatNumber(n: number, digits: number, i18n: I18n, plain = false): string {
  if (plain) return String(Math.round(n));
  return n.toLocaleString(i18n.lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: digits });
}

/** Number + unit ("12 米", "12 m"); units that read as nothing (English years) are left out. */
export function withUnit(text: string, unit: MessageKey | null, i18n: I18n): string {
  const u = unit ? i18n.t(unit) : '';
  return u ? `${text} ${u}` : text;
}

export function formatValue(layerId: string, field: string, value: unknown, labels: Labels | null, i18n: I18n): string {
  if (value === null || value === undefined || value === '') return i18n.t('value.none');
  if (typeof value === 'boolean') return i18n.t(value ? 'value.true' : 'value.false');
  const lookup = codeLookup(layerId, field);
  if (lookup && typeof value === 'string') {
    return value.split(',').map((c) => codeLabel(lookup, c.trim(), labels, i18n)).join('、');
  }
  if (typeof value === 'number') {
    const u = UNITS[field];
    if (field === 'area_m2' && value >= 10000) return withUnit(formatNumber(value / 10000, 2, i18n), 'unit.ha', i18n);
    return u ? withUnit(formatNumber(value, u.digits, i18n, u.plain), u.unit, i18n) : formatNumber(value, 3, i18n);
  }
  return String(value);
}
