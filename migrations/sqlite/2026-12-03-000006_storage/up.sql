-- Cloud files: a channel's folders and files (Hubzilla's `attach`), each with its access list
-- in Hubzilla's <id> form. `parent` is the folder's row id, 0 at the top. File bytes live in
-- the blob store, named by the SHA-256 of their content (`blob`), shared by equal files.
CREATE TABLE attach (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    hash TEXT NOT NULL UNIQUE,
    parent BIGINT NOT NULL,
    name TEXT NOT NULL,
    is_dir BOOLEAN NOT NULL,
    blob TEXT NOT NULL,
    size BIGINT NOT NULL,
    mimetype TEXT NOT NULL,
    allow_cid TEXT NOT NULL,
    allow_gid TEXT NOT NULL,
    deny_cid TEXT NOT NULL,
    deny_gid TEXT NOT NULL,
    created TIMESTAMP NOT NULL,
    edited TIMESTAMP NOT NULL,
    UNIQUE (uid, parent, name)
);
CREATE INDEX attach_blob_idx ON attach (blob);
