/**
 * Which diagnosis indicators a health-check cycle can give, and how its stored value maps onto the
 * diagnosis's own definition (diagnosis value = offset + scale × cycle value). Used for 社区/街道
 * units of a diagnosis tied to a cycle (analysis.diagnosis_cycle_inputs); every other indicator, and
 * every grid cell, is computed by the diagnosis itself (sql/functions/analysis/diagnosis_unit_indicators.sql).
 *
 * The definitions differ in places, and the run says so (`transform`, `note`):
 *   - park_coverage (%, benefit; residential land within park service radii, official mode) → the
 *     share NOT covered, 1 − v/100, which is green_shortfall_share's definition.
 *   - old_estate_share (%, share of estates by count) → v/100; the diagnosis's own value is by area.
 *   - waterlogging_density (untreated + in-progress points per km² of the unit) → as it is; the
 *     diagnosis's own value is per km² of the unit's built-up area.
 */
export interface CycleSource {
  /** Diagnosis indicator (DIAGNOSIS_INDICATORS code). */
  code: string;
  /** Health-check indicator code (app.indicator_def.code) stored by the cycle. */
  indicator: string;
  offset: number;
  scale: number;
  /** The map in words, for the run's provenance. */
  transform: string;
}

export const CYCLE_SOURCES: readonly CycleSource[] = Object.freeze([
  { code: 'green_shortfall_share', indicator: 'park_coverage', offset: 1, scale: -0.01, transform: '1 − park_coverage/100 (share of residential land outside park service radii)' },
  { code: 'old_estate_share', indicator: 'old_estate_share', offset: 0, scale: 0.01, transform: 'old_estate_share/100 (share of estates by count; computed: by area)' },
  { code: 'waterlogging_density', indicator: 'waterlogging_density', offset: 0, scale: 1, transform: 'waterlogging_density (points per km² of the unit; computed: per km² of built-up area)' },
]);

/** Unit kinds whose units are the cycle's check units (the same admin unit ids). */
export const CYCLE_UNIT_KINDS: readonly string[] = ['community', 'subdistrict'];
