DROP TABLE hot_progress;
