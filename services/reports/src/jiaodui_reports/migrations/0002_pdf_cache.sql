-- rendered PDFs, kept per report revision and language: a revision never changes, and
-- rendering one (loading a CJK font of ~30,000 glyphs) costs seconds of CPU
CREATE TABLE report_pdfs (
    report_id uuid    NOT NULL REFERENCES reports (report_id),
    revision  integer NOT NULL,
    lang      text    NOT NULL,
    blob_key  text    NOT NULL,
    PRIMARY KEY (report_id, revision, lang)
);
