DROP TABLE related_progress;
DROP INDEX related_dirty_age;
DROP TABLE related_dirty;
DROP INDEX related_computed_age;
DROP TABLE related_computed;
DROP TABLE related_entries;
