-- 0020: stack separation at ingest and background OCR (issue 20). A page that is a cover or separator sheet stays a record of
-- the scan (never deleted) but is kept out of every PDF: `sheet` says which kind it is (NULL: a content page),
-- `sheet_code` what was read on it (the QR text or the patch code). `sheet_problem` flags a code the station
-- could not use (unreadable, foreign, another station's, naming nothing here) for the clerk: never guessed.
-- A scan job remembers where its pages go now (`route_component_id`, set by the last separator read), so a
-- restart or a Continue after a jam keeps routing the rest of the stack.
ALTER TABLE page ADD COLUMN sheet TEXT CHECK (sheet IN ('dossier_cover', 'component_separator', 'patch_t', 'patch_ii', 'separator_other_side'));
ALTER TABLE page ADD COLUMN sheet_code TEXT;
ALTER TABLE page ADD COLUMN sheet_problem TEXT CHECK (sheet_problem IN ('SHEET_CODE_UNREADABLE', 'SHEET_CODE_FOREIGN', 'SHEET_CODE_OTHER_STATION', 'SHEET_CODE_UNKNOWN'));
ALTER TABLE scan_job ADD COLUMN route_component_id TEXT REFERENCES component(id) ON DELETE SET NULL;

-- Searchable text (OCR) made in the background after assembly: one job per assembled document. The job
-- assembles the same pages again with an invisible text layer and swaps the document's bytes only while it
-- still holds `source_sha256` (unsigned, unchanged). Signing waits for a queued or running job.
CREATE TABLE ocr_job (
  document_id   TEXT PRIMARY KEY REFERENCES document(id) ON DELETE CASCADE,
  lang          TEXT NOT NULL,
  profile       TEXT NOT NULL,
  pdfa_level    TEXT NOT NULL CHECK (pdfa_level IN ('1b', '2b')),
  source_sha256 TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'superseded')),
  pages_done    INTEGER NOT NULL DEFAULT 0,
  pages_total   INTEGER NOT NULL,
  error_code    TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX ocr_job_state ON ocr_job(state, created_at);

-- The recognised text of each page of a document (NFC), and the same folded as a clerk types a search
-- (no diacritics, lower case): the station's own documents are found by a word on their pages.
CREATE TABLE document_text (
  document_id TEXT NOT NULL REFERENCES document(id) ON DELETE CASCADE,
  page        INTEGER NOT NULL,
  text        TEXT NOT NULL,
  folded      TEXT NOT NULL,
  PRIMARY KEY (document_id, page)
) STRICT;
