import { Link, useLocation } from 'react-router';
import type { UserProfile } from '@/lib/api/types';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { useToast } from '@/components/toast/toastContext';
import { useFollow } from '../api/follows';

/**
 * Follow or unfollow the user of a profile; nothing on my own page, and a
 * link to log in for anonymous viewers.
 */
export function FollowButton({ profile }: { profile: UserProfile }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const toast = useToast();
  const location = useLocation();
  const follow = useFollow(profile.username);
  if (!user) {
    return (
      <Link className="link-small follow-hint" to={paths.login.getHref(location.pathname + location.search)}>
        {t('follow.loginToFollow')}
      </Link>
    );
  }
  if (user.username.toLowerCase() === profile.username.toLowerCase()) return null;
  const following = !!profile.followed_by_me;
  return (
    <button
      type="button"
      className={`button follow-button${following ? ' is-following' : ' button--primary'}`}
      aria-pressed={following}
      title={following ? t('follow.unfollow') : undefined}
      onClick={() =>
        follow.mutate(!following, {
          onError: () => toast.show(t(following ? 'follow.unfollowFailed' : 'follow.followFailed'), 'error'),
        })
      }
    >
      {following ? <span aria-hidden="true">✓ </span> : null}
      {t(following ? 'follow.following' : 'follow.follow')}
    </button>
  );
}

/** "12 following · 3 followers", each a link to its list. */
export function FollowCounts({ profile }: { profile: UserProfile }) {
  const { t, formatNumber } = useI18n();
  return (
    <p className="follow-counts small">
      <Link to={paths.following.getHref(profile.username)}>
        <strong data-testid="following-count">{formatNumber(profile.following_count)}</strong> {t('follow.followingLabel')}
      </Link>
      <Link to={paths.followers.getHref(profile.username)}>
        <strong data-testid="follower-count">{formatNumber(profile.follower_count)}</strong>{' '}
        {t(profile.follower_count === 1 ? 'follow.followerLabel' : 'follow.followersLabel')}
      </Link>
    </p>
  );
}
