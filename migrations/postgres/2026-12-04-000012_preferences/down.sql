DROP TABLE account_pref;
