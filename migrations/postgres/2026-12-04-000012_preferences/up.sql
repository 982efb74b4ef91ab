-- Per-account preferences of the web app (language of the pages, time zone): one row per
-- account and key, so new preferences need no new columns.
CREATE TABLE account_pref (
    account_id BIGINT NOT NULL REFERENCES account (account_id) ON DELETE CASCADE,
    k TEXT NOT NULL,
    v TEXT NOT NULL,
    PRIMARY KEY (account_id, k)
);
