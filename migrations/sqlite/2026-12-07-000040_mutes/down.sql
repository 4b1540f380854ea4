DROP INDEX notification_actors_actor;
DROP TABLE site_mutes;
DROP TABLE word_mutes;
DROP TABLE user_mutes;
