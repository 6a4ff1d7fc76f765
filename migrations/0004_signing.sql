-- 0004: signing details. Reserved number of the signing area.

-- Which field a signature occupies, the proven (TSA) time, who signed at the counter, the certificate's
-- issuer and the revocation/chain verdict at signing time (TT 15/2025: keep the check result).
ALTER TABLE signature ADD COLUMN field_name TEXT;
ALTER TABLE signature ADD COLUMN tsa_time TEXT;
ALTER TABLE signature ADD COLUMN signed_by TEXT REFERENCES user(id);
ALTER TABLE signature ADD COLUMN cert_issuer TEXT;
ALTER TABLE signature ADD COLUMN chain_status TEXT CHECK (chain_status IN ('trusted', 'unchecked'));
ALTER TABLE signature ADD COLUMN revocation_status TEXT CHECK (revocation_status IN ('good', 'unknown', 'unchecked'));
CREATE INDEX signature_document ON signature(document_id, signed_at);

-- Documents signed at B-B because the TSA was unreachable: a document timestamp (ETSI.RFC3161) is added
-- when the TSA answers again. One open entry per document.
CREATE TABLE timestamp_queue (
  document_id   TEXT PRIMARY KEY REFERENCES document(id) ON DELETE CASCADE,
  queued_at     TEXT NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT,
  next_attempt_at TEXT
) STRICT;
