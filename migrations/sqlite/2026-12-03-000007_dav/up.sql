-- WebDAV at /dav/{nick}/: app passwords for DAV and sync clients, dead properties of files
-- and folders (PROPPATCH), and locks (LOCK/UNLOCK). Locks live here rather than in a process,
-- so every `hub serve` of one hub sees the same locks.
CREATE TABLE app_password (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES account (account_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created TIMESTAMP NOT NULL,
    last_used TIMESTAMP
);
CREATE INDEX app_password_account_idx ON app_password (account_id);

-- One dead property of an entry: its namespace and name, and the property element as XML.
CREATE TABLE attach_prop (
    attach_id BIGINT NOT NULL REFERENCES attach (id) ON DELETE CASCADE,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    xml TEXT NOT NULL,
    PRIMARY KEY (attach_id, namespace, name)
);

-- A lock on a path of a channel's files (the path inside /dav/{nick}, URL-encoded, without a
-- trailing slash; "" is the top). `deep`: Depth infinity. `expires`: none for infinite.
CREATE TABLE dav_lock (
    token TEXT PRIMARY KEY,
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    principal TEXT,
    owner_xml TEXT,
    timeout_secs BIGINT,
    expires TIMESTAMP,
    shared BOOLEAN NOT NULL,
    deep BOOLEAN NOT NULL
);
CREATE INDEX dav_lock_uid_idx ON dav_lock (uid);
