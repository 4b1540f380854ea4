DROP INDEX entry_tags_entry_rank;
