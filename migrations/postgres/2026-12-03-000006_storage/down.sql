DROP TABLE attach;
