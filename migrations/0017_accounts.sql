-- 0017: clerks sign in. A password hash per account (scrypt, its parameters inside the hash string), the
-- sessions of signed-in clerks (only the SHA-256 of a session token is stored) and the sign-in attempts
-- the rate limit counts. The 'local' row of 0001 stays as the actor of background work; it has no password
-- and so can never sign in.

ALTER TABLE user ADD COLUMN password_hash TEXT;           -- scrypt$N$r$p$salt$key (base64url); NULL: cannot sign in
ALTER TABLE user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
ALTER TABLE user ADD COLUMN password_changed_at TEXT;

CREATE TABLE session (
  token_sha256  TEXT PRIMARY KEY CHECK (length(token_sha256) = 64),
  user_id       TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  via           TEXT NOT NULL,                 -- 'http', 'ipc', 'cli'
  created_at    TEXT NOT NULL,
  last_seen_at  TEXT NOT NULL,                 -- idle lock counts from here
  locked        INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  expires_at    TEXT NOT NULL                  -- absolute end (a working day), whatever the activity
) STRICT;
CREATE INDEX session_user ON session(user_id);

CREATE TABLE sign_in_attempt (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  login       TEXT NOT NULL,                   -- as typed (lower-cased): failures for unknown names count too
  ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
  at          TEXT NOT NULL
) STRICT;
CREATE INDEX sign_in_attempt_login ON sign_in_attempt(login, at);
