DROP TABLE dav_lock;
DROP TABLE attach_prop;
DROP TABLE app_password;
