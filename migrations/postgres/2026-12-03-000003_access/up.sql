-- Access lists and single sign-on: the rest of an item's access list (Hubzilla's allow_gid,
-- deny_cid, deny_gid beside allow_cid, all in Hubzilla's `<id><id>` form), OpenWebAuth
-- one-time tokens (stored hashed), and the sessions of visitors from other hubs.

ALTER TABLE item ADD COLUMN allow_gid TEXT NOT NULL DEFAULT '';
ALTER TABLE item ADD COLUMN deny_cid TEXT NOT NULL DEFAULT '';
ALTER TABLE item ADD COLUMN deny_gid TEXT NOT NULL DEFAULT '';
-- allow_cid was a comma list: rewrite it as `<a><b>`.
UPDATE item SET allow_cid = '<' || replace(allow_cid, ',', '><') || '>' WHERE allow_cid <> '';
-- A restricted post of a channel with no list meant "my connections, whoever they are": fix
-- it to the connections it had (the list is fixed when an item is written).
UPDATE item SET allow_cid = COALESCE((
    SELECT string_agg('<' || abook_xchan || '>', '') FROM abook
    WHERE abook_channel = item.uid AND NOT abook_self AND NOT abook_pending AND NOT abook_blocked
), '')
WHERE item_private AND allow_cid = '' AND item_origin AND thr_parent = '';

CREATE TABLE owa_token (
    id BIGSERIAL PRIMARY KEY,
    owa_token_hash TEXT NOT NULL UNIQUE,
    owa_xchan TEXT NOT NULL,
    owa_created TIMESTAMP NOT NULL
);
CREATE INDEX owa_token_created_idx ON owa_token (owa_created);

CREATE TABLE visitor (
    visitor_id BIGSERIAL PRIMARY KEY,
    visitor_token_hash TEXT NOT NULL UNIQUE,
    visitor_xchan TEXT NOT NULL,
    visitor_created TIMESTAMP NOT NULL,
    visitor_seen TIMESTAMP NOT NULL
);
CREATE INDEX visitor_xchan_idx ON visitor (visitor_xchan);
