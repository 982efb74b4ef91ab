-- The change log's highest clock value per channel is read for every change recorded
-- (sync::record); without this index that read scanned all of the channel's changes.
CREATE INDEX changelog_uid_hlc_idx ON changelog (uid, hlc);
