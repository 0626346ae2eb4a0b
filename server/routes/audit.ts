/**
 * The audit trail: who changed what and when, with the row before and after (app.audit_log,
 * written by triggers; the person is the signed-in user). Planners and admins may read it.
 *
 *   GET /api/audit?userId=&table=&rowId=&from=&to=&before=&limit=   newest first; `rowId` with
 *       `table` is one feature's history; page with `before` = the previous page's nextBefore
 */
import type { FastifyInstance } from 'fastify';
import { AuditListSchema, AuditQuerySchema, type AuditList, type AuditQuery } from '../contract/auth.ts';
import { ErrorSchema } from '../contract/common.ts';
import { auditRepository } from '../repositories/audit-repository.ts';

export default async function auditRoutes(app: FastifyInstance) {
  const audit = auditRepository(app.db);

  app.get<{ Querystring: AuditQuery }>('/api/audit', {
    config: { role: 'planner' },
    schema: {
      tags: ['audit'], summary: 'Audit trail: who changed what, when, before and after (filter by user, table, feature, time)',
      querystring: AuditQuerySchema, response: { 200: AuditListSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
    },
  }, async (req): Promise<AuditList> => {
    const limit = req.query.limit ?? 100;
    const [entries, tables] = await Promise.all([audit.list({ ...req.query, limit }), audit.auditedTables()]);
    return { entries, limit, nextBefore: entries.length === limit ? entries[entries.length - 1].id : null, tables };
  });
}
