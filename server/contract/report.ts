/**
 * The annual report (体检报告) of a check cycle: request and response schemas of
 * /api/check/cycles/{cycleId}/report… (server/routes/report.ts). The PDF and HTML are stored with the cycle.
 */
import { Type, type Static } from 'typebox';
import { EffectiveParamsSchema } from './common.ts';

export const ReportLangSchema = Type.Union([Type.Literal('zh'), Type.Literal('en')], { description: 'zh 中文 (default) or en English' });
export type ReportLang = Static<typeof ReportLangSchema>;

export const ReportBodySchema = Type.Object({
  lang: Type.Optional(ReportLangSchema),
}, { additionalProperties: false });
export const ReportFileQuerySchema = Type.Object({ lang: Type.Optional(ReportLangSchema) }, { additionalProperties: false });

export const ReportMetaSchema = Type.Object({
  id: Type.Integer(),
  cycleId: Type.Integer(),
  lang: ReportLangSchema,
  pages: Type.Integer({ description: 'PDF pages (A4)' }),
  pdfBytes: Type.Integer(),
  figures: Type.Array(Type.Object({ id: Type.String({ description: 'overview / choropleth' }), ms: Type.Number({ description: 'drawing time in ms' }) })),
  cycleStatus: Type.String({ description: 'the cycle\'s status when the report was made (draft / published)' }),
  sampleData: Type.Boolean({ description: 'the 示例数据 notice is printed' }),
  durationMs: Type.Number(),
  generatedAt: Type.String(),
  pdfUrl: Type.String(),
  htmlUrl: Type.String(),
});
export type ReportMeta = Static<typeof ReportMetaSchema>;
export const GeneratedReportSchema = Type.Intersect([ReportMetaSchema, Type.Object({ effective: EffectiveParamsSchema })]);
export type GeneratedReport = Static<typeof GeneratedReportSchema>;
export const ReportListSchema = Type.Object({ cycleId: Type.Integer(), reports: Type.Array(ReportMetaSchema) });
