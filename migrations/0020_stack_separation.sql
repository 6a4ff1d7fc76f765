-- 0020: stack separation at ingest (issue 20). A page that is a cover or separator sheet stays a record of
-- the scan (never deleted) but is kept out of every PDF: `sheet` says which kind it is (NULL: a content page),
-- `sheet_code` what was read on it (the QR text or the patch code). `sheet_problem` flags a code the station
-- could not use (unreadable, foreign, another station's, naming nothing here) for the clerk: never guessed.
-- A scan job remembers where its pages go now (`route_component_id`, set by the last separator read), so a
-- restart or a Continue after a jam keeps routing the rest of the stack.
ALTER TABLE page ADD COLUMN sheet TEXT CHECK (sheet IN ('dossier_cover', 'component_separator', 'patch_t', 'patch_ii', 'separator_other_side'));
ALTER TABLE page ADD COLUMN sheet_code TEXT;
ALTER TABLE page ADD COLUMN sheet_problem TEXT CHECK (sheet_problem IN ('SHEET_CODE_UNREADABLE', 'SHEET_CODE_FOREIGN', 'SHEET_CODE_OTHER_STATION', 'SHEET_CODE_UNKNOWN'));
ALTER TABLE scan_job ADD COLUMN route_component_id TEXT REFERENCES component(id) ON DELETE SET NULL;
