-- Account lifecycle: deletion after a grace period (accounts and channels), a pending change of
-- the account's email address (applied only when the link mailed to the new address is
-- followed), and the default audience of a channel's new posts ('' = its role's default).
ALTER TABLE account ADD COLUMN account_delete_after TIMESTAMP;
ALTER TABLE channel ADD COLUMN channel_delete_after TIMESTAMP;
ALTER TABLE channel ADD COLUMN channel_default_audience TEXT NOT NULL DEFAULT '';

CREATE TABLE email_change (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES account (account_id) ON DELETE CASCADE,
    new_email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires TIMESTAMP NOT NULL,
    created TIMESTAMP NOT NULL
);
CREATE INDEX email_change_account_idx ON email_change (account_id);
