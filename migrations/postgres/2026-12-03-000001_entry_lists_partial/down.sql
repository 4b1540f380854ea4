DROP INDEX entries_hot;
DROP INDEX entries_site_hot;
DROP INDEX entries_new;
CREATE INDEX entries_hot ON entries (hot_score DESC, id DESC);
CREATE INDEX entries_site_hot ON entries (domain, hot_score DESC, id DESC);
CREATE INDEX entries_new ON entries (listed_at DESC, id DESC);
