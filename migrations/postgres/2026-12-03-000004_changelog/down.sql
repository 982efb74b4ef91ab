DROP TABLE changelog;
