DROP TABLE email_change;
ALTER TABLE channel DROP COLUMN channel_default_audience;
ALTER TABLE channel DROP COLUMN channel_delete_after;
ALTER TABLE account DROP COLUMN account_delete_after;
