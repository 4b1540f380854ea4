-- Data changes that SQL cannot express run in Rust after the migrations
-- (bukuma_db's fixups), once per name listed here, which they then delete.
CREATE TABLE pending_fixups (
    name TEXT PRIMARY KEY
);
-- Tag keys became NFKC + full case folding (were Unicode lowercase):
-- re-key the tags of bookmarks with non-ASCII tags and merge their counters.
INSERT INTO pending_fixups (name) VALUES ('tag_keys_casefold');
