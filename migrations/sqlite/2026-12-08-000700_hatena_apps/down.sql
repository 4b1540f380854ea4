DROP TABLE hatena_nonces;
DROP TABLE hatena_apps;
