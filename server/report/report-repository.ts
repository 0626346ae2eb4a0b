/** Stored reports of check cycles (app.check_report, migration 150): one per cycle and language, audited. */
import { sql, type Kysely } from 'kysely';
import type { ReportLang } from './report-messages.ts';

export interface StoredReportMeta {
  id: number; cycleId: number; lang: ReportLang; pages: number; pdfBytes: number; figures: { id: string; ms: number }[];
  cycleStatus: string; sampleData: boolean; durationMs: number; generatedAt: string;
}
interface Row {
  id: string; cycle_id: string; lang: ReportLang; pages: number; pdf_bytes: number; figures: { id: string; ms: number }[];
  cycle_status: string; sample_data: boolean; duration_ms: number; generated_at: Date;
}
const META = sql`id, cycle_id, lang, pages, pdf_bytes, figures, cycle_status, sample_data, duration_ms, generated_at`;
const toMeta = (r: Row): StoredReportMeta => ({
  id: Number(r.id), cycleId: Number(r.cycle_id), lang: r.lang, pages: r.pages, pdfBytes: r.pdf_bytes, figures: r.figures,
  cycleStatus: r.cycle_status, sampleData: r.sample_data, durationMs: r.duration_ms, generatedAt: r.generated_at.toISOString(),
});

export function reportRepository(db: Kysely<unknown>) {
  return {
    /** Stores (or replaces) the report of a cycle in a language, in one transaction. */
    async store(r: { cycleId: number; lang: ReportLang; html: string; pdf: Buffer; pages: number; figures: { id: string; ms: number }[]; cycleStatus: string; sampleData: boolean; durationMs: number }): Promise<StoredReportMeta> {
      return db.transaction().execute(async (trx) => {
        const { rows } = await sql<Row>`
          INSERT INTO app.check_report (cycle_id, lang, html, pdf, pdf_bytes, pages, figures, cycle_status, sample_data, duration_ms)
          VALUES (${r.cycleId}, ${r.lang}, ${r.html}, ${r.pdf}, ${r.pdf.length}, ${r.pages}, ${JSON.stringify(r.figures)}::jsonb, ${r.cycleStatus}, ${r.sampleData}, ${r.durationMs})
          ON CONFLICT (cycle_id, lang) DO UPDATE SET html = excluded.html, pdf = excluded.pdf, pdf_bytes = excluded.pdf_bytes, pages = excluded.pages,
            figures = excluded.figures, cycle_status = excluded.cycle_status, sample_data = excluded.sample_data, duration_ms = excluded.duration_ms, generated_at = now()
          RETURNING ${META}`.execute(trx);
        return toMeta(rows[0]);
      });
    },

    async list(cycleId: number): Promise<StoredReportMeta[]> {
      const { rows } = await sql<Row>`SELECT ${META} FROM app.check_report WHERE cycle_id = ${cycleId} ORDER BY lang DESC`.execute(db);
      return rows.map(toMeta);
    },

    async file(cycleId: number, lang: ReportLang, kind: 'pdf' | 'html'): Promise<{ body: Buffer | string; generatedAt: Date } | undefined> {
      const { rows } = kind === 'pdf'
        ? await sql<{ body: Buffer; generated_at: Date }>`SELECT pdf AS body, generated_at FROM app.check_report WHERE cycle_id = ${cycleId} AND lang = ${lang}`.execute(db)
        : await sql<{ body: string; generated_at: Date }>`SELECT html AS body, generated_at FROM app.check_report WHERE cycle_id = ${cycleId} AND lang = ${lang}`.execute(db);
      return rows[0] ? { body: rows[0].body, generatedAt: rows[0].generated_at } : undefined;
    },

    /** lon/lat WGS-84 [west, south, east, north] of the city's admin units, else its buildings. */
    async cityBounds(dataset: string): Promise<[number, number, number, number] | undefined> {
      const { rows } = await sql<{ w: number | null; s: number; e: number; n: number }>`
        WITH ds AS (SELECT id FROM app.dataset WHERE id = ${dataset} OR city_id = ${dataset}),
        ext AS (SELECT coalesce((SELECT ST_Extent(geom) FROM app.admin_unit WHERE dataset_id IN (SELECT id FROM ds)),
                                (SELECT ST_Extent(geom) FROM app.building WHERE dataset_id IN (SELECT id FROM ds))) AS b)
        SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n FROM ext`.execute(db);
      const r = rows[0];
      return r && r.w !== null ? [r.w, r.s, r.e, r.n] : undefined;
    },
  };
}
