-- Hardening: server-side sessions (revocable), account suspension, per-account login backoff.

CREATE TABLE session (
    session_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_token_hash TEXT NOT NULL UNIQUE,
    session_account BIGINT NOT NULL REFERENCES account (account_id) ON DELETE CASCADE,
    session_created TIMESTAMP NOT NULL,
    session_seen TIMESTAMP NOT NULL,
    session_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_account_idx ON session (session_account);

ALTER TABLE account ADD COLUMN account_suspended BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE account ADD COLUMN account_login_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account ADD COLUMN account_login_blocked_until TIMESTAMP;
