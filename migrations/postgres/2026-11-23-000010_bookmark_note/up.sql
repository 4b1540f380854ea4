-- A private, longer note on a bookmark (up to 10 000 characters), shown to its
-- owner alone; imports put descriptions longer than a comment here.
ALTER TABLE bookmarks ADD COLUMN note TEXT NOT NULL DEFAULT '';
