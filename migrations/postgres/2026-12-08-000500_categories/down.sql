DROP TABLE category_history;
DROP TABLE category_suggestions;
DROP INDEX entries_category_new;
DROP INDEX entries_category_hot;
DROP INDEX entries_category_due;
ALTER TABLE entries DROP COLUMN category_due;
ALTER TABLE entries DROP COLUMN category_source;
ALTER TABLE entries DROP COLUMN category;
