DROP TABLE attach_thumb;
