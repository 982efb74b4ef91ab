-- Identity images (service::photo) of local and remote channels alike, keyed by portable id:
-- `l` 300×300, `m` 80×80 and `s` 48×48 squares (Hubzilla's sizes) and `cover` (at most
-- 1500×500, 3:1). `blob` names the encoded image in the blob store; `updated` is when it
-- changed (the links' cache-busting query, channel info's `photo.updated`).
CREATE TABLE photo (
    xchan_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    blob TEXT NOT NULL,
    mimetype TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    updated TIMESTAMP NOT NULL,
    PRIMARY KEY (xchan_hash, kind)
);
CREATE INDEX photo_blob_idx ON photo (blob);

-- The photo a remote channel advertises in its channel info (`photo {url, type, updated}`,
-- `updated` kept as sent), and the `updated` of the advertisement our copy in `photo` was made
-- from (empty: none yet), so a refresh fetches only a changed photo.
CREATE TABLE xchan_photo (
    xchan_hash TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    mimetype TEXT NOT NULL,
    advertised TEXT NOT NULL,
    fetched TEXT NOT NULL,
    checked TIMESTAMP NOT NULL
);
