DROP TABLE xchan_photo;
DROP TABLE photo;
