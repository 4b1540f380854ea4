// Diesel table definitions matching migrations/{sqlite,postgres}; a test
// checks every column against both migrated databases.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        username_lower -> Text,
        display_name -> Text,
        bio -> Text,
        role -> Text,
        password_hash -> Text,
        bookmark_count -> BigInt,
        public_bookmark_count -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
        following_count -> BigInt,
        follower_count -> BigInt,
        suspended_at -> Nullable<BigInt>,
        session_gen -> BigInt,
    }
}

diesel::table! {
    entries (id) {
        id -> BigInt,
        url -> Text,
        domain -> Text,
        title -> Text,
        summary -> Text,
        thumbnail_url -> Nullable<Text>,
        favicon_url -> Nullable<Text>,
        bookmark_count -> BigInt,
        first_bookmarked_at -> Nullable<BigInt>,
        listed_at -> Nullable<BigInt>,
        hot_score -> Double,
        created_at -> BigInt,
        fetch_status -> Text,
        fetch_attempts -> Integer,
        fetch_next_at -> Nullable<BigInt>,
        fetched_at -> Nullable<BigInt>,
        fetch_error -> Nullable<Text>,
        hidden_at -> Nullable<BigInt>,
        category -> Nullable<Integer>,
        category_source -> Text,
        category_due -> Nullable<BigInt>,
    }
}

diesel::table! {
    bookmarks (id) {
        id -> BigInt,
        user_id -> BigInt,
        entry_id -> BigInt,
        domain -> Text,
        comment -> Text,
        tags -> Text,
        is_private -> Bool,
        read_later -> Bool,
        star_count -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
        note -> Text,
        hidden_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    bookmark_tags (bookmark_id, tag_key) {
        bookmark_id -> BigInt,
        tag_key -> Text,
        user_id -> BigInt,
        is_private -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    user_tags (user_id, tag_key) {
        user_id -> BigInt,
        tag_key -> Text,
        tag -> Text,
        count -> BigInt,
        public_count -> BigInt,
    }
}

diesel::table! {
    user_sites (user_id, domain) {
        user_id -> BigInt,
        domain -> Text,
        count -> BigInt,
        public_count -> BigInt,
    }
}

diesel::table! {
    entry_tags (entry_id, tag_key) {
        entry_id -> BigInt,
        tag_key -> Text,
        tag -> Text,
        count -> BigInt,
        first_at -> BigInt,
    }
}

diesel::table! {
    stars (bookmark_id, user_id) {
        bookmark_id -> BigInt,
        user_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        scope -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    search_outbox (id) {
        id -> BigInt,
        kind -> Text,
        target_id -> BigInt,
        txid -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    follows (follower_id, followee_id) {
        follower_id -> BigInt,
        followee_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    report_cases (id) {
        id -> BigInt,
        target_kind -> Text,
        target_id -> BigInt,
        status -> Text,
        open_count -> BigInt,
        report_count -> BigInt,
        last_reported_at -> BigInt,
        resolved_at -> Nullable<BigInt>,
        resolved_by -> Nullable<BigInt>,
        resolution -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        case_id -> BigInt,
        reporter_id -> BigInt,
        reason -> Text,
        note -> Text,
        created_at -> BigInt,
        resolved_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    moderation_log (id) {
        id -> BigInt,
        actor_id -> BigInt,
        action -> Text,
        target_kind -> Text,
        target_id -> BigInt,
        case_id -> Nullable<BigInt>,
        note -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        subject_entry_id -> Nullable<BigInt>,
        subject_bookmark_id -> Nullable<BigInt>,
        group_key -> Text,
        actor_count -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
        read_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    notification_actors (notification_id, actor_id) {
        notification_id -> BigInt,
        actor_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    notification_counts (user_id) {
        user_id -> BigInt,
        unread -> BigInt,
    }
}

diesel::joinable!(bookmarks -> users (user_id));
diesel::joinable!(bookmarks -> entries (entry_id));
diesel::joinable!(bookmark_tags -> bookmarks (bookmark_id));
diesel::joinable!(user_tags -> users (user_id));
diesel::joinable!(user_sites -> users (user_id));
diesel::joinable!(entry_tags -> entries (entry_id));
diesel::joinable!(stars -> bookmarks (bookmark_id));
diesel::table! {
    user_mutes (user_id, muted_id) {
        user_id -> BigInt,
        muted_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    word_mutes (user_id, word) {
        user_id -> BigInt,
        word -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    site_mutes (user_id, domain) {
        user_id -> BigInt,
        domain -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    invites (id) {
        id -> BigInt,
        code_hash -> Text,
        created_by -> Nullable<BigInt>,
        max_uses -> BigInt,
        uses -> BigInt,
        created_at -> BigInt,
        expires_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    related_entries (entry_id, rank) {
        entry_id -> BigInt,
        rank -> BigInt,
        related_entry_id -> BigInt,
        score -> Double,
    }
}

diesel::table! {
    category_suggestions (entry_id, user_id) {
        entry_id -> BigInt,
        user_id -> BigInt,
        category -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    related_computed (entry_id) {
        entry_id -> BigInt,
        computed_at -> BigInt,
    }
}

diesel::table! {
    related_dirty (entry_id) {
        entry_id -> BigInt,
        marked_at -> BigInt,
        spread -> Bool,
    }
}

diesel::table! {
    related_progress (id) {
        id -> BigInt,
        outbox_txid -> BigInt,
        outbox_id -> BigInt,
    }
}

diesel::table! {
    hot_progress (id) {
        id -> BigInt,
        outbox_txid -> BigInt,
        outbox_id -> BigInt,
        window_start -> BigInt,
    }
}

diesel::table! {
    pending_fixups (name) {
        name -> Text,
    }
}

diesel::table! {
    hatena_apps (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        scope -> Text,
        consumer_key -> Text,
        access_token -> Text,
        secret_seed -> Text,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    category_history (id) {
        id -> BigInt,
        entry_id -> BigInt,
        from_category -> Nullable<Integer>,
        to_category -> Integer,
        source -> Text,
        actor_id -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    hatena_nonces (app_id, nonce, sent_at) {
        app_id -> BigInt,
        nonce -> Text,
        sent_at -> BigInt,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(reports -> report_cases (case_id));
diesel::joinable!(notification_actors -> notifications (notification_id));
diesel::joinable!(notification_actors -> users (actor_id));
diesel::joinable!(hatena_apps -> users (user_id));
diesel::joinable!(hatena_nonces -> hatena_apps (app_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    entries,
    bookmarks,
    bookmark_tags,
    user_tags,
    user_sites,
    entry_tags,
    stars,
    refresh_tokens,
    api_tokens,
    job_leases,
    search_outbox,
    follows,
    report_cases,
    reports,
    moderation_log,
    notifications,
    notification_actors,
    notification_counts,
    user_mutes,
    word_mutes,
    site_mutes,
    invites,
    pending_fixups,
    related_entries,
    related_computed,
    related_dirty,
    related_progress,
    hot_progress,
    category_suggestions,
    category_history,
    hatena_apps,
    hatena_nonces,
);
