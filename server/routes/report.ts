/**
 * The annual report (体检报告) of a check cycle. Handlers validate, call server/report, return.
 *
 *   POST /api/check/cycles/:cycleId/report        generate (or regenerate) the HTML + PDF in a language, stored with the cycle → 201
 *   GET  /api/check/cycles/:cycleId/reports       the stored reports of the cycle
 *   GET  /api/check/cycles/:cycleId/report.pdf    download the stored PDF (?lang=zh|en)
 *   GET  /api/check/cycles/:cycleId/report.html   the stored HTML (?lang=zh|en)
 *
 * The headless page that draws the map figures asks for tiles and values through `app.inject`, with the
 * caller's own cookie or token, so an intranet deployment's read rule applies to the figures too.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { CycleParamsSchema } from '../contract/check.ts';
import { ErrorSchema } from '../contract/common.ts';
import { GeneratedReportSchema, ReportBodySchema, ReportFileQuerySchema, ReportListSchema, type ReportLang } from '../contract/report.ts';
import { HttpError, notFound } from '../errors.ts';
import { REPORT_ORIGIN, type FetchResource } from '../report/map-figures.ts';
import { reportRepository, type StoredReportMeta } from '../report/report-repository.ts';
import { ReportError, generateReport } from '../report/report-service.ts';
import { checkRepository } from '../repositories/check-repository.ts';

const tags = ['health check'];
const errors = { 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema };
type CycleParams = Static<typeof CycleParamsSchema>;

/** Longest a report may take before the request answers 503 (Chromium drawing two maps and printing). */
const REPORT_DEADLINE_MS = 120_000;

const STATUS: Record<ReportError['code'], number> = { NO_CYCLE: 404, NO_VALUES: 409, NO_EXTENT: 409, TIMEOUT: 503 };

export default async function reportRoutes(app: FastifyInstance) {
  const reports = reportRepository(app.db);
  const checks = checkRepository(app.db);
  const inFlight = new Set<string>();
  const withUrls = (r: StoredReportMeta) => ({
    ...r,
    pdfUrl: `/api/check/cycles/${r.cycleId}/report.pdf?lang=${r.lang}`,
    htmlUrl: `/api/check/cycles/${r.cycleId}/report.html?lang=${r.lang}`,
  });
  const cycleOf = async (id: number) => {
    const c = await checks.cycle(id);
    if (!c) throw notFound(`No check cycle ${id}`);
    return c;
  };
  /** The app answering the figure page's requests in-process, as the caller. */
  const fetchAs = (req: FastifyRequest): FetchResource => async (url) => {
    const headers: Record<string, string> = { host: new URL(REPORT_ORIGIN).host };
    if (req.headers.cookie) headers.cookie = req.headers.cookie;
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const res = await app.inject({ method: 'GET', url, headers });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? 'application/octet-stream'), body: res.rawPayload };
  };

  app.post<{ Params: CycleParams; Body: Static<typeof ReportBodySchema> }>('/api/check/cycles/:cycleId/report',
    { schema: { tags, summary: 'Generate the annual report (体检报告) of a cycle as HTML and PDF (maps drawn from the tiles), stored with the cycle', params: CycleParamsSchema, body: ReportBodySchema, response: { 201: GeneratedReportSchema, ...errors } } },
    async (req, reply) => {
      const cycle = await cycleOf(req.params.cycleId);
      if (req.user?.dataset && req.user.dataset !== cycle.dataset) throw new HttpError(403, `${req.user.username} may change only the city ${req.user.dataset}, not ${cycle.dataset}.`, 'CITY_SCOPE');
      const lang: ReportLang = req.body?.lang ?? 'zh';
      const key = `${cycle.id}:${lang}`;
      if (inFlight.has(key)) throw new HttpError(409, `The ${lang} report of cycle ${cycle.id} is being generated; try again when it is done.`, 'REPORT_RUNNING', { 'retry-after': '20' });
      inFlight.add(key);
      try {
        const meta = await generateReport(app.analysisDb, fetchAs(req), cycle.id, { lang, deadlineMs: REPORT_DEADLINE_MS });
        return reply.code(201).send({
          ...withUrls(meta),
          effective: {
            lang: { value: lang, origin: req.body?.lang ? 'request' : 'default' },
            indexNorm: { value: 'target', origin: 'default' },
            indexWeights: { value: 'equal', origin: 'default' },
          },
        });
      } catch (err) {
        if (err instanceof ReportError) throw new HttpError(STATUS[err.code], err.message, err.code, err.code === 'TIMEOUT' ? { 'retry-after': '30' } : {});
        throw err;
      } finally {
        inFlight.delete(key);
      }
    });

  app.get<{ Params: CycleParams }>('/api/check/cycles/:cycleId/reports',
    { schema: { tags, summary: 'Stored annual reports of a cycle (one per language)', params: CycleParamsSchema, response: { 200: ReportListSchema, ...errors } } },
    async (req) => {
      const cycle = await cycleOf(req.params.cycleId);
      return { cycleId: cycle.id, reports: (await reports.list(cycle.id)).map(withUrls) };
    });

  for (const kind of ['pdf', 'html'] as const) {
    app.get<{ Params: CycleParams; Querystring: Static<typeof ReportFileQuerySchema> }>(`/api/check/cycles/:cycleId/report.${kind}`,
      { schema: { tags, summary: `The stored annual report of a cycle as ${kind.toUpperCase()}`, params: CycleParamsSchema, querystring: ReportFileQuerySchema, produces: [kind === 'pdf' ? 'application/pdf' : 'text/html'] } },
      async (req, reply) => {
        const cycle = await cycleOf(req.params.cycleId);
        const lang = req.query.lang ?? 'zh';
        const file = await reports.file(cycle.id, lang, kind);
        if (!file) throw notFound(`No ${lang} report of cycle ${cycle.id} yet: generate it with POST /api/check/cycles/${cycle.id}/report`);
        const name = `citycheck-${cycle.dataset}-${cycle.year}-report-${lang}.${kind}`;
        return reply.type(kind === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8')
          .header('content-disposition', `${kind === 'pdf' ? 'attachment' : 'inline'}; filename="${name}"`)
          .header('last-modified', file.generatedAt.toUTCString())
          .send(file.body);
      });
  }
}
