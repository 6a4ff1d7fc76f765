-- 0005: dossier lifecycle, sync bookkeeping, retention. Reserved number of the dossiers/sync area.

-- A result dossier (purpose 'result') digitises the kết quả of a dossier already known to the one-stop
-- system by its code (MaHoSo), e.g. one received online.
ALTER TABLE dossier ADD COLUMN result_for_code TEXT;
ALTER TABLE dossier ADD COLUMN completed_at TEXT;   -- all required components digitised and signed
ALTER TABLE dossier ADD COLUMN queued_at TEXT;
ALTER TABLE dossier ADD COLUMN synced_at TEXT;      -- last receipt that listed every document

-- Per document: what the server told us. A row with synced_at is written ONLY from a receipt that lists
-- the document's sha256 (never from an upload reply alone).
CREATE TABLE document_sync (
  document_id   TEXT PRIMARY KEY REFERENCES document(id) ON DELETE CASCADE,
  sha256        TEXT NOT NULL,                 -- the bytes that were uploaded
  file_id       TEXT,                          -- server file id (after by-hash / upload)
  uploaded_at   TEXT,
  synced_at     TEXT,                          -- receipt listed sha256
  dossier_code  TEXT,                          -- MaHoSo of the receipt
  purged_at     TEXT                           -- local copy removed by the retention policy
) STRICT;
CREATE INDEX document_sync_synced ON document_sync(synced_at);

-- Every receipt the server gave (audit trail of what it confirmed).
CREATE TABLE sync_receipt (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  dossier_id    TEXT NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
  dossier_code  TEXT NOT NULL,
  committed_at  TEXT,
  received_at   TEXT NOT NULL,
  via           TEXT NOT NULL CHECK (via IN ('commit', 'conflict', 'lookup')),
  receipt_json  TEXT NOT NULL
) STRICT;
CREATE INDEX sync_receipt_dossier ON sync_receipt(dossier_id);

-- Blobs whose local copy was purged after receipt + retention (the row stays: hashes are history).
CREATE TABLE blob_purge (
  sha256     TEXT PRIMARY KEY REFERENCES blob(sha256),
  purged_at  TEXT NOT NULL
) STRICT;
