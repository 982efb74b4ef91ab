-- The client API (Mastodon-compatible): registered apps, authorisation codes, access tokens
-- (all secrets stored as SHA-256 hex), the feed the streaming API reads, and the per-channel
-- state the API keeps beside items (visibility as the app chose it, bookmarks, edit history,
-- markers, idempotency keys).
CREATE TABLE oauth_app (
    id BIGSERIAL PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    website TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created TIMESTAMP NOT NULL
);
CREATE TABLE oauth_code (
    id BIGSERIAL PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    app_id BIGINT NOT NULL REFERENCES oauth_app (id) ON DELETE CASCADE,
    channel_id BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    challenge TEXT NOT NULL,
    expires TIMESTAMP NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE oauth_token (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    app_id BIGINT REFERENCES oauth_app (id) ON DELETE CASCADE,
    channel_id BIGINT REFERENCES channel (channel_id) ON DELETE CASCADE,
    code_id BIGINT,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created TIMESTAMP NOT NULL,
    last_used TIMESTAMP NOT NULL
);
CREATE INDEX oauth_token_channel_idx ON oauth_token (channel_id);
-- What happened, for the streaming API: every process of a hub polls this table, so an event
-- written by any of them reaches every connection. Pruned after an hour.
CREATE TABLE api_event (
    id BIGSERIAL PRIMARY KEY,
    uid BIGINT NOT NULL,
    kind TEXT NOT NULL,
    object BIGINT NOT NULL,
    created TIMESTAMP NOT NULL
);
CREATE INDEX api_event_created_idx ON api_event (created);
CREATE TABLE api_status (
    item_id BIGINT PRIMARY KEY REFERENCES item (id) ON DELETE CASCADE,
    visibility TEXT NOT NULL,
    spoiler_text TEXT NOT NULL,
    sensitive BOOLEAN NOT NULL,
    language TEXT NOT NULL
);
CREATE TABLE api_bookmark (
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES item (id) ON DELETE CASCADE,
    created TIMESTAMP NOT NULL,
    PRIMARY KEY (uid, item_id)
);
CREATE TABLE item_edit (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES item (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    html TEXT NOT NULL,
    edited TIMESTAMP NOT NULL
);
CREATE INDEX item_edit_item_idx ON item_edit (item_id);
CREATE TABLE api_marker (
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    timeline TEXT NOT NULL,
    last_read_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated TIMESTAMP NOT NULL,
    PRIMARY KEY (uid, timeline)
);
CREATE TABLE api_idempotency (
    uid BIGINT NOT NULL REFERENCES channel (channel_id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    created TIMESTAMP NOT NULL,
    PRIMARY KEY (uid, idem_key)
);
