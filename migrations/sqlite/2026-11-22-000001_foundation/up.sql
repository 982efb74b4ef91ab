-- Foundation: site settings, accounts, channels and their identities, local posts.
-- Table and column names follow Hubzilla's where the concept is the same.

CREATE TABLE config (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cat TEXT NOT NULL,
    k TEXT NOT NULL,
    v TEXT NOT NULL,
    UNIQUE (cat, k)
);

CREATE TABLE site (
    site_url TEXT PRIMARY KEY NOT NULL,
    site_id TEXT NOT NULL,
    site_sitekey TEXT NOT NULL,
    site_crypto TEXT NOT NULL DEFAULT '',
    site_project TEXT NOT NULL DEFAULT '',
    site_version TEXT NOT NULL DEFAULT '',
    site_dead BOOLEAN NOT NULL DEFAULT 0,
    site_update TIMESTAMP NOT NULL
);

CREATE TABLE account (
    account_id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_email TEXT NOT NULL UNIQUE,
    account_password TEXT NOT NULL,
    account_verified BOOLEAN NOT NULL DEFAULT 0,
    account_approved BOOLEAN NOT NULL DEFAULT 0,
    account_admin BOOLEAN NOT NULL DEFAULT 0,
    account_created TIMESTAMP NOT NULL,
    account_lastlog TIMESTAMP
);

CREATE TABLE verify (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    verify_account BIGINT NOT NULL REFERENCES account (account_id) ON DELETE CASCADE,
    verify_type TEXT NOT NULL,
    verify_token_hash TEXT NOT NULL UNIQUE,
    verify_expires TIMESTAMP NOT NULL,
    verify_used BOOLEAN NOT NULL DEFAULT 0
);

CREATE TABLE channel (
    channel_id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_account_id BIGINT NOT NULL REFERENCES account (account_id) ON DELETE CASCADE,
    channel_address TEXT NOT NULL UNIQUE,
    channel_name TEXT NOT NULL,
    channel_role TEXT NOT NULL,
    channel_guid TEXT NOT NULL,
    channel_guid_sig TEXT NOT NULL,
    channel_hash TEXT NOT NULL UNIQUE,
    channel_pubkey TEXT NOT NULL,
    channel_prvkey TEXT NOT NULL,
    channel_epubkey TEXT NOT NULL,
    channel_eprvkey TEXT NOT NULL,
    channel_created TIMESTAMP NOT NULL,
    channel_removed BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX channel_account_idx ON channel (channel_account_id);

CREATE TABLE profile (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid BIGINT NOT NULL UNIQUE REFERENCES channel (channel_id) ON DELETE CASCADE,
    about TEXT NOT NULL DEFAULT '',
    homepage TEXT NOT NULL DEFAULT '',
    locality TEXT NOT NULL DEFAULT '',
    edited TIMESTAMP NOT NULL
);

CREATE TABLE pconfig (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    cat TEXT NOT NULL,
    k TEXT NOT NULL,
    v TEXT NOT NULL,
    UNIQUE (uid, cat, k)
);

CREATE TABLE xchan (
    xchan_hash TEXT PRIMARY KEY NOT NULL,
    xchan_guid TEXT NOT NULL,
    xchan_guid_sig TEXT NOT NULL,
    xchan_pubkey TEXT NOT NULL,
    xchan_epubkey TEXT NOT NULL DEFAULT '',
    xchan_addr TEXT NOT NULL,
    xchan_url TEXT NOT NULL,
    xchan_name TEXT NOT NULL,
    xchan_network TEXT NOT NULL DEFAULT 'zot6',
    xchan_name_date TIMESTAMP NOT NULL,
    xchan_deleted BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX xchan_addr_idx ON xchan (xchan_addr);

CREATE TABLE hubloc (
    hubloc_id INTEGER PRIMARY KEY AUTOINCREMENT,
    hubloc_guid TEXT NOT NULL,
    hubloc_hash TEXT NOT NULL,
    hubloc_addr TEXT NOT NULL,
    hubloc_id_url TEXT NOT NULL,
    hubloc_url TEXT NOT NULL,
    hubloc_url_sig TEXT NOT NULL,
    hubloc_site_id TEXT NOT NULL,
    hubloc_host TEXT NOT NULL,
    hubloc_callback TEXT NOT NULL,
    hubloc_sitekey TEXT NOT NULL,
    hubloc_network TEXT NOT NULL DEFAULT 'zot6',
    hubloc_primary BOOLEAN NOT NULL DEFAULT 0,
    hubloc_deleted BOOLEAN NOT NULL DEFAULT 0,
    hubloc_updated TIMESTAMP NOT NULL
);
CREATE INDEX hubloc_hash_idx ON hubloc (hubloc_hash);
CREATE INDEX hubloc_id_url_idx ON hubloc (hubloc_id_url);

CREATE TABLE abook (
    abook_id INTEGER PRIMARY KEY AUTOINCREMENT,
    abook_account BIGINT NOT NULL REFERENCES account (account_id) ON DELETE CASCADE,
    abook_channel BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    abook_xchan TEXT NOT NULL,
    abook_self BOOLEAN NOT NULL DEFAULT 0,
    abook_created TIMESTAMP NOT NULL,
    UNIQUE (abook_channel, abook_xchan)
);

CREATE TABLE item (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    mid TEXT NOT NULL,
    parent_mid TEXT NOT NULL,
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    author_xchan TEXT NOT NULL,
    owner_xchan TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    html TEXT NOT NULL,
    mimetype TEXT NOT NULL DEFAULT 'text/markdown',
    created TIMESTAMP NOT NULL,
    edited TIMESTAMP NOT NULL,
    item_private BOOLEAN NOT NULL DEFAULT 0,
    item_deleted BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX item_uid_created_idx ON item (uid, created);
CREATE INDEX item_mid_idx ON item (mid);

-- Outbound delivery queue (filled by later work; one row per destination and message).
CREATE TABLE outq (
    outq_hash TEXT PRIMARY KEY NOT NULL,
    outq_channel BIGINT NOT NULL,
    outq_posturl TEXT NOT NULL,
    outq_msg TEXT NOT NULL,
    outq_attempts INTEGER NOT NULL DEFAULT 0,
    outq_last_error TEXT NOT NULL DEFAULT '',
    outq_delivered BOOLEAN NOT NULL DEFAULT 0,
    outq_created TIMESTAMP NOT NULL,
    outq_scheduled TIMESTAMP NOT NULL
);
CREATE INDEX outq_posturl_scheduled_idx ON outq (outq_posturl, outq_scheduled);
