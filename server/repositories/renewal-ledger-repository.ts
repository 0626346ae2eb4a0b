/**
 * Ledger edits from the map (治理 → 复查): an estate's renovation status / class / plan year (a
 * waterlogging point's status: PATCH /api/waterlogging-points/:pointId, diagnosis repository). Each edit is one transaction with the actor
 * set for the audit trigger; the layer tables' change-feed trigger (migration 003) notifies
 * citycheck_change with the row's extent, so the tile cache drops exactly the touched tiles and the
 * next tile shows the change.
 */
import { sql, type Kysely } from 'kysely';
import { notFound } from '../errors.ts';
import { assertCityScope, type CityWriteScope } from './project-repository.ts';

export interface EstateLedgerEdit {
  actor: string;
  renovationStatus?: string | null;
  renovationClass?: string[];
  renovationPlanYear?: number | null;
}

export function renewalLedgerRepository(db: Kysely<unknown>) {
  return {
    /** `scope`: a city-scoped account may edit only estates of its city (their own city is checked) → else 403. */
    async patchEstate(id: number, e: EstateLedgerEdit, scope?: CityWriteScope) {
      return db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('citycheck.actor', ${e.actor}, true)`.execute(trx);
        const { rows: [cur] } = await sql<{ city: string }>`
          SELECT coalesce(d.city_id, d.id) AS city FROM app.estate x JOIN app.dataset d ON d.id = x.dataset_id
          WHERE x.id = ${id}::bigint FOR UPDATE OF x`.execute(trx);
        if (!cur) throw notFound(`No estate ${id}`);
        assertCityScope(scope, cur.city);
        const has = (k: keyof EstateLedgerEdit) => Object.hasOwn(e, k);
        const { rows } = await sql<{ id: number; name: string | null; renovationStatus: string | null; renovationClass: string[]; renovationPlanYear: number | null; updatedAt: Date }>`
          UPDATE app.estate SET
            renovation_status = CASE WHEN ${has('renovationStatus')} THEN ${e.renovationStatus ?? null}::text ELSE renovation_status END,
            renovation_class = CASE WHEN ${has('renovationClass')} THEN ${e.renovationClass ?? []}::text[] ELSE renovation_class END,
            renovation_plan_year = CASE WHEN ${has('renovationPlanYear')} THEN ${e.renovationPlanYear ?? null}::int ELSE renovation_plan_year END,
            updated_at = now()
          WHERE id = ${id}::bigint
          RETURNING id, name, renovation_status AS "renovationStatus", renovation_class AS "renovationClass",
                    renovation_plan_year AS "renovationPlanYear", updated_at AS "updatedAt"`.execute(trx);
        if (!rows.length) throw notFound(`No estate ${id}`);
        return { ...rows[0], updatedAt: new Date(rows[0].updatedAt).toISOString() };
      });
    },
  };
}
