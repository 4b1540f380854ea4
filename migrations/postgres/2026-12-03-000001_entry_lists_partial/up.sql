-- The hot and new lists index only the entries they can show: those with a
-- hot score (a fraction of all entries: scores fall to 0 a week after the
-- last bookmark) and those listed among new entries (reached the
-- threshold). A new entry, which has neither, is then written into two
-- indexes fewer, and the indexes stay small. Queries spell the predicates
-- literally (`hot_score > 0`, `listed_at IS NOT NULL`) so that the planner
-- can match them.
DROP INDEX entries_hot;
DROP INDEX entries_site_hot;
DROP INDEX entries_new;
CREATE INDEX entries_hot ON entries (hot_score DESC, id DESC) WHERE hot_score > 0;
CREATE INDEX entries_site_hot ON entries (domain, hot_score DESC, id DESC) WHERE hot_score > 0;
CREATE INDEX entries_new ON entries (listed_at DESC, id DESC) WHERE listed_at IS NOT NULL;
