/**
 * The facility catalog in force for a city: the documented defaults (app.facility_type) with the
 * overrides of one dataset (app.facility_type_city, migration 061) through the view
 * app.facility_type_effective. Overrides are written in a transaction; the table's triggers audit
 * each row (app.audit_log) and notify caches.
 */
import { sql, type Kysely } from 'kysely';

export type LifeCircleTier = '5min' | '10min' | '15min' | 'block';

/** The overridable fields, named as in the PUT body. */
export interface FacilityTypeOverride {
  standardDistanceM?: number | null;
  lifeCircleTier?: LifeCircleTier | null;
  completeCommunity?: boolean | null;
}

export interface EffectiveFacilityType {
  code: string;
  nameZh: string;
  nameEn: string;
  category: string;
  tier: LifeCircleTier | null;
  standardDistanceM: number | null;
  completeCommunity: boolean;
  confidence: string;
  source: string | null;
  /** Whether each field is the city's own value (true) or the documented default. */
  overridden: { standardDistanceM: boolean; lifeCircleTier: boolean; completeCommunity: boolean };
}

/** Unknown dataset or facility type; the error handler answers 400 with the message. */
export class FacilityCatalogError extends Error {
  readonly code = 'FACILITY_CATALOG';
  readonly statusCode = 400;
}

type Db = Kysely<unknown>;

async function assertDataset(db: Db, dataset: string): Promise<void> {
  const r = await sql`SELECT 1 FROM app.dataset WHERE id = ${dataset}`.execute(db);
  if (!r.rows.length) throw new FacilityCatalogError(`Unknown dataset: ${dataset}`);
}

/** The effective catalog of a dataset (the defaults when `dataset` is null), ordered as displayed. */
export async function effectiveCatalog(db: Db, dataset: string | null): Promise<EffectiveFacilityType[]> {
  if (dataset !== null) await assertDataset(db, dataset);
  const r = await sql<Omit<EffectiveFacilityType, 'overridden'> & { o1: boolean; o2: boolean; o3: boolean }>`
    SELECT code, name_zh AS "nameZh", name_en AS "nameEn", category, life_circle_tier AS tier,
           standard_distance_m AS "standardDistanceM", complete_community AS "completeCommunity",
           confidence, source, standard_distance_overridden AS o1, life_circle_tier_overridden AS o2,
           complete_community_overridden AS o3
    FROM app.facility_type_effective
    WHERE dataset_id IS NOT DISTINCT FROM ${dataset}::text
    ORDER BY sort, code`.execute(db);
  return r.rows.map(({ o1, o2, o3, ...row }) => ({ ...row, overridden: { standardDistanceM: o1, lifeCircleTier: o2, completeCommunity: o3 } }));
}

export function facilityTypeRepository(db: Db) {
  return {
    effective: (dataset: string | null) => effectiveCatalog(db, dataset),

    /**
     * Sets a dataset's override of one type: fields left out keep their current override, `null`
     * returns a field to the default; a row left with no override is deleted. Returns the effective row.
     */
    async setOverride(dataset: string, code: string, change: FacilityTypeOverride): Promise<EffectiveFacilityType> {
      return db.transaction().execute(async (trx) => {
        await assertDataset(trx, dataset);
        const known = await sql`SELECT 1 FROM app.facility_type WHERE code = ${code}`.execute(trx);
        if (!known.rows.length) throw new FacilityCatalogError(`Unknown facility type: ${code}`);
        const has = (k: keyof FacilityTypeOverride) => Object.hasOwn(change, k);
        await sql`
          INSERT INTO app.facility_type_city AS o (dataset_id, code, standard_distance_m, life_circle_tier, complete_community)
          VALUES (${dataset}, ${code}, ${change.standardDistanceM ?? null}, ${change.lifeCircleTier ?? null}, ${change.completeCommunity ?? null})
          ON CONFLICT (dataset_id, code) DO UPDATE SET
            standard_distance_m = CASE WHEN ${has('standardDistanceM')} THEN EXCLUDED.standard_distance_m ELSE o.standard_distance_m END,
            life_circle_tier    = CASE WHEN ${has('lifeCircleTier')} THEN EXCLUDED.life_circle_tier ELSE o.life_circle_tier END,
            complete_community  = CASE WHEN ${has('completeCommunity')} THEN EXCLUDED.complete_community ELSE o.complete_community END`.execute(trx);
        await sql`
          DELETE FROM app.facility_type_city
          WHERE dataset_id = ${dataset} AND code = ${code}
            AND standard_distance_m IS NULL AND life_circle_tier IS NULL AND complete_community IS NULL`.execute(trx);
        return (await effectiveCatalog(trx, dataset)).find((t) => t.code === code)!;
      });
    },
  };
}

export type FacilityTypeRepository = ReturnType<typeof facilityTypeRepository>;
