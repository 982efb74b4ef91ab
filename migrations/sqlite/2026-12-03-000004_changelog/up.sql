-- Nomadic identity: one change log per channel. Every change made at a location is one row,
-- numbered per (channel, origin location); changes received from the channel's other
-- locations are kept with their origin and number too, so applying is idempotent and each
-- location knows how far it has seen every other.
CREATE TABLE changelog (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    origin TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    obj TEXT NOT NULL,
    hlc BIGINT NOT NULL,
    body TEXT NOT NULL,
    created TIMESTAMP NOT NULL,
    UNIQUE (uid, origin, seq)
);
CREATE INDEX changelog_obj_idx ON changelog (uid, kind, obj);
