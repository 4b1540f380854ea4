ALTER TABLE users DROP COLUMN session_gen;
