-- Attachments of posts: files and images shown with an item, in order. For the channel's own
-- posts `attach_hash` names the file in its storage (which takes the post's access list); for
-- items from elsewhere it is empty and `url` is where the author's hub serves it.
CREATE TABLE item_attach (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES item (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    url TEXT NOT NULL,
    mimetype TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    attach_hash TEXT NOT NULL
);
CREATE INDEX item_attach_item_idx ON item_attach (item_id);

-- A file's description (alt text), as the client API's media attachments give it.
CREATE TABLE attach_note (
    attach_id BIGINT PRIMARY KEY REFERENCES attach (id) ON DELETE CASCADE,
    description TEXT NOT NULL
);
