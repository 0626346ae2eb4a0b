-- The annual health-check report (年度体检报告) stored with its check cycle: the HTML and the PDF printed
-- from it by headless Chromium, one per cycle and language (zh default, en). Regenerating replaces it.
-- Audited like every planner-made row; the HTML and PDF bytes are left out of the audit log
-- (internal.audit_row's arguments), which keeps their size, page count and timing.
CREATE TABLE app.check_report (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cycle_id      bigint NOT NULL REFERENCES app.check_cycle (id) ON DELETE CASCADE,
  lang          text NOT NULL CHECK (lang IN ('zh', 'en')),
  html          text NOT NULL,
  pdf           bytea NOT NULL,
  pdf_bytes     integer NOT NULL,
  pages         integer NOT NULL CHECK (pages > 0),
  figures       jsonb NOT NULL DEFAULT '[]',      -- [{id, title, ms}] map figures rendered from the tiles
  cycle_status  text NOT NULL,                    -- draft / published when generated
  sample_data   boolean NOT NULL,                 -- the 示例数据 notice was printed
  duration_ms   double precision NOT NULL,
  generated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT check_report_cycle_lang UNIQUE (cycle_id, lang)
);
COMMENT ON TABLE app.check_report IS 'Annual health-check report (体检报告) of a check cycle: HTML and PDF per language';
CREATE TRIGGER check_report_audit AFTER INSERT OR UPDATE OR DELETE ON app.check_report
  FOR EACH ROW EXECUTE FUNCTION internal.audit_row('html', 'pdf');
