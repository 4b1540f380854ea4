DROP TABLE notification_counts;
DROP TABLE notification_actors;
DROP TABLE notifications;
