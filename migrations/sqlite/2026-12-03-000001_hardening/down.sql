ALTER TABLE account DROP COLUMN account_login_blocked_until;
ALTER TABLE account DROP COLUMN account_login_failures;
ALTER TABLE account DROP COLUMN account_suspended;
DROP TABLE session;
