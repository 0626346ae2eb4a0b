/**
 * The one OSM tag → facility type table (app.facility_type.code). It is applied in SQL
 * (promote-facilities.ts) as a jsonb parameter, and test/geodata/osm-mapping.test.ts checks it
 * against the human-readable app.facility_type.osm_tags column, so the two cannot drift apart.
 *
 * Rules are tried in order; the first match wins (so shop=convenience is a convenience store,
 * never a supermarket). `school` is resolved later by name/isced (see SCHOOL_RULE).
 */
export interface FacilityRule {
  /** OSM key, e.g. 'amenity'. */
  key: string;
  /** Accepted values of `key`. */
  values: string[];
  /** app.facility_type.code, or 'school' (split into primary_school / middle_school). */
  type: string;
  /** Extra tag that must hold, e.g. social_facility:for=senior. */
  requires?: { key: string; values: string[] };
}

export const FACILITY_RULES: readonly FacilityRule[] = [
  { key: 'amenity', values: ['kindergarten'], type: 'kindergarten' },
  { key: 'amenity', values: ['childcare'], type: 'nursery' },
  { key: 'amenity', values: ['school'], type: 'school' },
  { key: 'amenity', values: ['hospital'], type: 'health_centre' },
  { key: 'healthcare', values: ['hospital', 'centre'], type: 'health_centre' },
  { key: 'amenity', values: ['clinic', 'doctors'], type: 'health_station' },
  { key: 'healthcare', values: ['clinic', 'doctor'], type: 'health_station' },
  { key: 'amenity', values: ['nursing_home'], type: 'nursing_home' },
  { key: 'social_facility', values: ['nursing_home'], type: 'nursing_home' },
  { key: 'social_facility', values: ['day_care', 'outreach'], type: 'elderly_day_care', requires: { key: 'social_facility:for', values: ['senior'] } },
  { key: 'amenity', values: ['social_facility'], type: 'elderly_station', requires: { key: 'social_facility:for', values: ['senior'] } },
  { key: 'shop', values: ['convenience'], type: 'convenience_store' },
  { key: 'shop', values: ['supermarket'], type: 'supermarket' },
  { key: 'amenity', values: ['marketplace'], type: 'wet_market' },
  { key: 'shop', values: ['greengrocer'], type: 'wet_market' },
  { key: 'amenity', values: ['pharmacy'], type: 'pharmacy' },
  { key: 'amenity', values: ['post_office', 'parcel_locker'], type: 'parcel_point' },
  { key: 'amenity', values: ['community_centre'], type: 'community_service' },
  { key: 'amenity', values: ['arts_centre', 'library', 'theatre'], type: 'culture_station' },
  { key: 'leisure', values: ['pitch', 'sports_centre', 'fitness_station', 'track'], type: 'sports_ground' },
  { key: 'leisure', values: ['playground'], type: 'playground' },
  { key: 'amenity', values: ['toilets'], type: 'public_toilet' },
  { key: 'amenity', values: ['waste_disposal', 'recycling', 'waste_transfer_station'], type: 'refuse_point' },
  { key: 'highway', values: ['bus_stop'], type: 'bus_stop' },
  { key: 'public_transport', values: ['platform'], type: 'bus_stop', requires: { key: 'bus', values: ['yes'] } },
  { key: 'railway', values: ['subway_entrance'], type: 'metro_station' },
  { key: 'railway', values: ['station'], type: 'metro_station', requires: { key: 'station', values: ['subway'] } },
  { key: 'amenity', values: ['charging_station'], type: 'ev_charging' },
  { key: 'amenity', values: ['parking'], type: 'parking' },
  { key: 'amenity', values: ['police'], type: 'police' },
  { key: 'amenity', values: ['fire_station'], type: 'fire_station' },
];

/**
 * How amenity=school is split. Name first (Chinese names say 小学 / 中学), then isced:level
 * (1 → primary, 2/3 → middle). A school saying neither (e.g. 学校, or foreign names) counts as a
 * primary school and gets props.level_assumed = true, because primary schools are the more common
 * and the shorter-distance standard (conservative for coverage).
 */
export const SCHOOL_RULE = {
  middleNamePattern: '(中学|初中|高中|中等|Sekundar|Gymnasium|Oberschule|Realschule)',
  primaryNamePattern: '(小学|Primar|Primarschule|Volksschule|Grundschule)',
  /** Names that are not schools of the life circle (universities, training schools). */
  excludeNamePattern: '(大学|学院|University|Universität|Hochschule)',
} as const;

/** Rules flattened for SQL: one row per (key, value) with its order. */
export function facilityRulesJson(): string {
  const rows = FACILITY_RULES.flatMap((r, i) => r.values.map((v) => ({
    ord: i, key: r.key, value: v, type: r.type, req_key: r.requires?.key ?? null, req_values: r.requires?.values ?? null,
  })));
  return JSON.stringify(rows);
}
