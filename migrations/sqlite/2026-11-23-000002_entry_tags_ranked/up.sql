-- Entry cards show each entry's most used tags: this index hands them over
-- in (count DESC, tag_key) order, so the page query needs no sort.
CREATE INDEX entry_tags_entry_rank ON entry_tags (entry_id, count DESC, tag_key);
