-- Grouped notifications (Hatena's 通知): one row per recipient and
-- (kind, subject), named by group_key ('star:<bookmark id>', 'follow',
-- 'first_bookmark:<entry id>'), that gathers its actors and moves to the
-- top (updated_at) and back to unread when one joins. Written in the
-- transaction of the star, follow or bookmark save that causes it.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('star', 'follow', 'first_bookmark')),
    subject_entry_id BIGINT REFERENCES entries (id) ON DELETE CASCADE,
    subject_bookmark_id BIGINT REFERENCES bookmarks (id) ON DELETE CASCADE,
    group_key TEXT NOT NULL,
    -- star and follow: the rows of notification_actors; first_bookmark:
    -- the number of public users the entry reached.
    actor_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE UNIQUE INDEX notifications_group ON notifications (user_id, group_key);
-- A user's notifications newest first, keyed (updated_at, id) for keyset pages.
CREATE INDEX notifications_user_time ON notifications (user_id, updated_at DESC, id DESC);
-- Finds a comment's star notification when it is deleted or made private.
CREATE INDEX notifications_bookmark ON notifications (subject_bookmark_id) WHERE subject_bookmark_id IS NOT NULL;

-- Who a notification gathers, newest first per notification.
CREATE TABLE notification_actors (
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (notification_id, actor_id)
);
CREATE INDEX notification_actors_time ON notification_actors (notification_id, created_at DESC, actor_id DESC);

-- A user's unread notifications, kept equal to their rows with read_at NULL
-- in the transaction that changes them, so polling the count is one
-- primary-key read. Its own table, not a users column: a star or follow
-- locks the recipient's counter last, after rows the recipient's own
-- writes lock while holding their users row, so the two never wait on
-- each other in a cycle. A missing row means zero.
CREATE TABLE notification_counts (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    unread BIGINT NOT NULL
);
