-- 0019: a draft can be abandoned ("Bỏ hồ sơ", issue 19). Nothing is deleted: the dossier keeps its components,
-- pages and documents, leaves the drafts list, stays findable by search, and an admin can restore it. Who
-- abandoned it, when and why are kept on the row (the audit log holds the same as an event).
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt (sqlite.org/lang_altertable.html,
-- "making other kinds of table schema changes"). The migration runner turns foreign keys off around the
-- migrations, so dropping the old table does not cascade into component/page rows, and checks them after.

CREATE TABLE dossier_new (
  id              TEXT PRIMARY KEY,          -- local draft id: <station id>-<ULID>
  station_id      TEXT NOT NULL REFERENCES station(id),
  server_code     TEXT UNIQUE,               -- MaHoSo, bound at sync
  purpose         TEXT NOT NULL CHECK (purpose IN ('intake', 'result')),
  procedure_code  TEXT NOT NULL REFERENCES procedure(code),
  owner_id_type   TEXT NOT NULL CHECK (owner_id_type IN ('cccd', 'cmnd', 'org')),
  owner_id        TEXT NOT NULL,             -- DinhDanhCHS.SoDinhDanh / tax code
  owner_name      TEXT NOT NULL,
  owner_kind      TEXT NOT NULL CHECK (owner_kind IN ('citizen', 'enterprise', 'agency', 'other')),
  channel         INTEGER NOT NULL DEFAULT 1 CHECK (channel IN (1, 2, 3)), -- KenhThucHien
  summary         TEXT,                      -- TrichYeuHoSo
  state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'complete', 'queued', 'synced', 'abandoned')),
  created_by      TEXT REFERENCES user(id),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  result_for_code TEXT,
  completed_at    TEXT,
  queued_at       TEXT,
  synced_at       TEXT,
  abandoned_at    TEXT,
  abandoned_by    TEXT REFERENCES user(id),
  abandon_reason  TEXT,
  CHECK ((state = 'abandoned') = (abandoned_at IS NOT NULL))
) STRICT;

INSERT INTO dossier_new (id, station_id, server_code, purpose, procedure_code, owner_id_type, owner_id, owner_name, owner_kind, channel,
    summary, state, created_by, created_at, updated_at, result_for_code, completed_at, queued_at, synced_at)
  SELECT id, station_id, server_code, purpose, procedure_code, owner_id_type, owner_id, owner_name, owner_kind, channel,
    summary, state, created_by, created_at, updated_at, result_for_code, completed_at, queued_at, synced_at
  FROM dossier;

DROP TABLE dossier;
ALTER TABLE dossier_new RENAME TO dossier;

CREATE INDEX dossier_state ON dossier(state, created_at);
CREATE INDEX dossier_created ON dossier(created_at);
CREATE INDEX dossier_owner ON dossier(owner_id);
