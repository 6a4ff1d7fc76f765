-- 0016: delivery to the provincial systems (issue 16): dossier codes reserved before a create call,
-- the station's own MaHoSo sequence (DVCQG: the caller mints the code), reuse of earlier documents.

-- A MaHoSo obtained (DVC Bộ next-code) or minted (DVCQG) for a draft, stored BEFORE the create call so that
-- a create whose reply was lost is found by looking the code up (the real targets have no idempotency key).
CREATE TABLE dossier_code_reservation (
  dossier_id    TEXT PRIMARY KEY REFERENCES dossier(id) ON DELETE CASCADE,
  dossier_code  TEXT NOT NULL UNIQUE,
  target        TEXT NOT NULL CHECK (target IN ('sohoa-v1', 'dvc-bo', 'dvcqg')),
  reserved_at   TEXT NOT NULL
) STRICT;

CREATE TABLE local_code_sequence (
  agency_code   TEXT NOT NULL,
  day           TEXT NOT NULL,               -- yyMMdd, Asia/Ho_Chi_Minh
  last_seq      INTEGER NOT NULL,
  PRIMARY KEY (agency_code, day)
) STRICT;

-- A component filled from an earlier, still valid document instead of a new scan ("digitise once").
CREATE TABLE component_reuse (
  component_id        TEXT PRIMARY KEY REFERENCES component(id) ON DELETE CASCADE,
  source              TEXT NOT NULL CHECK (source IN ('local', 'remote')),
  source_document_id  TEXT,                  -- local: the earlier document
  source_dossier_code TEXT,                  -- the dossier the document was first delivered in
  sha256              TEXT NOT NULL,
  taken_by            TEXT,
  taken_at            TEXT NOT NULL
) STRICT;
CREATE INDEX dossier_owner ON dossier(owner_id);
