/**
 * The annual report (体检报告) of the chosen check cycle in the 体检 tab: download links of the stored
 * PDFs (and their HTML), and for planners of the city a button that generates or regenerates one in
 * Chinese or English (POST /api/check/cycles/{id}/report; server/routes/report.ts). Types come from the
 * server's contract as type-only imports.
 */
import { useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { GeneratedReportSchema, ReportListSchema } from '../../../server/contract/report.ts';
import { getJson, sendJson } from '../../api/http.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';

type ReportList = Static<typeof ReportListSchema>;
type GeneratedReport = Static<typeof GeneratedReportSchema>;
type ReportLang = 'zh' | 'en';

const fetchReports = (cycleId: number, signal?: AbortSignal) => getJson<ReportList>(`/api/check/cycles/${cycleId}/reports`, signal);
const generateReport = (cycleId: number, lang: ReportLang) => sendJson<GeneratedReport>(`/api/check/cycles/${cycleId}/report`, 'POST', { lang });

export interface ReportButtonProps {
  cycle: { id: number; computedAt: string | null };
  mayEdit: boolean;
}

export function ReportButton({ cycle, mayEdit }: ReportButtonProps) {
  const { t, lang: uiLang } = useI18n();
  const [reports, setReports] = useState<ReportList['reports'] | null>(null);
  const [lang, setLang] = useState<ReportLang>(uiLang === 'en' ? 'en' : 'zh');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    fetchReports(cycle.id, ac.signal).then((r) => setReports(r.reports)).catch((e) => {
      if ((e as Error)?.name !== 'AbortError') setError(e instanceof Error ? e.message : String(e));
    });
    return () => ac.abort();
  }, [cycle.id, refresh]);

  const generate = () => {
    setBusy(true);
    setError(null);
    generateReport(cycle.id, lang).then(() => setRefresh((n) => n + 1))
      .catch((e) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  const existing = reports?.find((r) => r.lang === lang);

  return (
    <div className="report-button small" data-testid="ck-report">
      <h3>{t('rp.title')}</h3>
      {reports && reports.length === 0 && <p className="muted" data-testid="rp-none">{cycle.computedAt ? t('rp.none') : t('rp.notComputed')}</p>}
      {reports?.map((r) => (
        <p key={r.lang} data-testid={`rp-${r.lang}`}>
          <a href={r.pdfUrl} download data-testid={`rp-pdf-${r.lang}`}>{t('rp.pdf', { lang: t(`rp.lang.${r.lang}`) })}</a>
          {' · '}<a href={r.htmlUrl} target="_blank" rel="noreferrer">{t('rp.html')}</a>
          <br />
          <span className="muted">
            {t('rp.info', { pages: r.pages, kb: Math.round(r.pdfBytes / 1024), at: new Date(r.generatedAt).toLocaleString(uiLang === 'en' ? 'en-GB' : 'zh-CN'), s: Math.round(r.durationMs / 100) / 10 })}
            {r.cycleStatus === 'draft' && <> {t('rp.draftNote')}</>}
          </span>
        </p>
      ))}
      {mayEdit && cycle.computedAt && (
        <div className="gc-form" style={{ display: 'flex', gap: 8, alignItems: 'end', flexWrap: 'wrap' }}>
          <label>{t('rp.lang')}{' '}
            <select value={lang} onChange={(e) => setLang(e.target.value as ReportLang)} data-testid="rp-lang">
              <option value="zh">{t('rp.lang.zh')}</option>
              <option value="en">{t('rp.lang.en')}</option>
            </select>
          </label>
          <button type="button" onClick={generate} disabled={busy} data-testid="rp-generate">{existing ? t('rp.regenerate') : t('rp.generate')}</button>
        </div>
      )}
      {busy && <p role="status" data-testid="rp-busy">{t('rp.busy')}</p>}
      {error && <p role="alert" className="gc-error">{t('rp.error')}{error}</p>}
    </div>
  );
}
