ALTER TABLE bookmarks DROP COLUMN note;
