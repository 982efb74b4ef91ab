DROP TABLE pgrp_member;
DROP TABLE pgrp;
DROP TABLE notify;
DROP TABLE dest;
DROP TABLE outq;
CREATE TABLE outq (
    outq_hash TEXT PRIMARY KEY NOT NULL,
    outq_channel BIGINT NOT NULL,
    outq_posturl TEXT NOT NULL,
    outq_msg TEXT NOT NULL,
    outq_attempts INTEGER NOT NULL DEFAULT 0,
    outq_last_error TEXT NOT NULL DEFAULT '',
    outq_delivered BOOLEAN NOT NULL DEFAULT FALSE,
    outq_created TIMESTAMP NOT NULL,
    outq_scheduled TIMESTAMP NOT NULL
);
CREATE INDEX outq_posturl_scheduled_idx ON outq (outq_posturl, outq_scheduled);
DROP INDEX item_parent_mid_idx;
DROP INDEX item_uid_mid_idx;
ALTER TABLE item DROP COLUMN allow_cid;
ALTER TABLE item DROP COLUMN signed_data;
ALTER TABLE item DROP COLUMN route;
ALTER TABLE item DROP COLUMN item_origin;
ALTER TABLE item DROP COLUMN thr_parent;
ALTER TABLE item DROP COLUMN verb;
DROP TABLE abconfig;
ALTER TABLE abook DROP COLUMN abook_role;
ALTER TABLE abook DROP COLUMN abook_archived;
ALTER TABLE abook DROP COLUMN abook_ignored;
ALTER TABLE abook DROP COLUMN abook_blocked;
ALTER TABLE abook DROP COLUMN abook_pending;
