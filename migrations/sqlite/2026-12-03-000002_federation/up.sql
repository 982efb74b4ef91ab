-- Federation: connection state and per-connection permissions, item fields for threads and
-- relays, and the delivery queue (one row per message and destination hub, plus the state of
-- each destination).

ALTER TABLE abook ADD COLUMN abook_pending BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE abook ADD COLUMN abook_blocked BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE abook ADD COLUMN abook_ignored BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE abook ADD COLUMN abook_archived BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE abook ADD COLUMN abook_role TEXT NOT NULL DEFAULT '';

CREATE TABLE abconfig (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chan BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    xchan TEXT NOT NULL,
    cat TEXT NOT NULL,
    k TEXT NOT NULL,
    v TEXT NOT NULL,
    UNIQUE (chan, xchan, cat, k)
);

ALTER TABLE item ADD COLUMN verb TEXT NOT NULL DEFAULT 'Create';
ALTER TABLE item ADD COLUMN thr_parent TEXT NOT NULL DEFAULT '';
ALTER TABLE item ADD COLUMN item_origin BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE item ADD COLUMN route TEXT NOT NULL DEFAULT '';
ALTER TABLE item ADD COLUMN signed_data TEXT NOT NULL DEFAULT '';
ALTER TABLE item ADD COLUMN allow_cid TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX item_uid_mid_idx ON item (uid, mid);
CREATE INDEX item_parent_mid_idx ON item (parent_mid);

DROP TABLE outq;
CREATE TABLE outq (
    outq_id INTEGER PRIMARY KEY AUTOINCREMENT,
    outq_dest TEXT NOT NULL,
    outq_channel BIGINT NOT NULL,
    outq_msg TEXT NOT NULL,
    outq_encrypt BOOLEAN NOT NULL DEFAULT 0,
    outq_mid TEXT NOT NULL DEFAULT '',
    outq_created TIMESTAMP NOT NULL,
    outq_done TIMESTAMP,
    outq_status TEXT NOT NULL DEFAULT 'queued',
    outq_detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outq_dest_idx ON outq (outq_dest, outq_done, outq_id);
CREATE INDEX outq_mid_idx ON outq (outq_mid);

CREATE TABLE dest (
    dest_url TEXT PRIMARY KEY NOT NULL,
    dest_failures INTEGER NOT NULL DEFAULT 0,
    dest_next TIMESTAMP NOT NULL,
    dest_first_failure TIMESTAMP,
    dest_last_error TEXT NOT NULL DEFAULT '',
    dest_last_success TIMESTAMP,
    dest_dead BOOLEAN NOT NULL DEFAULT 0,
    dest_lease_owner TEXT NOT NULL DEFAULT '',
    dest_lease_until TIMESTAMP
);

CREATE TABLE notify (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    ntype TEXT NOT NULL,
    xchan TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    msg TEXT NOT NULL DEFAULT '',
    created TIMESTAMP NOT NULL,
    seen BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX notify_uid_idx ON notify (uid, created);

-- Privacy groups (Hubzilla's pgrp / pgrp_member): named sets of connections to address posts to.
CREATE TABLE pgrp (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL UNIQUE,
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    gname TEXT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    UNIQUE (uid, gname)
);

CREATE TABLE pgrp_member (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    gid BIGINT NOT NULL REFERENCES pgrp (id) ON DELETE CASCADE,
    uid BIGINT NOT NULL,
    xchan TEXT NOT NULL,
    UNIQUE (gid, xchan)
);
