/**
 * Ledger edits from the map (治理 → 复查): an estate's renovation status / class / plan year and a
 * waterlogging point's status (未治理 → 治理中 → 已销号). Each edit is one transaction with the actor
 * set for the audit trigger; the layer tables' change-feed trigger (migration 003) notifies
 * citycheck_change with the row's extent, so the tile cache drops exactly the touched tiles and the
 * next tile shows the change.
 */
import { sql, type Kysely } from 'kysely';
import { notFound } from '../errors.ts';
import { IllegalTransitionError } from '../renewal/renewal-error.ts';

/** Waterlogging status moves: treat, close, and reopen (a closed point flooded again, or treatment stopped). */
export const WATERLOGGING_MOVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  untreated: ['in_progress'],
  in_progress: ['closed', 'untreated'],
  closed: ['untreated'],
});
const WL_ZH: Record<string, string> = { untreated: '未治理', in_progress: '治理中', closed: '已销号' };

export interface EstateLedgerEdit {
  actor: string;
  renovationStatus?: string | null;
  renovationClass?: string[];
  renovationPlanYear?: number | null;
}

export function renewalLedgerRepository(db: Kysely<unknown>) {
  return {
    async patchEstate(id: number, e: EstateLedgerEdit) {
      return db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('citycheck.actor', ${e.actor}, true)`.execute(trx);
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

    /** Moves a waterlogging point's status; a move WATERLOGGING_MOVES does not list → 409 naming the allowed ones. */
    async patchWaterlogging(id: number, actor: string, status: string, remediationProjectId?: number | null) {
      return db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('citycheck.actor', ${actor}, true)`.execute(trx);
        const { rows: cur } = await sql<{ status: string }>`SELECT status FROM app.waterlogging_point WHERE id = ${id}::bigint FOR UPDATE`.execute(trx);
        if (!cur.length) throw notFound(`No waterlogging point ${id}`);
        const from = cur[0].status;
        if (from !== status && !(WATERLOGGING_MOVES[from] ?? []).includes(status)) {
          const allowed = (WATERLOGGING_MOVES[from] ?? []).map((s) => `${WL_ZH[s]} ${s}`).join(', ');
          throw new IllegalTransitionError(`Waterlogging point ${id} cannot move from ${WL_ZH[from]} ${from} to ${WL_ZH[status] ?? ''} ${status}; allowed next: ${allowed}`, from, status);
        }
        if (remediationProjectId) {
          const { rows } = await sql`SELECT 1 FROM app.renewal_project WHERE id = ${remediationProjectId}::bigint`.execute(trx);
          if (!rows.length) throw notFound(`No renewal project ${remediationProjectId}`);
        }
        const { rows } = await sql<{ id: number; name: string; status: string; remediationProjectId: number | null; updatedAt: Date }>`
          UPDATE app.waterlogging_point SET status = ${status},
            remediation_project_id = CASE WHEN ${remediationProjectId !== undefined} THEN ${remediationProjectId ?? null}::bigint ELSE remediation_project_id END,
            updated_at = now()
          WHERE id = ${id}::bigint
          RETURNING id, name, status, remediation_project_id AS "remediationProjectId", updated_at AS "updatedAt"`.execute(trx);
        return { ...rows[0], updatedAt: new Date(rows[0].updatedAt).toISOString() };
      });
    },
  };
}
