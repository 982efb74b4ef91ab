-- Thumbnails of image files (service::thumbnail). A thumbnail belongs to a content blob, not
-- to one file: every file with that content (a copy, a re-upload, a file in another folder)
-- shows the same one, and it goes when the content goes. `thumb` is the thumbnail's own blob;
-- width and height are its pixels (for the page's <img> attributes).
CREATE TABLE attach_thumb (
    blob TEXT PRIMARY KEY,
    thumb TEXT NOT NULL,
    mimetype TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL
);
CREATE INDEX attach_thumb_thumb_idx ON attach_thumb (thumb);
