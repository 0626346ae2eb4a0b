/**
 * Criteria of street blocks (街区) and drawn sites from what analysis.renewal_site_criteria measured:
 * the estates a site overlaps become area-weighted criteria, so that blocks and sites rank with the
 * estates on the same scale (server/renewal/criteria.ts). Pure functions: no database, no Fastify.
 *
 * Rules (design choices, CityCheck):
 *   build year   mean of the overlapped estates' build years, weighted by their area inside the site
 *                (estates without a year left out); age = check year − that mean, ≥ 0
 *   renovation   the renovation gap (RENOVATION_GAP) weighted the same way; null without estates
 *   residents    each estate's residents × the share of its area inside the site, summed
 *   life circle  unmet facility types weighted by area inside; null without a stored run or estates
 *   old share    area of old estates inside ÷ site area (from SQL)
 * Only estates with at least siteEstateMinShare of their area inside, or covering that share of the
 * site, count (analysis.renewal_site_criteria): a sliver across a street lends nothing.
 * Everything else (park distance, waterlogging, buildings, low-value space, diagnosis) is measured on
 * the site's own geometry.
 */
import { RENOVATION_GAP, type EstateCriteriaRow } from './criteria.ts';

/** One estate overlapped by a site (the `estates` JSON of analysis.renewal_site_criteria). */
export interface SiteEstate {
  id: number; insideM2: number; estateM2: number; buildYear: number | null; isOld: boolean;
  status: string | null; residents: number | null; unmet: number | null; isSample: boolean;
}

/** One row of analysis.renewal_site_criteria, camelCase. */
export interface SiteCriteriaRow {
  siteIdx: number; areaM2: number; estates: SiteEstate[]; oldEstateShare: number;
  parkDistanceM: number | null; lifeCircleRunId: number | null;
  waterloggingPoints: number; waterloggingSeverity: number;
  buildingCount: number; maxHeightM: number | null; meanBuildingYear: number | null;
  lowValueAreaM2: number; lon: number; lat: number;
  diseaseScore: number | null; hotspotBin: number | null; diagnosisRunId: number | null;
}

/** Area-weighted mean of `value` over the estates where it is known; null when none is. */
function weightedMean(estates: readonly SiteEstate[], value: (e: SiteEstate) => number | null): number | null {
  let sw = 0, sx = 0;
  for (const e of estates) {
    const x = value(e);
    if (x === null || !(e.insideM2 > 0)) continue;
    sw += e.insideM2; sx += e.insideM2 * x;
  }
  return sw > 0 ? sx / sw : null;
}

/**
 * A block or site as a criteria row the ranking reads like an estate's.
 * @param id a stand-in estate id (never an app.estate id); the caller keys candidates by kind
 * @param checkYear year of the check (age = checkYear − mean build year)
 */
export function siteAsCriteriaRow(row: SiteCriteriaRow, id: number, name: string | null, checkYear: number): EstateCriteriaRow {
  const year = weightedMean(row.estates, (e) => e.buildYear);
  const residents = row.estates.reduce((s, e) => s + (e.residents !== null && e.estateM2 > 0 ? e.residents * Math.min(1, e.insideM2 / e.estateM2) : 0), 0);
  const anyResidents = row.estates.some((e) => e.residents !== null);
  return {
    estateId: id, name, nameDerived: false,
    buildYear: year === null ? null : Math.round(year),
    isOld: row.oldEstateShare > 0,
    ageYears: year === null ? null : Math.max(0, checkYear - year),
    renovationStatus: null, renovationClass: [], renovationPlanYear: null,
    renovationGap: weightedMean(row.estates, (e) => RENOVATION_GAP[e.status ?? 'not_listed'] ?? 1),
    oldEstateShare: row.oldEstateShare,
    residents: anyResidents ? Math.round(residents) : null, households: null, floorAreaM2: null, areaM2: row.areaM2,
    isSample: row.estates.some((e) => e.isSample),
    parkDistanceM: row.parkDistanceM,
    lifeCircleUnmet: row.lifeCircleRunId === null ? null : weightedMean(row.estates, (e) => e.unmet),
    lifeCircleRunId: row.lifeCircleRunId,
    waterloggingPoints: row.waterloggingPoints, waterloggingSeverity: row.waterloggingSeverity,
    buildingCount: row.buildingCount, maxHeightM: row.maxHeightM, meanBuildingYear: row.meanBuildingYear,
    lowValueAreaM2: row.lowValueAreaM2, lon: row.lon, lat: row.lat,
    diseaseScore: row.diseaseScore, hotspotBin: row.hotspotBin, diagnosisRunId: row.diagnosisRunId,
  };
}
