DROP INDEX changelog_uid_hlc_idx;
