/**
 * The audit trail: who changed what and when, with the row before and after (app.audit_log,
 * written by triggers; the person is the signed-in user). Planners and admins may read it.
 *
 *   GET /api/audit?userId=&table=&rowId=&from=&to=&before=&limit=   newest first; `rowId` with
 *       `table` is one feature's history (or `layer`: a map layer, read as its main table); page
 *       with `before` = the previous page's nextBefore
 */
import type { FastifyInstance } from 'fastify';
import { AuditListSchema, AuditQuerySchema, type AuditList, type AuditQuery } from '../contract/auth.ts';
import { ErrorSchema } from '../contract/common.ts';
import { badRequest } from '../errors.ts';
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
    const { layer, ...q } = req.query;
    if (layer !== undefined && q.table !== undefined) throw badRequest('Give table or layer, not both.');
    // A map layer's features are rows of its first table (tiles/layers.ts); unknown layer → 404.
    const table = layer !== undefined ? app.tileCatalog.get(layer).def.tables[0] : q.table;
    const limit = q.limit ?? 100;
    const [entries, tables] = await Promise.all([audit.list({ ...q, table, limit }), audit.auditedTables()]);
    return { entries, limit, nextBefore: entries.length === limit ? entries[entries.length - 1].id : null, tables };
  });
}
