DROP TABLE attach_note;
DROP TABLE item_attach;
