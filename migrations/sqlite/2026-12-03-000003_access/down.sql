DROP TABLE visitor;
DROP TABLE owa_token;
UPDATE item SET allow_cid = replace(replace(replace(allow_cid, '><', ','), '<', ''), '>', '');
ALTER TABLE item DROP COLUMN deny_gid;
ALTER TABLE item DROP COLUMN deny_cid;
ALTER TABLE item DROP COLUMN allow_gid;
